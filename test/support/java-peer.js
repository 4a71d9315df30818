'use strict';
// The Java services of the interop tests: test/infra/java's `hoptrace.peer.Peer`, one process per
// role (produce, consume, relay), traced either by the OpenTelemetry Java agent (`stack: 'otel'`)
// or by jaeger-client through opentracing-kafka-client (`stack: 'opentracing'`). It prints one line
// per event on stdout: `ready` once its consumer has partitions, then JSON objects
// `{sent:{topic,key,partition,offset}}`, `{consumed:{topic,key,value,partition,offset,headers:
// {name:[values, wire order]},headerList:[[name,value]…],traceId,traceId32,spanId}}` and, for the
// opentracing stack, `{span:{traceId,traceId32,traceIdHigh,traceIdLow,spanId,parentId,
// operationName,kind,service,references}}` per finished span. Ids are lower-case hex; `traceId` is
// the stack's own form (jaeger-client: 16 chars for a 64-bit id), `traceId32` the same id padded to 32.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { KAFKA_BROKERS } = require('./kafka');

const BUILD = path.resolve(__dirname, '../infra/java/build.sh');
// A cold build downloads ~45 MB of jars and Maven plugins: ~25 s here; bounded all the same.
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

let built;
/** Builds the peers once per process (a cache hit costs ~0.1 s); resolves with the build folder. */
function buildJavaPeers() {
  built ??= new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends Maven's JVM too, not only the script.
    const child = spawn('bash', [BUILD], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, BUILD_TIMEOUT_MS);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const dir = stdout.trim().split('\n').pop();
      if (code === 0 && dir) resolve(dir);
      else reject(new Error(`test/infra/java/build.sh failed (${signal ? `killed after ${BUILD_TIMEOUT_MS / 1000} s` : `exit ${code}`}):\n${stderr}${stdout}`));
    });
  });
  return built;
}

// Start-up of a short-lived JVM: class data sharing, the C1 compiler only (the agent's start is
// CPU-bound: ~4.4 s with C1 alone, ~8 s with C2 too, on 2 cores), the serial collector (~0.5 s
// less again), a small heap.
const JVM_FLAGS = ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx256m', '-Djava.net.preferIPv4Stack=true'];

/**
 * Starts one peer. Options:
 *   stack         'otel' | 'opentracing'
 *   style         'wrappers' | 'interceptors' (opentracing; default wrappers)
 *   propagation   'jaeger' | 'b3' (opentracing; default jaeger)
 *   traceIdBits   64 | 128 (opentracing; default 64)
 *   mode          'produce' | 'consume' | 'relay'
 *   topic, toTopic (relay), group (default: a fresh one), count (default 1), keyPrefix (produce)
 *   service       service name (OTEL_SERVICE_NAME / the jaeger-client tracer's)
 *   otlpEndpoint  otel: base URL of an OTLP/HTTP receiver (receiver.url); without it no span is exported
 *   propagators   otel: OTEL_PROPAGATORS (default: the agent's, `tracecontext,baggage`)
 *   instrumentations  otel: 'all' (default, as services run the agent) or 'kafka': only the
 *                 kafka-clients and OpenTelemetry API instrumentations, which starts the JVM ~1.3 s
 *                 sooner here (agent start: ~2.0 s of CPU instead of ~3.3 s) and traces Kafka the same
 *   brokers       default KAFKA_BROKERS
 *   env           extra environment (e.g. OTEL_INSTRUMENTATION_…), applied last
 *   timeoutMs     the child is killed (SIGKILL) after this long, default 60 s; a consumer stops
 *                 polling 15 s before that and exits 2 with a message when it has too few records
 * Resolves once the JVM is spawned (the build first, memoized) with
 *   { child, lines, ready(ms), waitFor(predicate, ms), exited, output(), stop() }:
 *   lines      every JSON line printed so far, parsed, in order
 *   ready(ms)  resolves once the peer printed `ready` (its consumer has partitions)
 *   waitFor    resolves with `lines` once predicate(lines) holds; rejects after ms (default 20 s)
 *              with what was printed, and when the peer exits first
 *   exited     resolves with { code, signal, stdout, stderr } when the process has ended
 */
async function startJavaPeer(options) {
  const {
    stack, style, propagation, traceIdBits, mode, topic, toTopic, group, count = 1, keyPrefix, service = `java-${stack}-${mode}`,
    otlpEndpoint, propagators, instrumentations = 'all', brokers = KAFKA_BROKERS, env = {}, timeoutMs = 60000,
  } = options;
  const dir = await buildJavaPeers();
  const args = ['--stack', stack, '--mode', mode, '--topic', topic, '--count', String(count), '--brokers', brokers, '--service', service,
    // The peer gives up polling (exit 2, saying how many records it got) well before the kill, which
    // also has to cover the JVM's start: ~1.5 s, ~5 s with the agent, more when several start at once.
    '--timeout-ms', String(Math.max(1000, timeoutMs - 15000))];
  const optional = { style, propagation, 'trace-id-bits': traceIdBits, 'to-topic': toTopic, group, 'key-prefix': keyPrefix };
  for (const [flag, value] of Object.entries(optional)) if (value !== undefined) args.push(`--${flag}`, String(value));

  const jvm = [...JVM_FLAGS];
  const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  if (process.env.JAVA_HOME) childEnv.JAVA_HOME = process.env.JAVA_HOME;
  if (stack === 'otel') {
    jvm.push(`-javaagent:${path.join(dir, 'opentelemetry-javaagent.jar')}`, '-Dotel.metrics.exporter=none', '-Dotel.logs.exporter=none');
    Object.assign(childEnv, {
      OTEL_SERVICE_NAME: service,
      OTEL_TRACES_EXPORTER: otlpEndpoint ? 'otlp' : 'none',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      ...(otlpEndpoint && { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint }),
      ...(propagators && { OTEL_PROPAGATORS: propagators }),
      ...(instrumentations === 'kafka' && {
        OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED: 'false',
        OTEL_INSTRUMENTATION_KAFKA_ENABLED: 'true',
        OTEL_INSTRUMENTATION_OPENTELEMETRY_API_ENABLED: 'true',
      }),
    });
  }
  Object.assign(childEnv, env);
  const child = spawn('java', [...jvm, '-cp', `${path.join(dir, 'classes')}${path.delimiter}${path.join(dir, 'lib', '*')}`, 'hoptrace.peer.Peer', ...args], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  let pending = '';
  let isReady = false;
  let ended = false;
  const lines = [];
  const listeners = new Set();
  const notify = () => { for (const listener of [...listeners]) listener(); };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line === 'ready') isReady = true;
      else if (line.startsWith('{')) {
        try { lines.push(JSON.parse(line)); } catch { /* kept in stdout, shown on failure */ }
      }
    }
    notify();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  // `java` not found: 'close' follows with a negative code.
  child.on('error', (error) => { stderr += `\n${error.message}`; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      ended = true;
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const label = `java peer (${[stack, style, propagation, traceIdBits && `${traceIdBits}-bit`, mode, topic].filter(Boolean).join(' ')})`;
  const describe = () => `${label}${ended ? ` exited (${child.exitCode ?? child.signalCode})` : ''}\nstdout:\n${stdout}\nstderr (last 4000 chars):\n${stderr.slice(-4000)}`;

  /** Resolves once check() returns a value other than undefined; rejects after ms or at exit. */
  const until = (what, check, ms) => new Promise((resolve, reject) => {
    let timeout;
    const done = (settle, value) => { listeners.delete(poll); clearTimeout(timeout); settle(value); };
    const poll = () => {
      let value;
      try { value = check(); } catch (error) { return done(reject, error); }
      if (value !== undefined) done(resolve, value);
      else if (ended) done(reject, new Error(`${what}, but the ${describe()}`));
    };
    timeout = setTimeout(() => done(reject, new Error(`${what} within ${ms} ms; ${describe()}`)), ms);
    listeners.add(poll);
    poll();
  });

  return {
    child,
    lines,
    exited,
    output: () => ({ stdout, stderr }),
    ready: (ms = 30000) => until('not ready', () => (isReady ? true : undefined), ms),
    waitFor: (predicate, ms = 20000) => until('the expected lines were not printed', () => (predicate(lines) ? lines : undefined), ms),
    /** Ends a peer that is still running (SIGTERM: its shutdown hooks still run), resolves at its exit. */
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

module.exports = { buildJavaPeers, startJavaPeer };

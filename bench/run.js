'use strict';
// `npm run bench [-- --quick] [--majors 24,26] [--report]`: hoptrace against no agent, OpenTelemetry's
// auto-instrumentations-node and dd-trace, side by side, configurations interleaved round by round
// (A B C D A B C D …), on each Node major (default: 24 and 26, the headline ones; builds from
// test/infra/node/). Writes bench/RESULTS.md (--quick writes bench/RESULTS-quick.md). Fails if a
// configuration delivered fewer spans than the work it traced: nobody wins by not tracing.
// --report: RESULTS.md again from RESULTS.json, without a run.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
const { configs, REPO } = require('./configs');
const { onEachBuild, requiredNodeBuilds } = require('./node-builds');
const { startReceiver } = require('./receiver');
const { writeReport } = require('./report');

const QUICK = process.argv.includes('--quick');
const MAJORS = process.argv.includes('--majors') ? process.argv[process.argv.indexOf('--majors') + 1].split(',') : ['24', '26'];
/**
 * Messages each Kafka run sends and consumes before it measures (apps/kafka-app.js): without them
 * the measured 30,000 were mostly the JIT's warm-up (Node 24, eachBatch sends of 100: 23-27 µs of
 * CPU per message over the first 30,000, 14-17 over 30,000 after 20,000 more, every configuration alike).
 */
const KAFKA_WARMUP = { 1: 1000, 100: 20000 };
const PLAN = QUICK
  ? { rounds: 1, warmup: 1, duration: 2, connections: 50, startupRuns: 3, memoryRequests: [2000, 4000], kafka: { 1: 200, 100: 1000 }, kafkaWarmup: { 1: 50, 100: 500 } }
  : { rounds: 3, warmup: 3, duration: 10, connections: 50, startupRuns: 30, memoryRequests: [100000, 1000000], kafka: { 1: 3000, 100: 30000 }, kafkaWarmup: KAFKA_WARMUP };
// The long memory run (to the last count of memoryRequests) only where flatness is the question:
// no agent and hoptrace; the other agents stop at the first count.
const LONG_MEMORY = new Set(['no agent', 'hoptrace']);
// Nothing listens there: connections are refused, as with a collector that is down.
const DOWN_RECEIVER = 'http://127.0.0.1:9';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS || '127.0.0.1:19092';
// Server on core 0, load generator and receiver on core 1 (a 2-core machine).
const APP_CPU = '0';
const LOAD_CPU = '1';

/**
 * The broker the project's script started, moved to the load generator's core for the run (and
 * back when it ends): left free, its JVM threads land on the app's core and the app's figures move
 * by ±15 % from round to round. A broker started some other way is left where it is, and said so.
 */
function pinBrokerAwayFromApp(log) {
  const pidFile = path.join(process.env.HOPTRACE_CACHE || path.join(require('node:os').homedir(), '.cache', 'hoptrace'), 'kafka', 'kafka.pid');
  let pid;
  try {
    pid = fs.readFileSync(pidFile, 'utf8').trim();
    fs.accessSync(`/proc/${pid}`);
  } catch {
    log(`bench: the broker is not one test/infra/kafka started (no live ${pidFile}); it is not pinned, and Kafka figures will be noisier`);
    return;
  }
  const all = `0-${require('node:os').availableParallelism() - 1}`;
  execFileSync('taskset', ['-a', '-p', '-c', LOAD_CPU, pid], { stdio: 'ignore' });
  process.on('exit', () => {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', all, pid], { stdio: 'ignore' });
    } catch {}
  });
}

/** BENCH_NODE: the apps run on that Node (bench/floor.js runs them on each major); the load generator on this one. */
function pinned(cpu, args, node = process.execPath) {
  return ['taskset', ['-c', cpu, node, ...args]];
}

function startApp(config, script, env, preload = config.preload) {
  const [command, args] = pinned(APP_CPU, [...preload, path.join(__dirname, 'apps', script)], process.env.BENCH_NODE || process.execPath);
  const child = spawn(command, args, { cwd: __dirname, env: { PATH: process.env.PATH, ...config.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { child, exited, output: () => out, errors: () => err };
}

function waitFor(app, pattern, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const match = app.output().match(pattern);
      if (match) {
        clearInterval(timer);
        resolve(match);
      } else if (Date.now() - started > timeoutMs || app.child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`no ${pattern} from the app: ${app.output()} ${app.errors()}`));
      }
    }, 5);
  });
}

/** Asynchronous on purpose: the span receiver lives in this process and must keep answering meanwhile. */
function runLoad(url, env) {
  const [command, args] = pinned(LOAD_CPU, [path.join(__dirname, 'load.js')]);
  const child = spawn(command, args, { cwd: __dirname, env: { PATH: process.env.PATH, URL: url, CONNECTIONS: String(PLAN.connections), ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`load generator failed: ${err}`))));
  });
}

/** CPU time (user + system) the process has used so far, in ms; Linux counts it in 10 ms ticks. */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)[1]) / 1024;
}

async function stopApp(app) {
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 15000);
  const result = await app.exited;
  clearTimeout(timer);
  await new Promise((r) => setTimeout(r, 300)); // exports still on the wire
  return result;
}

/**
 * One HTTP run: fresh app, warm-up (discarded), measured load; spans counted over both. `esm`: the
 * same app as an ES module, started with the configuration's ES module flag.
 */
async function httpRun(config, receiver, pathname, spansPerRequest, { esm = false } = {}) {
  receiver.take();
  const app = esm ? startApp(config, 'http-app.mjs', {}, config.esmPreload) : startApp(config, 'http-app.js', {});
  const [, port] = await waitFor(app, /listening (\d+)/);
  const url = `http://127.0.0.1:${port}${pathname}`;
  const warm = await runLoad(url, { DURATION: String(PLAN.warmup) });
  const cpuBefore = cpuMs(app.child.pid);
  const measured = await runLoad(url, { DURATION: String(PLAN.duration) });
  // The app's own CPU per request: unlike requests/s, it does not depend on how fast the load
  // generator (sharing its core with the receiver) keeps up.
  const cpuPerRequestUs = ((cpuMs(app.child.pid) - cpuBefore) * 1000) / measured.requests;
  await stopApp(app);
  const ok = warm.requests + measured.requests - warm.non2xx - measured.non2xx - warm.errors - measured.errors;
  return { rps: measured.rps, p99: measured.p99, cpuPerRequestUs, spans: receiver.take(), expected: tracesEverything(config) ? ok * spansPerRequest : 0 };
}

/**
 * RSS of the express app after warm-up and after each count of requests in `counts` (cumulative).
 * `env` may point the exporter at a receiver that is down.
 */
async function memoryRun(config, receiver, counts, env = {}) {
  receiver.take();
  const app = startApp(config, 'http-app.js', env);
  const [, port] = await waitFor(app, /listening (\d+)/);
  const url = `http://127.0.0.1:${port}/users/42`;
  await runLoad(url, { DURATION: String(PLAN.warmup) });
  const afterWarmup = rssMb(app.child.pid);
  const after = {};
  let done = 0;
  for (const count of counts) {
    await runLoad(url, { AMOUNT: String(count - done) });
    done = count;
    after[count] = rssMb(app.child.pid);
  }
  await stopApp(app);
  receiver.take();
  return { afterWarmup, after, afterLoad: after[counts[0]] };
}

function startupRun(config) {
  const times = [];
  for (let i = 0; i < PLAN.startupRuns + 3; i++) {
    const [command, args] = pinned(APP_CPU, [...config.preload, '-e', '0'], process.env.BENCH_NODE || process.execPath);
    const started = process.hrtime.bigint();
    spawnSync(command, args, { env: { PATH: process.env.PATH, ...config.env } });
    if (i >= 3) times.push(Number(process.hrtime.bigint() - started) / 1e6); // three warm-up runs
  }
  return times;
}

async function listeningRun(config) {
  const times = [];
  for (let i = 0; i < PLAN.startupRuns + 3; i++) {
    const started = process.hrtime.bigint();
    const app = startApp(config, 'http-app.js', {});
    await waitFor(app, /listening/);
    if (i >= 3) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    app.child.kill('SIGKILL');
    await app.exited;
  }
  return times;
}

async function kafkaRun(config, receiver, batch, mode) {
  const topic = `bench-${batch}-${mode}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const admin = new Kafka({ clientId: 'bench-admin', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  receiver.take();
  const app = startApp(config, 'kafka-app.js', { KAFKA_BROKERS, TOPIC: topic, MODE: mode, BATCH: String(batch), MESSAGES: String(PLAN.kafka[batch]), WARMUP: String(PLAN.kafkaWarmup?.[batch] ?? 0), KAFKAJS_NO_PARTITIONER_WARNING: '1' });
  const [line] = await waitFor(app, /^\{.*\}$/m, 300000);
  const result = JSON.parse(line);
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 20000);
  await app.exited;
  clearTimeout(timer);
  await new Promise((r) => setTimeout(r, 300));
  return { rate: result.rate, cpuPerMessageUs: result.cpuPerMessageUs, spans: receiver.take(), expected: tracesEverything(config) ? result.operations : 0 };
}

/** An agent that samples everything must deliver a span for every traced operation; one that samples less, none is counted. */
function tracesEverything(config) {
  return config.preload.length > 0 && config.sampledFraction !== false;
}

function checkSpans(config, scenario, run, failures) {
  if (run.spans < run.expected) failures.push(`${config.name}, ${scenario}: ${run.spans} spans for ${run.expected} expected`);
}

/** Every configuration on the Node in BENCH_NODE: the rounds, then start-up and memory. */
async function compare(all, receiver, version, failures, log) {
  const results = Object.fromEntries(all.map((c) => [c.name, { users: [], usersEsm: [], chain: [], memory: [], startup: [], listening: [], kafka: {} }]));
  const kafkaVariants = [[1, 'eachMessage'], [1, 'eachBatch'], [100, 'eachMessage'], [100, 'eachBatch']];
  const check = (config, scenario, run) => checkSpans(config, `${version} ${scenario}`, run, failures);
  for (let round = 1; round <= PLAN.rounds; round++) {
    for (const config of all) {
      log(`${version} round ${round}/${PLAN.rounds}: ${config.name}`);
      const r = results[config.name];
      const users = await httpRun(config, receiver, '/users/42', 1);
      check(config, 'GET /users/:id', users);
      r.users.push(users);
      if (config.esmPreload) {
        const usersEsm = await httpRun(config, receiver, '/users/42', 1, { esm: true });
        check(config, 'GET /users/:id, ES module app', usersEsm);
        r.usersEsm.push(usersEsm);
      }
      const chain = await httpRun(config, receiver, '/chain', 3);
      check(config, '/chain', chain);
      r.chain.push(chain);
      for (const [batch, mode] of kafkaVariants) {
        const key = `${mode}, batches of ${batch}`;
        const run = await kafkaRun(config, receiver, batch, mode);
        check(config, `kafka ${key}`, run);
        (r.kafka[key] ??= []).push(run);
      }
    }
  }
  for (const config of all) {
    log(`${version} start-up and memory: ${config.name}`);
    results[config.name].startup = startupRun(config);
    results[config.name].listening = await listeningRun(config);
    const counts = LONG_MEMORY.has(config.name) ? PLAN.memoryRequests : PLAN.memoryRequests.slice(0, 1);
    results[config.name].memory.push(await memoryRun(config, receiver, counts));
    if (config.name === 'hoptrace') {
      log(`${version} memory with the receiver down: hoptrace`);
      results[config.name].memoryReceiverDown = await memoryRun(config, receiver, counts, { OTEL_EXPORTER_OTLP_ENDPOINT: DOWN_RECEIVER });
    }
  }
  return results;
}

async function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  const file = path.join(__dirname, QUICK ? 'RESULTS-quick.md' : 'RESULTS.md');
  if (process.argv.includes('--report')) {
    // The report again from RESULTS.json (no run): after a floor run, whose verdicts it repeats.
    const saved = JSON.parse(fs.readFileSync(file.replace(/\.md$/, '.json'), 'utf8'));
    writeReport(file, { ...saved, quick: QUICK });
    log(`wrote ${path.relative(REPO, file)} from ${path.basename(file.replace(/\.md$/, '.json'))}`);
    return;
  }
  const builds = requiredNodeBuilds(MAJORS);
  pinBrokerAwayFromApp(log);
  const receiver = await startReceiver();
  const all = configs(receiver.url);
  const failures = [];
  const byMajor = await onEachBuild(builds, ({ version }) => compare(all, receiver, version, failures, log));
  await receiver.close();

  // Read from disk: some of these packages do not export their package.json.
  const versionOf = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  const installed = (name) => versionOf(path.join(__dirname, 'node_modules', name));
  const versions = {
    hoptrace: versionOf(REPO),
    'OpenTelemetry auto-instrumentations-node': installed('@opentelemetry/auto-instrumentations-node'),
    'dd-trace': installed('dd-trace'),
    express: installed('express'),
    kafkajs: installed('kafkajs'),
    autocannon: installed('autocannon'),
  };
  const machine = `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
  // The raw measurements too, so the report can be re-read or re-rendered without another run.
  fs.writeFileSync(file.replace(/\.md$/, '.json'), JSON.stringify({ measured: new Date().toISOString().slice(0, 10), byMajor, plan: PLAN, versions, machine, failures }, null, 1));
  writeReport(file, { measured: new Date().toISOString().slice(0, 10), byMajor, plan: PLAN, quick: QUICK, versions, machine, failures });
  log(`wrote ${path.relative(REPO, file)}`);
  if (failures.length > 0) {
    log(`FAILED: configurations delivered fewer spans than they traced:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

module.exports = { PLAN, KAFKA_WARMUP, httpRun, kafkaRun, memoryRun, runLoad, checkSpans, pinBrokerAwayFromApp };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    // The span receiver and any app still running would keep this process alive: a broker that is
    // not there must end the run, not hang it.
    process.exit(1);
  });
}

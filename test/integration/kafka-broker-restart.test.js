'use strict';
// The Kafka broker stopped and restarted under an app that produces and consumes: with hoptrace the
// app gets the same messages and the same errors as without it, and tracing resumes after the restart.
//
// A second broker of its own, started, stopped and restarted with the project's scripts
// (test/infra/kafka/start.sh, stop.sh); the shared broker on 19092 is never touched. Its ports and
// its cache directory are this run's alone, so runs of this file at the same time on one machine
// (two clones, two test tiers) cannot stop each other's broker; its jars are the main cache's.
// The app (fixtures/kafka-restart-app.js) runs twice, without and with the agent, side by side on
// their own topics and groups; in both runs the broker is stopped, left down 3 s and started again
// on the data it had (KAFKA_KEEP_DATA=1: the same topics, consumer groups and committed offsets). Exact timing differs between the runs, so
// what is compared is what must hold for both: every message whose send succeeded is consumed,
// sends fail during the outage with the same kafkajs errors, the consumer survives it, the exit
// code and stderr are the same.
const { suite } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { withReceiver } = require('../support/traced-run');
const { runFixture, REPO } = require('../support/run-fixture');
const { comparableOutput } = require('../support/comparable-output');

const MAIN_CACHE = process.env.HOPTRACE_CACHE || path.join(os.homedir(), '.cache', 'hoptrace');
const COUNT = 100;
const DOWN_MS = 3000;

// ---- the second broker -------------------------------------------------------------------------

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Two adjacent free ports, below Linux's ephemeral range (32768-60999): while the broker is down,
 * the app keeps connecting to its port, and a port in that range could be handed to one of those
 * connections as its own source port and be taken when the broker comes back.
 */
async function freePorts() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 5000);
    if ((await portFree(port)) && (await portFree(port + 1))) return [port, port + 1];
  }
  throw new Error('found no two adjacent free ports in 20000-29999 for the second broker');
}

/** Starts a broker of this run's own; resolves with { brokers, script(name, env), remove() }. */
async function startOwnBroker() {
  const [port, controllerPort] = await freePorts();
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-restart-broker-'));
  // start.sh finds its jars under $HOPTRACE_CACHE/kafka/libs (with their .pom-sha256 stamp): the
  // main cache's, when it has them; otherwise start.sh fetches them itself.
  fs.mkdirSync(path.join(cache, 'kafka'));
  const shared = path.join(MAIN_CACHE, 'kafka', 'libs');
  if (fs.existsSync(path.join(shared, '.pom-sha256'))) fs.symlinkSync(shared, path.join(cache, 'kafka', 'libs'));

  const script = (name, extraEnv = {}) => {
    const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), HOPTRACE_CACHE: cache, ...extraEnv };
    delete env.KAFKA_BROKERS;
    return new Promise((resolve, reject) => {
      execFile('bash', [path.join(REPO, 'test/infra/kafka', name)], { env, timeout: 120000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`the second broker's ${name} ${JSON.stringify(extraEnv)} failed (${error.code ?? error.signal}):\n${stderr}${stdout}`));
        else resolve(stdout);
      });
    });
  };
  const broker = {
    brokers: `127.0.0.1:${port}`,
    script,
    /** Stops the broker (idempotent) and removes its directory. */
    async remove() {
      await script('stop.sh');
      fs.rmSync(cache, { recursive: true, force: true });
    },
  };
  try {
    await script('start.sh');
  } catch (error) {
    await broker.remove().catch(() => {});
    throw error;
  }
  return broker;
}

// ---- one run of the app -------------------------------------------------------------------------

function events(stdout) {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`the app printed a line that is not JSON: ${line}\nstdout:\n${stdout}`);
      }
    });
}

const errorKind = (e) => `${e.name}: ${e.message}${e.cause ? ` (cause: ${e.cause})` : ''}`;

/**
 * Starts the app once per entry of `runs` ({ agent, env }), all at once, and stops and restarts the
 * broker under them: each produces and consumes (20 messages at least) before the outage, rides it
 * out, and finishes after the restart. The runs overlap so that they live through the same outage
 * (and the file stays well under a minute; one outage costs about 15 s: a stop, 3 s down, a JVM
 * start, and the consumer group's recovery).
 */
async function runThroughRestart(broker, runs) {
  const apps = runs.map(({ agent, env }) => {
    const suffix = `${agent ? 'traced' : 'plain'}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const topic = `restart-${suffix}`;
    const app = runFixture('kafka-restart-app.js', {
      agent,
      timeoutMs: 60000,
      env: { KAFKA_BROKERS: broker.brokers, TOPIC: topic, GROUP: `group-${suffix}`, COUNT: String(COUNT), INTERVAL_MS: '50', ...env },
    });
    return { topic, app };
  });
  const printed = (app, key) => events(app.output().stdout).filter((e) => key in e).map((e) => e[key]);
  try {
    await Promise.all(apps.map(({ app }) => app.waitForOutput(/"consumed":20,/, 30000)));
    const consumedBeforeStop = apps.map(({ app }) => new Set(printed(app, 'consumed')));
    await broker.script('stop.sh');
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    await broker.script('start.sh', { KAFKA_KEEP_DATA: '1' });
    // The send in progress may have begun before the broker was back; the one after it did not.
    const firstAfterRestart = apps.map(({ app }) => Math.max(0, ...printed(app, 'send')) + 2);
    const results = await Promise.all(apps.map(({ app }) => app.exited));
    return apps.map(({ topic }, i) => ({ topic, result: results[i], consumedBeforeStop: consumedBeforeStop[i], firstAfterRestart: firstAfterRestart[i], ...outcome(results[i]) }));
  } finally {
    for (const { app } of apps) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await Promise.all(apps.map(({ app }) => app.exited));
  }
}

function outcome({ stdout }) {
  const all = events(stdout);
  const sends = all.filter((e) => 'send' in e);
  return {
    sends,
    succeeded: new Set(sends.filter((e) => e.ok).map((e) => e.send)),
    failed: sends.filter((e) => !e.ok),
    consumed: all.filter((e) => 'consumed' in e).map((e) => e.consumed),
    crashes: all.filter((e) => 'crash' in e).map((e) => e.crash),
    done: all.find((e) => 'done' in e)?.done,
    fatal: all.find((e) => 'fatal' in e)?.fatal,
  };
}

/** What must hold in every run, with or without the agent. */
function assertRunHeld(run, label) {
  const { result, sends, succeeded, failed, consumed, crashes, done, fatal } = run;
  const context = `${label} run\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  assert.is(fatal, undefined, `${label}: the app failed: ${JSON.stringify(fatal)}\n${context}`);
  assert.ok(done, `${label}: the app printed no summary (exit ${result.code}, signal ${result.signal})\n${context}`);
  assert.is(done.sent, COUNT, `${label}: every number was tried\n${context}`);
  assert.equal(sends.map((e) => e.send), Array.from({ length: COUNT }, (_, i) => i + 1), `${label}: one result per send, in order`);
  const consumedSet = new Set(consumed);
  const lost = [...succeeded].filter((n) => !consumedSet.has(n));
  assert.equal(lost, [], `${label}: every message whose send succeeded is consumed\n${context}`);
  const failedNumbers = new Set(failed.map((e) => e.send));
  const unexpected = [...consumedSet].filter((n) => !succeeded.has(n) && !failedNumbers.has(n));
  assert.equal(unexpected, [], `${label}: only messages that were sent are consumed`);
  assert.ok(failed.length >= 1, `${label}: sends failed while the broker was down\n${context}`);
  assert.ok([...succeeded].some((n) => n >= run.firstAfterRestart), `${label}: sends succeeded after the restart (from ${run.firstAfterRestart})\n${context}`);
  assert.ok(run.consumedBeforeStop.size >= 20, `${label}: messages were consumed before the outage`);
  // The consumer's crashes (kafkajs's CRASH event, each followed by a restart) are not compared
  // between runs: how many and which (connection refused, no broker available, coordinator still
  // loading) depends on where its retries stand when the broker goes and comes back.
  for (const crash of crashes) {
    assert.ok(crash.restart === true && /^KafkaJS/.test(crash.name), `${label}: the consumer crashed for good: ${JSON.stringify(crash)}\n${context}`);
  }
}

// ---- the test -----------------------------------------------------------------------------------

const restart = suite('Kafka broker stopped and restarted under a producing and consuming app');

restart('same deliveries, same errors, same exit with and without the agent; tracing resumes after the restart', async () => {
  const broker = await startOwnBroker();
  let failure;
  try {
    const [plain, traced] = await withReceiver(async (receiver) => {
      const [plainRun, tracedRun] = await runThroughRestart(broker, [
        { agent: false, env: {} },
        { agent: true, env: { OTEL_SERVICE_NAME: 'restart-app', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } },
      ]);
      const expected = (kind) => (kind === 'PRODUCER' ? tracedRun.sends.length : tracedRun.consumed.length);
      const count = (spans, kind) => spans.filter((s) => s.kind === kind && s.name.endsWith(tracedRun.topic)).length;
      // The app has exited: whatever it had ended was delivered on its way out.
      tracedRun.spans = await receiver
        .waitFor((spans) => ['PRODUCER', 'CONSUMER'].every((kind) => count(spans, kind) >= expected(kind)), 5000)
        .catch(() => receiver.spans);
      return [plainRun, tracedRun];
    });

    assertRunHeld(plain, 'plain');
    assertRunHeld(traced, 'traced');

    // The same outcome with and without the agent.
    assert.is(traced.result.code, plain.result.code, 'exit code');
    assert.is(traced.result.signal, plain.result.signal, 'exit signal');
    assert.equal([...new Set(traced.failed.map((e) => errorKind(e.error)))].sort(), [...new Set(plain.failed.map((e) => errorKind(e.error)))].sort(), 'the errors sends surfaced');

    // Tracing before the outage and after the restart.
    const spans = traced.spans.filter((s) => s.name.endsWith(traced.topic));
    const keyOf = (s) => Number(s.attributes['messaging.kafka.message.key']);
    const producers = new Map();
    for (const span of spans.filter((s) => s.kind === 'PRODUCER')) {
      assert.not.ok(producers.has(keyOf(span)), `one PRODUCER span for message ${keyOf(span)}`);
      producers.set(keyOf(span), span);
    }
    const consumers = spans.filter((s) => s.kind === 'CONSUMER');
    assert.is(producers.size, traced.sends.length, `a PRODUCER span per send; got ${producers.size} for ${traced.sends.length} sends`);
    assert.is(consumers.length, traced.consumed.length, `a CONSUMER span per message handled; got ${consumers.length} for ${traced.consumed.length}`);

    for (const send of traced.sends) {
      const span = producers.get(send.send);
      assert.is(span.name, `send ${traced.topic}`);
      if (send.ok) {
        assert.is(span.status.code, 'UNSET', `send ${send.send} succeeded: ${JSON.stringify(span.status)}`);
      } else {
        // error.type is the error's string code when it has one, else its class (README, agent/tracing/errors.ts).
        const type = typeof send.error.code === 'string' && send.error.code !== '' ? send.error.code : send.error.name;
        assert.is(span.status.code, 'ERROR', `send ${send.send} failed`);
        assert.is(span.status.message, send.error.message, `send ${send.send}: the span has the error the app got`);
        assert.is(span.attributes['error.type'], type, `send ${send.send}: error.type`);
      }
    }
    for (const span of consumers) {
      const producer = producers.get(keyOf(span));
      assert.ok(producer, `message ${keyOf(span)} has a PRODUCER span`);
      assert.is(span.traceId, producer.traceId, `message ${keyOf(span)}: the consumer is in the producer's trace`);
      assert.is(span.parentSpanId, producer.spanId, `message ${keyOf(span)}: the consumer is the producer's child`);
      assert.is(span.status.code, 'UNSET');
    }
    const consumedKeys = new Set(consumers.map(keyOf));
    const before = [...traced.consumedBeforeStop].filter((n) => producers.has(n) && consumedKeys.has(n));
    const after = [...traced.succeeded].filter((n) => n >= traced.firstAfterRestart && consumedKeys.has(n));
    assert.ok(before.length >= 20, `send and process spans before the outage; got them for ${before.length} messages`);
    assert.ok(after.length >= 10, `send and process spans after the restart (messages from ${traced.firstAfterRestart}); got them for ${after.length} messages`);

    // Last, so that everything above has been checked when this fails.
    assert.not.match(traced.result.stderr, /hoptrace:/, 'the agent reported nothing (no internal error, no exception trace)');
    assert.is(comparableOutput(traced.result.stderr), comparableOutput(plain.result.stderr), 'stderr: what the app printed there is the same');
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // However the test went, the second broker is stopped (an error here must not hide the test's own).
    await broker.remove().catch((error) => {
      if (!failure) throw error;
      console.error(error.message);
    });
  }
});

restart.run();

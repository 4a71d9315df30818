'use strict';
// Every instrumentation turned off and on again while the app runs (require('hoptrace/control')),
// in one app that uses them all (fixtures/switches-app.js) against the real broker: off, the
// library works as without hoptrace (no span, no trace header, no trace id in a log line) while the
// others go on tracing; on again, it traces again.
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { before } = require('../support/before');
const { get } = require('../support/http');
const { KAFKA_BROKERS, requireKafka, createTopics } = require('../support/kafka');
const { startReceiver } = require('../support/otlp-receiver');
const { FIXTURES, runFixture } = require('../support/run-fixture');

const LIBRARIES = ['express5', 'fastify5', 'koa3', 'loggers'].map((folder) => path.join(FIXTURES, folder, 'node_modules'));
let receiver;
let app;
let ports;
let logDir;

before(test, async () => {
  await requireKafka();
  const [topic, batchTopic] = await createTopics('switches-each', 'switches-batch');
  receiver = await startReceiver();
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-switches-'));
  app = runFixture('switches-app.js', {
    timeoutMs: 300000,
    env: {
      NODE_PATH: LIBRARIES.join(path.delimiter),
      OTEL_SERVICE_NAME: 'switches',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      HOPTRACE_LOGS_INJECTION: 'true',
      LOG_DIR: logDir,
      KAFKA_BROKERS,
      TOPIC: topic,
      BATCH_TOPIC: batchTopic,
    },
  });
  const [, control, express, fastify, koa] = await app.waitForOutput(/listening (\d+) (\d+) (\d+) (\d+)\n/, 90000);
  ports = { control: Number(control), express: Number(express), fastify: Number(fastify), koa: Number(koa) };
});

test.after(async () => {
  app?.child.kill('SIGTERM');
  await app?.exited;
  await receiver?.close();
});

const json = async (port, target) => {
  const response = await get(port, target);
  assert.is(response.status, 200, `${target}: ${response.body}`);
  return JSON.parse(response.body);
};

async function toggle(name, on) {
  const answer = await json(ports.control, `/toggle?name=${name}&on=${on ? 1 : 0}`);
  assert.is(answer.done, true, `toggle ${name}`);
  assert.is(answer.states[name], on);
  return answer.states;
}

/**
 * Every span received since the last call, once `expected(spans)` holds (the spans of what the
 * test did while the instrumentation was on); the receiver's list is emptied for the next call.
 * What a test did while an instrumentation was off comes before what it does once it is on again,
 * and spans leave the exporter in the order they ended: so a span made while it was off would be
 * among these, and a test asserts it is not. Requests to /toggle are left out.
 */
async function spansUntil(expected) {
  const spans = await receiver.waitFor((all) => expected(all.filter(notToggle)), 15000);
  if (process.env.DEBUG_SWITCHES) console.log(spans.map((s) => `${s.kind} ${s.name} ${s.scope} ${s.attributes['url.path']}`));
  const since = spans.filter(notToggle);
  receiver.spans.length = 0;
  return since;
}
const notToggle = (s) => s.attributes['url.path'] !== '/toggle';
const serverSpanOf = (path) => (s) => s.kind === 'SERVER' && s.attributes['url.path'] === path;

test('http: off, requests in and out are served without spans or trace headers, and frameworks on http are off with it; on again, traced again', async () => {
  const callTraced = (spans) => spans.some(serverSpanOf('/http-call')) && spans.some(serverSpanOf('/echo-headers')) && spans.some((s) => s.kind === 'CLIENT');
  assert.ok((await json(ports.control, '/http-call')).traceparent, 'on: the call carries traceparent');
  const on = await spansUntil(callTraced);
  assert.equal(on.map((s) => `${s.kind} ${s.attributes['url.path']}`).sort(), ['CLIENT undefined', 'SERVER /echo-headers', 'SERVER /http-call']);

  const states = await toggle('http', false);
  assert.equal({ express: states.express, fastify: states.fastify, koa: states.koa }, { express: false, fastify: false, koa: false }, 'frameworks work on http spans');
  const seen = await json(ports.control, '/http-call');
  assert.is(seen.traceparent, undefined, 'off: no trace header written');
  assert.is(seen['uber-trace-id'], undefined);
  assert.equal(await json(ports.express, '/e/1'), { id: '1' }, 'the app answers as before');
  await toggle('http', true);

  await json(ports.control, '/http-call');
  const again = await spansUntil(callTraced);
  assert.equal(again.map((s) => `${s.kind} ${s.attributes['url.path']}`).sort(), ['CLIENT undefined', 'SERVER /echo-headers', 'SERVER /http-call'], 'on again: traced again, and nothing while off');
});

for (const [name, port, route] of [
  ['express', 'express', '/e/:id'],
  ['fastify', 'fastify', '/f/:id'],
  ['koa', 'koa', '/k/:id'],
]) {
  test(`${name}: off, http's SERVER span goes on without the route; on again, the route is back`, async () => {
    const path = route.replace(':id', '7');
    const serverSpan = async () => {
      assert.equal(await json(ports[port], path), { id: '7' });
      return (await spansUntil((spans) => spans.some(serverSpanOf(path)))).filter((s) => s.kind === 'SERVER');
    };
    assert.equal((await serverSpan()).map((s) => [s.name, s.attributes['http.route']]), [[`GET ${route}`, route]]);
    await toggle(name, false);
    assert.equal((await serverSpan()).map((s) => [s.name, s.attributes['http.route']]), [['GET', undefined]]);
    await toggle(name, true);
    assert.equal((await serverSpan()).map((s) => s.name), [`GET ${route}`]);
  });
}

test('fetch: off, no CLIENT span and no trace header on the request; on again, both', async () => {
  const fetchSpans = async () => (await spansUntil((spans) => spans.some((s) => s.scope === '@hoptrace/fetch'))).filter((s) => s.kind === 'CLIENT');
  assert.ok((await json(ports.control, '/fetch-call')).traceparent);
  assert.equal((await fetchSpans()).map((s) => s.scope), ['@hoptrace/fetch']);
  await toggle('fetch', false);
  assert.is((await json(ports.control, '/fetch-call')).traceparent, undefined);
  await toggle('fetch', true);
  assert.ok((await json(ports.control, '/fetch-call')).traceparent);
  assert.is((await fetchSpans()).length, 1, 'one fetch span: the call made while fetch was off has none');
});

test('kafkajs: off, messages are sent and consumed (eachMessage and eachBatch) without spans or trace headers; on again, traced again', async () => {
  const received = async (key) => {
    for (let i = 0; i < 600; i++) {
      const got = (await json(ports.control, '/received')).filter((m) => m.key === key);
      if (got.length === 2) return got;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`message ${key} was not consumed both ways`);
  };
  // Per send: a PRODUCER span per topic; eachMessage: a CONSUMER span; eachBatch: the message's,
  // which names its key as the others do, and the batch's, which names none.
  const keyOf = (s) => s.attributes['messaging.kafka.message.key'];
  const isBatchSpan = (s) => s.kind === 'CONSUMER' && keyOf(s) === undefined;
  /** The Kafka spans since the last call, once the four of `key` and a batch span are in, as `kind key`. */
  const kafkaSpans = async (key) => {
    const spans = await spansUntil((all) => all.filter((s) => keyOf(s) === key).length === 4 && all.some(isBatchSpan));
    return spans.filter((s) => s.kind === 'PRODUCER' || s.kind === 'CONSUMER').map((s) => `${s.kind} ${keyOf(s) ?? '(batch)'}`).sort();
  };
  const oneSend = (key) => [`CONSUMER ${key}`, `CONSUMER ${key}`, 'CONSUMER (batch)', `PRODUCER ${key}`, `PRODUCER ${key}`].sort();

  await json(ports.control, '/send?key=before');
  for (const message of await received('before')) assert.ok(message.headers.includes('traceparent'), `${message.way} got a traceparent`);
  assert.equal(await kafkaSpans('before'), oneSend('before'));

  await toggle('kafkajs', false);
  await json(ports.control, '/send?key=off');
  for (const message of await received('off')) assert.equal(message.headers, [], `${message.way}: no header written`);

  await toggle('kafkajs', true);
  await json(ports.control, '/send?key=again');
  await received('again');
  assert.equal(await kafkaSpans('again'), oneSend('again'), 'the spans of one send: none for the one made while kafkajs was off');
});

test('loggers: one turned off writes its lines without trace ids while the others go on stamping theirs', async () => {
  // The loggers write their files asynchronously: a file not written yet, or a last line still
  // being written, reads as no line, and is read again.
  const lastLine = (logger) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(logDir, `${logger}.log`), 'utf8').trim().split('\n').pop());
    } catch {
      return {};
    }
  };
  const lastLines = () => Object.fromEntries(['pino', 'winston', 'bunyan'].map((logger) => [logger, lastLine(logger)]));
  const logged = async (message) => {
    await json(ports.control, `/log?message=${message}`);
    for (let i = 0; i < 100; i++) {
      const lines = lastLines();
      if (Object.values(lines).every((line) => (line.msg ?? line.message) === message)) return lines;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the loggers did not write ${message}`);
  };
  const stamped = (lines) => Object.fromEntries(Object.entries(lines).map(([logger, line]) => [logger, typeof line.trace_id === 'string']));
  assert.equal(stamped(await logged('one')), { pino: true, winston: true, bunyan: true });
  await toggle('pino', false);
  await toggle('winston', false);
  assert.equal(stamped(await logged('two')), { pino: false, winston: false, bunyan: true });
  await toggle('pino', true);
  await toggle('winston', true);
  assert.equal(stamped(await logged('three')), { pino: true, winston: true, bunyan: true });
});

test('an unknown name changes nothing, is answered false and said once on stderr; the states list what runs', async () => {
  const answer = await json(ports.control, '/toggle?name=mongodb&on=0');
  assert.is(answer.done, false);
  assert.equal(Object.keys(answer.states).sort(), ['bunyan', 'express', 'fastify', 'fetch', 'http', 'kafkajs', 'koa', 'pino', 'winston']);
  assert.ok(Object.values(answer.states).every((on) => on === true));
  await app.waitForOutput(/"mongodb"/, 10000, 'stderr');
  const said = app.output().stderr.split('\n').filter((line) => line.includes('"mongodb"'));
  assert.equal(said, ['hoptrace: disableInstrumentation("mongodb"): hoptrace runs no such instrumentation (it runs http, express, fastify, koa, fetch, kafkajs, pino, winston, bunyan)']);
});

test.run();

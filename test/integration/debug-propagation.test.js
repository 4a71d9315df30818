'use strict';
// HOPTRACE_DEBUG_PROPAGATION=1 in real processes: the hops where a trace starts or may break are
// said on stderr, with the hop and the place (HTTP over loopback, Kafka over the real broker).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const path = require('node:path');
const { startHttpService } = require('../support/services');
const { runFixture, FIXTURES } = require('../support/run-fixture');
const { get, postJson } = require('../support/http');
const { KAFKA_BROKERS, requireKafka, createTopics, producePlain } = require('../support/kafka');

before(test, requireKafka);

const QUIET = { OTEL_TRACES_EXPORTER: 'none' };
const DEBUG = { ...QUIET, HOPTRACE_DEBUG_PROPAGATION: '1' };
const lines = (app) => app.output().stderr.split('\n').filter((l) => l.startsWith('hoptrace: propagation:'));

async function until(check, what, ms = 20000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('HTTP: a request with no context, one in a format not written onward, and the call made: one line each', async () => {
  const app = await startHttpService('debug-http', undefined, DEBUG);
  try {
    await get(app.port, `/call?port=${app.port}&path=/headers`);
    await get(app.port, '/status/200', { b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1' });
    await until(() => lines(app).length >= 3, 'three lines');
    const [received, sent, b3] = lines(app);
    assert.is(received, 'hoptrace: propagation: received HTTP request GET /call with no trace context: a new trace starts here');
    const trace = sent.match(/^hoptrace: propagation: sent HTTP request GET to 127\.0\.0\.1\/headers in trace ([0-9a-f]{32}) with traceparent, uber-trace-id$/);
    assert.ok(trace, sent);
    assert.is(
      b3,
      'hoptrace: propagation: received HTTP request GET /status/200 in trace 80f198ee56343ba864fe8b2a57d3eff7 by b3; this service writes tracecontext, baggage, jaeger onward (OTEL_PROPAGATORS), not b3: a next service that reads only b3 starts a new trace',
    );
    // The call it made to itself arrived with context it writes: nothing said about it.
    assert.is(lines(app).length, 3, lines(app).join('\n'));
  } finally {
    await app.stop();
  }
});

test('off by default: nothing said', async () => {
  const app = await startHttpService('quiet-http', undefined, QUIET);
  try {
    await get(app.port, `/call?port=${app.port}&path=/headers`);
  } finally {
    await app.stop();
  }
  assert.is(app.output().stderr, '');
});

test('Kafka: a message sent is said with its headers; one received with none is said; one received from a traced producer is not', async () => {
  const [topic] = await createTopics('debug');
  const downstream = await startHttpService('debug-downstream', undefined, QUIET);
  const worker = runFixture('kafka-worker.js', {
    timeoutMs: 60000,
    env: { ...DEBUG, OTEL_SERVICE_NAME: 'debug-worker', KAFKA_BROKERS, TOPIC: topic, GROUP: `group-${topic}`, DOWNSTREAM_PORT: String(downstream.port) },
  });
  const gateway = runFixture('kafka-gateway.js', {
    env: { ...DEBUG, OTEL_SERVICE_NAME: 'debug-gateway', KAFKA_BROKERS, TOPIC: topic, NODE_PATH: path.join(FIXTURES, 'express5', 'node_modules') },
  });
  try {
    const [, port] = await gateway.waitForOutput(/listening (\d+)/, 20000);
    assert.is((await postJson(Number(port), '/orders', { id: 'o-1', sku: 'sku-42' })).status, 202);
    await worker.waitForOutput(/processed o-1/, 30000);
    await producePlain(topic, [{ key: 'plain-1', value: 'no headers' }]);
    await worker.waitForOutput(/processed plain-1/, 30000);
    const sent = lines(gateway).find((l) => l.includes('sent Kafka message'));
    assert.match(sent, new RegExp(`^hoptrace: propagation: sent Kafka message to topic ${topic} in trace [0-9a-f]{32} with traceparent, uber-trace-id$`));
    const received = lines(worker).filter((l) => l.includes('received Kafka message'));
    assert.equal(received, [`hoptrace: propagation: received Kafka message from topic ${topic} (partition 0) with no trace context: a new trace starts here`]);
  } finally {
    for (const app of [worker, gateway]) app.child.kill('SIGTERM');
    await Promise.all([worker.exited, gateway.exited, downstream.stop()]);
  }
});

test.run();

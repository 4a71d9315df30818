'use strict';
// @confluentinc/kafka-javascript's KafkaJS API over the real Apache Kafka broker: the same spans,
// parents, attributes and propagation as kafkajs, and trace context across the two libraries both
// ways. The package is a native addon, built for the Node running the tests by
// test/infra/confluent-kafka/install.sh (cached: seconds); if it cannot be installed, every test
// here fails with the script's reason, never skips.
const { suite } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { runFixture, FIXTURES, REPO } = require('../support/run-fixture');
const { postJson } = require('../support/http');
const { KAFKA_BROKERS, requireKafka, createTopics, producePlain } = require('../support/kafka');
const { satisfies } = require('../../dist/agent/version-range');
const { CONFLUENT_KAFKA_SUPPORTED_VERSIONS } = require('../../dist/instrumentations/kafkajs/instrumentation');

const EXPRESS5 = path.join(FIXTURES, 'express5', 'node_modules');
const TRACE = (n) => `${String(n).repeat(8).slice(0, 8)}b34da6a3ce929d0e0e4736`.padEnd(32, '0');
const SPAN = (n) => `${String(n)}0f067aa0ba902b7`.slice(0, 16);
const [HOST, PORT] = KAFKA_BROKERS.split(',')[0].split(':');

let libraryPath;
function installConfluentKafka() {
  try {
    const output = execFileSync('bash', [path.join(REPO, 'test/infra/confluent-kafka/install.sh'), process.execPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    libraryPath = output.trim().split('\n').pop();
  } catch (error) {
    throw new Error(`@confluentinc/kafka-javascript could not be installed: ${error.stderr || error.message}`);
  }
}

const { assertRestKafkaRest } = require('../support/rest-kafka-rest');

/** A fixture of test/fixtures/confluent-kafka/, with the librdkafka it was built against. */
function runConfluent(script, env, options = {}) {
  return runFixture(`confluent-kafka/${script}`, { timeoutMs: 60000, ...options, env: { LD_LIBRARY_PATH: libraryPath, KAFKA_BROKERS, ...env } });
}

function startWorker(script, receiver, topic, downstreamPort, env) {
  const run = script === 'kafkajs' ? (s, e) => runFixture('kafka-worker.js', { timeoutMs: 60000, env: { KAFKA_BROKERS, ...e } }) : runConfluent;
  return run('worker.js', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, TOPIC: topic, GROUP: `group-${topic}`, DOWNSTREAM_PORT: String(downstreamPort), ...env });
}


const test = suite('@confluentinc/kafka-javascript (KafkaJS API)');
before(test, async () => {
  await requireKafka();
  installConfluentKafka();
});

test('the installed version is in the supported range', () => {
  const { version } = require(path.join(FIXTURES, 'confluent-kafka/node_modules/@confluentinc/kafka-javascript/package.json'));
  assert.ok(CONFLUENT_KAFKA_SUPPORTED_VERSIONS.some((range) => satisfies(version, range)), version);
});

test('REST → confluent send → kafkajs eachMessage → REST: one trace, right parents; the producer span', async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('ck-to-kafkajs');
    const c = track(await startHttpService('svc-c', receiver));
    const b = track(startWorker('kafkajs', receiver, topic, c.port, { OTEL_SERVICE_NAME: 'svc-b' }));
    const a = track(runConfluent('gateway.js', { OTEL_SERVICE_NAME: 'svc-a', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, TOPIC: topic, NODE_PATH: EXPRESS5 }));
    const [, port] = await a.waitForOutput(/listening (\d+)/, 20000);
    assert.is((await postJson(Number(port), '/orders', { id: 'o-1', sku: 'sku-42' })).status, 202);
    await b.waitForOutput(/processed o-1/, 30000);
    const { aSend } = await assertRestKafkaRest(receiver);
    assert.is(aSend.name, `send ${topic}`);
    assert.is(aSend.scope, '@hoptrace/confluent-kafka-javascript');
    assert.equal(aSend.attributes, {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
      'messaging.kafka.message.key': 'o-1',
      'messaging.message.body.size': Buffer.byteLength(JSON.stringify({ id: 'o-1', sku: 'sku-42' })),
      'messaging.client.id': 'gateway',
      'server.address': HOST,
      'server.port': Number(PORT),
    });
  });
});

test('REST → kafkajs send → confluent eachMessage → REST: one trace, right parents; the consumer span', async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('kafkajs-to-ck');
    const c = track(await startHttpService('svc-c', receiver));
    const b = track(startWorker('confluent', receiver, topic, c.port, { OTEL_SERVICE_NAME: 'svc-b' }));
    const a = track(runFixture('kafka-gateway.js', { env: { OTEL_SERVICE_NAME: 'svc-a', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, TOPIC: topic, NODE_PATH: EXPRESS5 } }));
    const [, port] = await a.waitForOutput(/listening (\d+)/, 20000);
    assert.is((await postJson(Number(port), '/orders', { id: 'o-2', sku: 'sku-42' })).status, 202);
    await b.waitForOutput(/processed o-2/, 30000);
    const { bProcess } = await assertRestKafkaRest(receiver);
    assert.is(bProcess.name, `process ${topic}`);
    assert.is(bProcess.scope, '@hoptrace/confluent-kafka-javascript');
    const { 'hoptrace.kafka.queue_time_ms': queueTime, ...attributes } = bProcess.attributes;
    assert.ok(queueTime >= 0);
    assert.equal(attributes, {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
      'messaging.kafka.message.key': 'o-2',
      'messaging.message.body.size': Buffer.byteLength(JSON.stringify({ id: 'o-2', sku: 'sku-42' })),
      'messaging.client.id': 'worker',
      'messaging.consumer.group.name': `group-${topic}`,
      'server.address': HOST,
      'server.port': Number(PORT),
    });
  });
});

test("eachBatch: each message's REST call in its producer's trace (traceparent, Java-style uber-trace-id); batch spans link to the producers", async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('ck-batch');
    const c = track(await startHttpService('svc-c', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
    const headers = (n) => (n === 2 ? { 'uber-trace-id': `${TRACE(n)}:${SPAN(n)}:0:1` } : { traceparent: `00-${TRACE(n)}-${SPAN(n)}-01` });
    await producePlain(topic, [1, 2, 3].map((n) => ({ key: `k${n}`, value: `v${n}`, headers: headers(n) })));
    const worker = track(startWorker('confluent', receiver, topic, c.port, { MODE: 'eachBatch' }));
    await worker.waitForOutput(/processed k3/, 30000);
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'CLIENT').length >= 3);
    // This library makes its batches itself (at most 32 messages, often fewer): one or several.
    const batchSpans = spans.filter((s) => s.attributes['messaging.batch.message_count'] !== undefined);
    assert.ok(batchSpans.length >= 1);
    assert.is(batchSpans.reduce((n, s) => n + s.attributes['messaging.batch.message_count'], 0), 3);
    assert.equal(batchSpans.flatMap((s) => s.links.map((l) => l.traceId)).sort(), [1, 2, 3].map(TRACE).sort());
    for (const n of [1, 2, 3]) {
      const client = spans.find((s) => s.kind === 'CLIENT' && s.attributes['url.full'].endsWith(`msg=k${n}`));
      assert.ok(client, `a CLIENT span for k${n}`);
      assert.is(client.traceId, TRACE(n), `k${n}'s call is in k${n}'s trace`);
      const messageSpan = spans.find((s) => s.spanId === client.parentSpanId);
      assert.is(messageSpan.kind, 'CONSUMER');
      assert.is(messageSpan.parentSpanId, SPAN(n));
      assert.is(messageSpan.attributes['messaging.kafka.message.key'], `k${n}`);
      assert.is(messageSpan.attributes['messaging.consumer.group.name'], `group-${topic}`);
      const [link] = messageSpan.links;
      assert.ok(batchSpans.some((b) => b.spanId === link.spanId), `k${n}'s span links to its batch span`);
    }
  });
});

async function runProducer(scenario, receiver, env) {
  const result = await runConfluent('producer.js', { OTEL_SERVICE_NAME: 'producer', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, SCENARIO: scenario, ...env }).exited;
  assert.is(result.code, 0, result.stderr);
  return JSON.parse(result.stdout.match(/^result (.*)$/m)[1]);
}

test("sendBatch over two topics: one span per message (sendBatch calls send inside), named by its topic; the app's messages untouched", async () => {
  await withReceiver(async (receiver) => {
    const [topic, topic2] = await createTopics('ck-batch-a', 'ck-batch-b');
    const result = await runProducer('send-batch', receiver, { TOPIC: topic, TOPIC2: topic2 });
    assert.equal(result, { unchanged: true });
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'PRODUCER').length >= 3);
    assert.is(spans.length, 3, 'no second span from the send() inside sendBatch()');
    const byKey = Object.fromEntries(spans.map((s) => [s.attributes['messaging.kafka.message.key'], s]));
    assert.equal([byKey.a1, byKey.a2, byKey.b1].map((s) => s.name), [`send ${topic}`, `send ${topic}`, `send ${topic2}`]);
    assert.equal([byKey.a1, byKey.a2, byKey.b1].map((s) => s.attributes['messaging.kafka.offset']), [0, 1, 0]);
    assert.ok(spans.every((s) => s.attributes['messaging.client.id'] === 'producer-fixture'));
    assert.is(new Set(spans.map((s) => s.traceId)).size, 3, 'no active span: each message starts its own trace');
  });
});

test('transactions: sends inside committed and aborted transactions, one span each (transaction() resolves with the producer itself)', async () => {
  await withReceiver(async (receiver) => {
    const [topic] = await createTopics('ck-tx');
    assert.equal(await runProducer('transactions', receiver, { TOPIC: topic }), { sameObject: true });
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'PRODUCER').length >= 3);
    assert.equal(spans.map((s) => s.attributes['messaging.kafka.message.key']).sort(), ['aborted-send', 'committed-batch', 'committed-send']);
    assert.ok(spans.every((s) => s.status.code === 'UNSET' && s.name === `send ${topic}`));
  });
});

test.run();

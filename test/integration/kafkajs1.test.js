'use strict';
// kafkajs 1.x over the real Apache Kafka broker: the same spans, parents, attributes and propagation
// as 2.x (kafkajs.test.js), on the oldest supported 1.x and the last one, each installed in its own
// fixture folder. Every scenario runs on each version.
const { suite } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const fs = require('node:fs');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { runFixture, FIXTURES } = require('../support/run-fixture');
const { postJson } = require('../support/http');
const { KAFKA_BROKERS, requireKafka, createTopics, producePlain } = require('../support/kafka');
const { satisfies } = require('../../dist/agent/version-range');
const { KAFKAJS_SUPPORTED_VERSIONS } = require('../../dist/instrumentations/kafkajs/instrumentation');

const EXPRESS5 = path.join(FIXTURES, 'express5', 'node_modules');
const TRACE = (n) => `${String(n).repeat(8).slice(0, 8)}b34da6a3ce929d0e0e4736`.padEnd(32, '0');
const SPAN = (n) => `${String(n)}0f067aa0ba902b7`.slice(0, 16);

const VERSIONS = [
  // The oldest supported: kafkajs 1.4 is the first release that writes and reads headers by default.
  { folder: 'kafkajs1.4', oldest: true },
  { folder: 'kafkajs1' },
].map((v) => ({ ...v, version: JSON.parse(fs.readFileSync(path.join(FIXTURES, v.folder, 'node_modules/kafkajs/package.json'), 'utf8')).version }));

const { assertRestKafkaRest } = require('../support/rest-kafka-rest');

/**
 * kafkajs < 1.5 asks where a group without committed offsets starts with ListOffsets v0, which
 * Kafka 4 no longer serves (KIP-896): the consumer retries forever. Any group that has consumed
 * before has offsets, and such a group consumes from Kafka 4 with kafkajs 1.4 as usual: so for that
 * version the test commits offset 0 for the new group first, from the test process (kafkajs 2):
 * with a consumer of its own, as admin.setOffsets would, but with a short fetch wait (setOffsets's
 * consumer returns only when its first fetch does, 5 s on an empty topic).
 */
async function prepareGroup({ oldest }, group, topic) {
  if (!oldest) return;
  const consumer = new Kafka({ brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: group, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
    await joined;
    await consumer.commitOffsets([{ topic, partition: 0, offset: '0' }]);
  } finally {
    await consumer.disconnect();
  }
}

async function startWorker(v, receiver, topic, downstreamPort, env = {}) {
  const group = `group-${topic}`;
  await prepareGroup(v, group, topic);
  return runFixture(`${v.folder}/worker.js`, {
    timeoutMs: 60000,
    env: { OTEL_SERVICE_NAME: 'worker', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, TOPIC: topic, GROUP: group, DOWNSTREAM_PORT: String(downstreamPort), ...env },
  });
}

async function runProducer(v, scenario, receiver, env) {
  const result = await runFixture(`${v.folder}/producer.js`, {
    timeoutMs: 60000,
    env: { OTEL_SERVICE_NAME: 'producer', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, SCENARIO: scenario, ...env },
  }).exited;
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stderr, '', 'no warning: this version is traced');
  return JSON.parse(result.stdout.match(/^result (.*)$/m)[1]);
}

for (const v of VERSIONS) {
  const test = suite(`kafkajs ${v.version}`);
  before(test, requireKafka);

  test(`${v.version} is in the supported range`, () => {
    assert.ok(KAFKAJS_SUPPORTED_VERSIONS.some((range) => satisfies(v.version, range)), `${v.version} in ${KAFKAJS_SUPPORTED_VERSIONS}`);
  });

  test('REST → send → eachMessage → REST: one trace, right parents, messaging attributes', async () => {
    await withReceiver(async (receiver, track) => {
      const [topic] = await createTopics(`v${v.version}-orders`);
      const c = track(await startHttpService('svc-c', receiver));
      const b = track(await startWorker(v, receiver, topic, c.port, { OTEL_SERVICE_NAME: 'svc-b' }));
      const a = track(
        runFixture(`${v.folder}/gateway.js`, {
          env: { OTEL_SERVICE_NAME: 'svc-a', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, TOPIC: topic, NODE_PATH: EXPRESS5 },
        }),
      );
      const [, port] = await a.waitForOutput(/listening (\d+)/, 20000);
      assert.is((await postJson(Number(port), '/orders', { id: 'o-1', sku: 'sku-42' })).status, 202);
      await b.waitForOutput(/processed o-1/, 30000);
      const { aSend, bProcess } = await assertRestKafkaRest(receiver);
      const [host, portText] = KAFKA_BROKERS.split(',')[0].split(':');
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
        'server.address': host,
        'server.port': Number(portText),
      });
      assert.is(bProcess.name, `process ${topic}`);
      const { 'hoptrace.kafka.queue_time_ms': queueTime, ...processAttributes } = bProcess.attributes;
      // kafkajs 1.4.0's producer writes timestamp 0 when the app gives none (fixed by 1.4.6): no time in queue then.
      if (v.version === '1.4.0') assert.is(queueTime, undefined);
      else assert.ok(queueTime >= 0);
      assert.equal(processAttributes, {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': '0',
        'messaging.kafka.offset': 0,
        'messaging.kafka.message.key': 'o-1',
        'messaging.message.body.size': aSend.attributes['messaging.message.body.size'],
        'messaging.client.id': 'worker',
        'messaging.consumer.group.name': `group-${topic}`,
        'server.address': host,
        'server.port': Number(portText),
      });
    });
  });

  // Headers as jaeger-client writes them (opentracing-kafka-client): uber-trace-id, 32- or 16-hex
  // trace ids; kafkajs 1.x hands them to the consumer as Buffers.
  const javaStyle = (n) => ({ key: `k${n}`, value: `v${n}`, headers: { 'uber-trace-id': n === 3 ? `a3ce929d0e0e473${n}:${SPAN(n)}:0:1` : `${TRACE(n)}:${SPAN(n)}:0:1` } });
  const javaTrace = (n) => (n === 3 ? `0000000000000000a3ce929d0e0e473${n}` : TRACE(n));

  for (const mode of ['eachMessage', 'for-of', 'index']) {
    test(`${mode}: messages from a Java-style producer (uber-trace-id): each message's REST call in its producer's trace`, async () => {
      await withReceiver(async (receiver, track) => {
        const [topic] = await createTopics(`v${v.version}-java-${mode.toLowerCase()}`);
        const c = track(await startHttpService('svc-c', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
        // Produced before the worker starts, so that eachBatch gets all three in one batch.
        await producePlain(topic, [1, 2, 3].map(javaStyle));
        const worker = track(await startWorker(v, receiver, topic, c.port, { MODE: mode }));
        await worker.waitForOutput(/processed k3/, 30000);
        const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'CLIENT').length >= 3 && (mode === 'eachMessage' || s.some((x) => x.attributes['messaging.batch.message_count'] === 3)));
        const batchSpan = spans.find((s) => s.attributes['messaging.batch.message_count'] === 3);
        if (mode !== 'eachMessage') assert.equal(batchSpan.links.map((l) => l.traceId).sort(), [1, 2, 3].map(javaTrace).sort());
        for (const n of [1, 2, 3]) {
          const client = spans.find((s) => s.kind === 'CLIENT' && s.attributes['url.full'].endsWith(`msg=k${n}`));
          assert.ok(client, `a CLIENT span for k${n}`);
          assert.is(client.traceId, javaTrace(n), `k${n}'s call is in k${n}'s trace`);
          const messageSpan = spans.find((s) => s.spanId === client.parentSpanId);
          assert.is(messageSpan.kind, 'CONSUMER');
          assert.is(messageSpan.name, `process ${topic}`);
          assert.is(messageSpan.parentSpanId, SPAN(n));
          assert.is(messageSpan.attributes['messaging.kafka.message.key'], `k${n}`);
          assert.is(messageSpan.attributes['messaging.kafka.offset'], n - 1);
          if (mode !== 'eachMessage') assert.equal(messageSpan.links.map((l) => l.spanId), [batchSpan.spanId]);
        }
      });
    });
  }

  test('sendBatch over two topics: a span per message, named by its topic, with partition and offset', async () => {
    await withReceiver(async (receiver) => {
      const [topic, topic2] = await createTopics(`v${v.version}-batch-a`, `v${v.version}-batch-b`);
      await runProducer(v, 'send-batch', receiver, { TOPIC: topic, TOPIC2: topic2 });
      const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'PRODUCER').length >= 3);
      assert.is(spans.length, 3);
      const byKey = Object.fromEntries(spans.map((s) => [s.attributes['messaging.kafka.message.key'], s]));
      assert.equal([byKey.a1, byKey.a2, byKey.b1].map((s) => s.name), [`send ${topic}`, `send ${topic}`, `send ${topic2}`]);
      assert.equal([byKey.a1, byKey.a2, byKey.b1].map((s) => s.attributes['messaging.kafka.offset']), [0, 1, 0]);
    });
  });

  test(v.oldest ? 'transactions: none before kafkajs 1.5, and a producer without them is traced as usual' : 'transactions: sends inside committed and aborted transactions are traced', async () => {
    await withReceiver(async (receiver) => {
      const [topic] = await createTopics(`v${v.version}-tx`);
      const result = await runProducer(v, 'transactions', receiver, { TOPIC: topic });
      assert.is(result.transactions, !v.oldest);
      if (v.oldest) return;
      const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'PRODUCER').length >= 3);
      assert.equal(spans.map((s) => s.attributes['messaging.kafka.message.key']).sort(), ['aborted-send', 'committed-batch', 'committed-send']);
      assert.ok(spans.every((s) => s.status.code === 'UNSET' && s.name === `send ${topic}`));
    });
  });

  test.run();
}

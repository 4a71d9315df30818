'use strict';
// The shapes the kafkajs instrumentation meets besides kafkajs 2 (instrumentations/kafkajs/), in
// process, on stand-ins written after the libraries' source: kafkajs 1.4 (no transaction()) and
// @confluentinc/kafka-javascript's KafkaJS API (config in a `kafkaJS` block, sendBatch() calling the
// producer's own send(), transaction() resolving with the producer itself, resolveOffset(offset,
// leaderEpoch)). The real libraries over the real broker: kafkajs1.test.js, confluent-kafka.test.js.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, context, propagation } = require('@opentelemetry/api');
const { AlwaysOnSampler } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { contextManager } = require('../../dist/agent/tracing/context-manager');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { KafkajsInstrumentation } = require('../../dist/instrumentations/kafkajs/instrumentation');
const { kafkajsSettings, confluentKafkaJsSettings } = require('../../dist/instrumentations/kafkajs/client-settings');

// The globals are the process's: other test files in this run register the same ones.
context.setGlobalContextManager(contextManager.enable());
propagation.setGlobalPropagator(new HoptracePropagator(['tracecontext', 'jaeger']));

test('client settings: kafkajs config', () => {
  assert.equal(kafkajsSettings.client({ clientId: 'app', brokers: ['k1:9092', 'k2:9092'] }), { clientId: 'app', serverAddress: 'k1', serverPort: 9092 });
  assert.equal(kafkajsSettings.client({ brokers: async () => ['k1:9092'] }), { clientId: undefined });
  assert.equal(kafkajsSettings.client(undefined), { clientId: undefined });
  assert.is(kafkajsSettings.groupId({ groupId: 'g' }), 'g');
  assert.is(kafkajsSettings.groupId(undefined), undefined);
});

test('client settings: confluent config, the kafkaJS block first, librdkafka keys beside it', () => {
  assert.equal(confluentKafkaJsSettings.client({ kafkaJS: { clientId: 'app', brokers: ['k1:9092'] } }), { clientId: 'app', serverAddress: 'k1', serverPort: 9092 });
  assert.equal(confluentKafkaJsSettings.client({ 'client.id': 'rd', 'bootstrap.servers': 'k3:19092, k4:19092', 'group.id': 'shared' }), {
    clientId: 'rd',
    serverAddress: 'k3',
    serverPort: 19092,
    groupId: 'shared',
  });
  assert.equal(confluentKafkaJsSettings.client({ 'metadata.broker.list': 'k5:1' }), { clientId: undefined, serverAddress: 'k5', serverPort: 1 });
  assert.equal(confluentKafkaJsSettings.client(undefined), { clientId: undefined });
  assert.is(confluentKafkaJsSettings.groupId({ kafkaJS: { groupId: 'g' } }), 'g');
  assert.is(confluentKafkaJsSettings.groupId({ 'group.id': 'g2' }), 'g2');
  assert.is(confluentKafkaJsSettings.groupId({ kafkaJS: {} }), undefined);
});

function setUp() {
  const ended = [];
  const processor = { onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const tracer = new HoptraceTracer({ resource: resourceFromAttributes({}), sampler: new AlwaysOnSampler(), processor }, 'test', '1');
  const instrumentation = new KafkajsInstrumentation({ tracerFor: () => tracer, settledTracerFor: () => tracer }, { producerSpans: 'per-message', consumerParent: 'child' });
  const byName = Object.fromEntries(instrumentation.modules().map((m) => [m.name, m]));
  return { ended, byName };
}

const metadataOf = (topic, n) => [{ topicName: topic, partition: 0, errorCode: 0, baseOffset: String(n) }];

/** After confluent's lib/kafkajs (v1.10.1): only the shapes hoptrace meets. */
function confluentLike() {
  const sent = [];
  const resolved = [];
  class Producer {
    async send(record) {
      for (const m of record.messages) m.value = Buffer.from(String(m.value)); // converts in place, as the library does
      sent.push(...record.messages);
      return metadataOf(record.topic, sent.length - record.messages.length);
    }
    async sendBatch({ topicMessages }) {
      return (await Promise.all(topicMessages.map((t) => this.send(t)))).flat();
    }
    async transaction() {
      return this;
    }
  }
  class Consumer {
    async run(config) {
      const messages = ['m1', 'm2'].map((key, i) => ({ key: Buffer.from(key), value: null, offset: String(i), timestamp: String(Date.now()), headers: {} }));
      await config.eachBatch({ batch: { topic: 't', partition: 0, messages }, resolveOffset: (offset, leaderEpoch) => resolved.push([offset, leaderEpoch]) });
    }
  }
  class Kafka {
    #config;
    constructor(config) {
      this.#config = config;
    }
    producer() {
      return new Producer();
    }
    consumer() {
      return new Consumer(this.#config);
    }
  }
  return { exports: { Producer: 'node-rdkafka API', KafkaJS: { Kafka } }, sent, resolved };
}

test('confluent: sendBatch (through its own send) and a transaction (the producer itself): one span per message', async () => {
  const { ended, byName } = setUp();
  const lib = confluentLike();
  byName['@confluentinc/kafka-javascript'].patch(lib.exports, '1.10.1');
  const kafka = new lib.exports.KafkaJS.Kafka({ kafkaJS: { clientId: 'c', brokers: ['k:1'] } });
  const producer = kafka.producer();
  const messages = [{ key: 'a', value: '1' }];
  await context.with(ROOT_CONTEXT, async () => {
    await producer.sendBatch({ topicMessages: [{ topic: 't1', messages }, { topic: 't2', messages: [{ key: 'b', value: '2' }] }] });
    const transaction = await producer.transaction();
    assert.is(transaction, producer);
    await transaction.send({ topic: 't1', messages: [{ key: 'c', value: '3' }] });
    await transaction.sendBatch({ topicMessages: [{ topic: 't1', messages: [{ key: 'd', value: '4' }] }] });
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ended.map((s) => [s.name, s.attributes['messaging.kafka.message.key']]), [
    ['send t1', 'a'],
    ['send t2', 'b'],
    ['send t1', 'c'],
    ['send t1', 'd'],
  ]);
  assert.ok(ended.every((s) => s.attributes['messaging.client.id'] === 'c' && s.attributes['server.address'] === 'k'));
  assert.equal(messages, [{ key: 'a', value: '1' }], "the app's message is not converted in place: the library got a copy");
  assert.ok(lib.sent.every((m) => typeof m.headers.traceparent === 'string'));
});

test('confluent: eachBatch passes resolveOffset every argument (the leader epoch), group from the kafkaJS block', async () => {
  const { ended, byName } = setUp();
  const lib = confluentLike();
  byName['@confluentinc/kafka-javascript'].patch(lib.exports, '1.10.1');
  const consumer = new lib.exports.KafkaJS.Kafka({}).consumer({ kafkaJS: { groupId: 'g' } });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const message of batch.messages) resolveOffset(message.offset, 7);
    },
  });
  assert.equal(lib.resolved, [['0', 7], ['1', 7]]);
  assert.is(ended.length, 3);
  assert.ok(ended.every((s) => s.attributes['messaging.consumer.group.name'] === 'g'));
});

test('kafkajs 1.4: a producer without transaction() is traced, and nothing is added to it', async () => {
  const { ended, byName } = setUp();
  class Client {
    producer() {
      return { send: async (record) => metadataOf(record.topic, 0), sendBatch: async () => [] };
    }
    consumer() {
      return { run: async () => {} };
    }
  }
  const exports = { Kafka: Client };
  byName.kafkajs.patch(exports, '1.4.0');
  const producer = new exports.Kafka({ clientId: 'old', brokers: ['k:1'] }).producer();
  assert.is(producer.transaction, undefined);
  await producer.send({ topic: 't', messages: [{ key: 'k', value: 'v' }] });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ended.map((s) => [s.name, s.attributes['messaging.client.id'], s.attributes['messaging.kafka.offset']]), [['send t', 'old', 0]]);
});

test("where each message landed, from the broker's answer: per topic from its base offset across the call's groups; none where the topic went to several partitions", async () => {
  const { ended, byName } = setUp();
  const answer = [
    { topicName: 'a', partition: 2, errorCode: 0, baseOffset: '10' },
    { topicName: 'b', partition: 0, errorCode: 0, baseOffset: '5' },
    { topicName: 'c', partition: 0, errorCode: 0, baseOffset: '1' },
    { topicName: 'c', partition: 1, errorCode: 0, baseOffset: '7' },
  ];
  class Client {
    producer() {
      return { send: async () => answer, sendBatch: async () => answer, transaction: async () => ({}) };
    }
    consumer() {
      return { run: async () => {} };
    }
  }
  const exports = { Kafka: Client };
  byName.kafkajs.patch(exports, '2.2.4');
  const producer = new exports.Kafka({ clientId: 'p', brokers: ['k:1'] }).producer();
  const messages = (...keys) => keys.map((key) => ({ key, value: 'v' }));
  await producer.sendBatch({ topicMessages: [{ topic: 'a', messages: messages('a1', 'a2') }, { topic: 'b', messages: messages('b1') }, { topic: 'c', messages: messages('c1') }, { topic: 'a', messages: messages('a3') }] });
  await new Promise((resolve) => setImmediate(resolve));
  const landed = ended.map((s) => [s.name, s.attributes['messaging.destination.partition.id'], s.attributes['messaging.kafka.offset']]);
  assert.equal(landed, [
    ['send a', '2', 10],
    ['send a', '2', 11],
    ['send b', '0', 5],
    ['send c', undefined, undefined],
    ['send a', '2', 12],
  ]);
  // A topic's base offset that is no safe integer: the partition alone.
  answer.splice(0, answer.length, { topicName: 'a', partition: 4, errorCode: 0, baseOffset: '99999999999999999999' });
  ended.length = 0;
  await producer.send({ topic: 'a', messages: messages('x') });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ended.map((s) => [s.attributes['messaging.destination.partition.id'], s.attributes['messaging.kafka.offset']]), [['4', undefined]]);
});

test.run();

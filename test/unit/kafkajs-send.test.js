'use strict';
// kafkajs's send() and sendBatch() traced in process (instrumentations/kafkajs/producer.ts), against
// a send of the test's own: what the app gets back (value, error, a synchronous throw), what kafkajs
// is given, and the PRODUCER spans, for a send of one message (its own, lighter path) and of several.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanStatusCode, context, propagation } = require('@opentelemetry/api');
const { AlwaysOnSampler, AlwaysOffSampler } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { contextManager } = require('../../dist/agent/tracing/context-manager');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { wrapSend, wrapSendBatch } = require('../../dist/instrumentations/kafkajs/producer');
const { KafkaDestinations } = require('../../dist/instrumentations/kafkajs/destinations');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');

// The globals are the process's: other test files in this run register the same ones.
context.setGlobalContextManager(contextManager.enable());
propagation.setGlobalPropagator(new HoptracePropagator(['tracecontext', 'jaeger']));

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A traced send and sendBatch over `answer(payload)` (kafkajs's part), and the spans that ended. */
function producer(answer, { sampler = new AlwaysOnSampler(), producerSpans = 'per-message' } = {}) {
  const ended = [];
  const given = [];
  const processor = { onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const tracer = new HoptraceTracer({ resource: resourceFromAttributes({}), sampler, processor }, '@hoptrace/kafkajs', '1');
  const tracers = { tracerFor: () => tracer, settledTracerFor: () => tracer };
  const tracing = { destinations: new KafkaDestinations(tracers, '@hoptrace/kafkajs', { clientId: 'app' }), options: { consumerParent: 'child', producerSpans } };
  const original = function (payload) {
    given.push({ self: this, payload });
    return answer(payload);
  };
  const self = { name: 'the producer' };
  return {
    ended,
    given,
    self,
    send: (record) => context.with(ROOT_CONTEXT, () => wrapSend(tracing)(original).call(self, record)),
    sendBatch: (batch) => context.with(ROOT_CONTEXT, () => wrapSendBatch(tracing)(original).call(self, batch)),
  };
}

const landed = (topicName, partition, baseOffset) => ({ topicName, partition, errorCode: 0, baseOffset, logAppendTime: '-1', logStartOffset: '0' });

test('a send of one message: kafkajs gets a copy carrying the span, the app its own answer and its own objects untouched', async () => {
  const answer = [landed('orders', 2, '41')];
  const p = producer(() => Promise.resolve(answer));
  const message = { key: 'k1', value: 'v1', headers: { app: 'kept', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` } };
  const record = { topic: 'orders', messages: [message], acks: -1 };
  const result = await p.send(record);
  assert.is(result, answer, "kafkajs's own answer");
  assert.is(p.given[0].self, p.self, 'this passes through');
  assert.equal(record, { topic: 'orders', messages: [message], acks: -1 }, "the app's record as it was");
  assert.equal(message.headers, { app: 'kept', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` }, "the app's headers as they were");
  const sent = p.given[0].payload;
  assert.is.not(sent, record);
  assert.is(sent.acks, -1);
  assert.is(sent.messages.length, 1);
  await tick();
  assert.is(p.ended.length, 1);
  const [span] = p.ended;
  assert.is(span.name, 'send orders');
  // Parent: the context the message already carried (no active span).
  assert.is(span.spanContext().traceId, 'a'.repeat(32));
  assert.is(sent.messages[0].headers.traceparent, `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  assert.is(sent.messages[0].headers.app, 'kept');
  assert.is(span.attributes['messaging.destination.partition.id'], '2');
  assert.is(span.attributes['messaging.kafka.offset'], 41);
  assert.is(span.attributes['messaging.kafka.message.key'], 'k1');
  assert.is(span.status.code, SpanStatusCode.UNSET);
});

test('a send of one message that kafkajs rejects: the same error to the app, the span ERROR and ended', async () => {
  const refused = new Error('the broker said no');
  const p = producer(() => Promise.reject(refused));
  const error = await p.send({ topic: 'orders', messages: [{ value: 'v' }] }).then(() => undefined, (e) => e);
  assert.is(error, refused);
  await tick();
  assert.is(p.ended.length, 1);
  assert.is(p.ended[0].status.code, SpanStatusCode.ERROR);
  assert.is(p.ended[0].events[0].attributes['exception.message'], 'the broker said no');
});

// The throw passes through untouched (agent/observe-throw.ts); caught by the app, what it was is
// not seen, so the span ends without it.
test('a send of one message whose send throws synchronously: the same error object thrown to the app; the span ended', async () => {
  const thrown = new TypeError('patched send threw');
  const p = producer(() => {
    throw thrown;
  });
  let caught;
  try {
    p.send({ topic: 'orders', messages: [{ value: 'v' }] });
  } catch (e) {
    caught = e;
  }
  assert.is(caught, thrown);
  await tick();
  assert.is(p.ended.length, 1);
  assert.is(p.ended[0].ended, true);
});

test('a send of one message, not sampled: the copy carries the context (sampled=0), no span is recorded', async () => {
  const p = producer(() => Promise.resolve([landed('orders', 0, '0')]), { sampler: new AlwaysOffSampler() });
  await p.send({ topic: 'orders', messages: [{ value: 'v' }] });
  await tick();
  assert.is(p.ended.length, 0);
  assert.match(p.given[0].payload.messages[0].headers.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
});

test('a message kafkajs will refuse (no value) goes to kafkajs as the app wrote it', async () => {
  const p = producer(() => Promise.reject(new Error('Invalid message without value')));
  const message = { key: 'k' };
  await p.send({ topic: 'orders', messages: [message] }).catch(() => {});
  assert.is(p.given[0].payload.messages[0], message);
});

test('sends of several messages and sendBatch: a span per message, each placed at its offset', async () => {
  const p = producer((payload) => Promise.resolve(payload.topicMessages ? [landed('a', 0, '10'), landed('b', 1, '20')] : [landed('orders', 3, '7')]));
  await p.send({ topic: 'orders', messages: [{ value: '1' }, { value: '2' }] });
  await p.sendBatch({ topicMessages: [{ topic: 'a', messages: [{ value: 'a1' }] }, { topic: 'b', messages: [{ value: 'b1' }, { value: 'b2' }] }] });
  await tick();
  const placed = p.ended.map((s) => [s.name, s.attributes['messaging.destination.partition.id'], s.attributes['messaging.kafka.offset']]);
  assert.equal(placed, [
    ['send orders', '3', 7],
    ['send orders', '3', 8],
    ['send a', '0', 10],
    ['send b', '1', 20],
    ['send b', '1', 21],
  ]);
});

test('HOPTRACE_KAFKA_PRODUCER_SPANS=per-call: a send of one message gets the call\'s span, as any other call', async () => {
  const p = producer(() => Promise.resolve([landed('orders', 0, '5')]), { producerSpans: 'per-call' });
  await p.send({ topic: 'orders', messages: [{ value: 'v' }] });
  await tick();
  assert.is(p.ended.length, 1);
  assert.is(p.ended[0].attributes['messaging.batch.message_count'], 1);
});

test.run();

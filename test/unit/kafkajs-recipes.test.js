'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, trace, TraceFlags } = require('@opentelemetry/api');
const { keyAsText, firstBroker, bodySize, messageAttributes, consumedMessageAttributes } = require('../../dist/instrumentations/kafkajs/attributes');
const { headersWithContext, extractMessageContext } = require('../../dist/instrumentations/kafkajs/headers');

test('keys are recorded only as short printable text', () => {
  assert.is(keyAsText('order-1'), 'order-1');
  assert.is(keyAsText(Buffer.from('order-2')), 'order-2');
  assert.is(keyAsText(Buffer.from([0xff, 0x00, 0x12])), undefined);
  assert.is(keyAsText('a\u0001b'), undefined);
  assert.is(keyAsText('x'.repeat(257)), undefined);
  assert.is(keyAsText(null), undefined);
  assert.is(keyAsText(42), undefined);
});

test('first broker and body size', () => {
  assert.equal(firstBroker(['kafka-1:9092', 'kafka-2:9092']), { serverAddress: 'kafka-1', serverPort: 9092 });
  assert.equal(firstBroker(['[::1]:19092']), { serverAddress: '::1', serverPort: 19092 });
  assert.equal(firstBroker(() => ['x:1']), {});
  assert.is(bodySize('héllo'), 6);
  assert.is(bodySize(Buffer.alloc(3)), 3);
  assert.is(bodySize(null), 0);
  assert.equal(messageAttributes({ key: 'k', value: null }), {
    'messaging.kafka.message.key': 'k',
    'messaging.kafka.message.tombstone': true,
    'messaging.message.body.size': 0,
  });
});

test('consumed messages: offset as a number, time in queue from the timestamp', () => {
  const attributes = consumedMessageAttributes({ key: null, value: Buffer.from('x'), offset: '41', timestamp: '1000' }, 1250);
  assert.is(attributes['messaging.kafka.offset'], 41);
  assert.is(attributes['hoptrace.kafka.queue_time_ms'], 250);
});

test("headers: a copy with our context, the caller's object untouched, stale trace headers dropped", () => {
  const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
  const { propagation } = require('@opentelemetry/api');
  propagation.setGlobalPropagator(new HoptracePropagator(['tracecontext', 'jaeger']));
  const original = { 'x-tenant': Buffer.from('a'), B3: 'stale-1-1', TraceParent: 'stale' };
  const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
  const copy = headersWithContext(original, ctx);
  assert.is.not(copy, original);
  assert.equal(Object.keys(original), ['x-tenant', 'B3', 'TraceParent']);
  assert.equal(Object.keys(copy).sort(), ['traceparent', 'uber-trace-id', 'x-tenant']);
  assert.is(copy['x-tenant'], original['x-tenant']);
  assert.is(trace.getSpanContext(extractMessageContext(copy)).spanId, 'b'.repeat(16));
  assert.is(extractMessageContext({ traceparent: 'garbage' }), undefined);
  assert.is(extractMessageContext(undefined), undefined);
  // Left registered: the globals are the process's, and test files after this one use the same.
});

test.run();

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

test('a key reads as the rule says, whatever its bytes: printable text kept, control characters, bytes that are not UTF-8 and long keys left out', () => {
  // The rule as written before the ASCII keys got a way of their own: UTF-8 decoded whole, at
  // most 256 characters, none of these characters.
  const byTheRule = (key) => {
    let text;
    if (typeof key === 'string') text = key;
    else if (Buffer.isBuffer(key) && key.length <= 1024) {
      const decoded = key.toString('utf8');
      text = Buffer.byteLength(decoded) === key.length ? decoded : undefined;
    }
    if (text === undefined || text.length > 256) return undefined;
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text) ? undefined : text;
  };
  let state = 7;
  const next = (n) => Math.floor(((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
  const pieces = ['a', 'Z', '0', '-', ' ', '~', '\t', '\n', '\r', '\u000b', '\u000c', '\u0000', '\u0008', '\u000e', '\u001f', '\u007f', '\u0080', '\u00e9', '\u20ac', '\ufffd', '\ud83d\ude00'];
  const printable = ['a', 'Z', '0', '-', ' ', '~', '\t', '\n', '\r', '\u000b', '\u000c', '\u007f'];
  const keys = [];
  for (let i = 0; i < 4000; i++) {
    const length = [0, 1, 5, 40, 255, 256, 257, 300][next(8)];
    // Half the keys of printable ASCII only (the usual key), half of anything.
    const from = i % 2 ? printable : pieces;
    let text = '';
    while (text.length < length) text += next(4) === 0 ? from[next(from.length)] : 'k';
    keys.push(text, Buffer.from(text, 'utf8'));
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > 0) {
      bytes[next(bytes.length)] = next(256); // any byte anywhere: invalid UTF-8, controls, high bytes
      keys.push(bytes);
    }
  }
  keys.push(Buffer.alloc(256, 0x61), Buffer.alloc(257, 0x61), Buffer.alloc(1024, 0x61), Buffer.alloc(1025, 0x61), Buffer.from('\u00e9'.repeat(256)), Buffer.from('\u00e9'.repeat(257)));
  let kept = 0;
  for (const key of keys) {
    const expected = byTheRule(key);
    assert.is(keyAsText(key), expected, JSON.stringify(Buffer.isBuffer(key) ? [...key] : key));
    if (expected !== undefined) kept++;
  }
  // Both outcomes were compared, for text and for bytes.
  assert.ok(kept > 1000 && kept < keys.length - 1000, `${kept} of ${keys.length} kept`);
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

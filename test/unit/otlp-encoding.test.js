'use strict';
// hoptrace encodes OTLP protobuf itself. These tests hold it to the OpenTelemetry transformer's
// output: both encodings of the same spans must decode to the same request.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { SpanKind, SpanStatusCode, TraceFlags } = require('@opentelemetry/api');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OtlpBatch, encodeTraces, requestOf } = require('../../dist/agent/exporters/otlp/otlp-batch');
const { decodeProtobuf } = require('../support/otlp-decode');
const { readFields } = require('../support/protobuf');

const resource = resourceFromAttributes({ 'service.name': 'orders', 'process.pid': 4242, 'host.name': 'büro-1' });
const httpScope = { name: '@hoptrace/http', version: '0.1.0' };
const kafkaScope = { name: '@hoptrace/kafkajs', version: '0.1.0', schemaUrl: 'https://opentelemetry.io/schemas/1.27.0' };

function span(overrides) {
  return {
    name: 'GET /users/:id',
    kind: SpanKind.SERVER,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED }),
    parentSpanContext: undefined,
    startTime: [1764115200, 123456789],
    endTime: [1764115200, 987654321],
    attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 },
    status: { code: SpanStatusCode.UNSET },
    events: [],
    links: [],
    resource,
    instrumentationScope: httpScope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

const spans = [
  span({}),
  span({
    name: 'send orders',
    kind: SpanKind.PRODUCER,
    instrumentationScope: kafkaScope,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', traceFlags: 1, traceState: { serialize: () => 'vendor=a,other=b' } }),
    parentSpanContext: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', isRemote: true },
    attributes: {
      'messaging.system': 'kafka',
      'messaging.batch.message_count': 100,
      'messaging.kafka.offset': -1,
      'hoptrace.ratio': 0.25,
      'hoptrace.huge': 2 ** 60,
      'hoptrace.ok': true,
      'hoptrace.no': false,
      'hoptrace.list': ['a', 'ü', 'c'],
      'hoptrace.numbers': [1, 2.5, -3],
      'hoptrace.long': 'x'.repeat(300),
      'hoptrace.unicode': 'naïve — 日本語 🚀',
      'hoptrace.empty': '',
    },
    status: { code: SpanStatusCode.ERROR, message: 'broker said no' },
    events: [{ name: 'exception', time: [1764115200, 500000000], attributes: { 'exception.type': 'KafkaJSError', 'exception.message': 'é'.repeat(100) } }],
    links: [
      { context: { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceFlags: 1, isRemote: true }, attributes: { 'messaging.kafka.offset': 7 } },
      { context: { traceId: '33333333333333333333333333333333', spanId: '4444444444444444', traceFlags: 0 } },
    ],
    droppedAttributesCount: 3,
    droppedEventsCount: 1,
  }),
  // A span big enough that its length prefix takes three bytes.
  span({ name: 'big', attributes: { 'hoptrace.blob': 'y'.repeat(20000) }, startTime: [0, 0], endTime: [4294967295, 999999999] }),
];

test('decodes to the same request as the OpenTelemetry transformer', () => {
  const ours = decodeProtobuf(encodeTraces(spans));
  const theirs = decodeProtobuf(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)));
  assert.equal(ours.length, 3);
  assert.equal(ours, theirs);
});

test('times, ids, counts and flags match field by field', () => {
  const field = (buf, n) => readFields(buf).filter((f) => f.number === n);
  const spanMessages = (body) =>
    field(body, 1).flatMap((rs) => field(rs.value, 2)).flatMap((ss) => field(ss.value, 2)).map((s) => readFields(s.value));
  const ours = spanMessages(encodeTraces(spans));
  const theirs = spanMessages(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)));
  for (let i = 0; i < spans.length; i++) {
    for (const n of [7, 8, 10, 12, 16]) {
      const a = ours[i].find((f) => f.number === n);
      const b = theirs[i].find((f) => f.number === n);
      // A zero count may be left out (proto3 default) where the transformer writes it.
      const show = (f) => (f ? (Buffer.isBuffer(f.value) ? f.value.toString('hex') : String(f.value)) : '0');
      assert.is(show(a), show(b), `span ${i} field ${n}`);
    }
  }
  // Spans come grouped by scope: http (first, big), then kafkajs.
  const start = ours[1].find((f) => f.number === 8).value.readBigUInt64LE(0);
  assert.is(start, 4294967295n * 1000000000n + 999999999n);
});

test('groups spans by resource and by scope', () => {
  const other = resourceFromAttributes({ 'service.name': 'billing' });
  const decoded = decodeProtobuf(encodeTraces([...spans, span({ resource: other, name: 'other service' })]));
  assert.equal(decoded.map((s) => [s.resource['service.name'], s.scope, s.name]), [
    ['orders', '@hoptrace/http', 'GET /users/:id'],
    ['orders', '@hoptrace/http', 'big'],
    ['orders', '@hoptrace/kafkajs', 'send orders'],
    ['billing', '@hoptrace/http', 'other service'],
  ]);
});

test('the group of the span before is reused only once there is one: a first span with neither resource nor scope is taken in', () => {
  // OtlpBatch keeps the last resource, scope and writer; both undefined at first must not read as a match.
  const batch = new OtlpBatch();
  batch.add(span({ resource: undefined, instrumentationScope: undefined, name: 'bare' }));
  assert.is(batch.size, 1);
});

test('ids are decoded from hex in any case; ids on the wire are exactly 16 and 8 bytes, or not there', () => {
  const withIds = (traceId, spanId, more = {}) => span({ name: `${traceId}/${spanId}`, spanContext: () => ({ traceId, spanId, traceFlags: 1 }), ...more });
  const good = '0af7651916cd43dd8448eb211c80319c';
  const links = [
    { context: { traceId: good, spanId: 'b7ad6b7169203331' } },
    { context: { traceId: '0af7zz', spanId: 'b7ad6b7169203331' } },
    { context: { traceId: good, spanId: 'b7ad' } },
  ];
  const encoded = encodeTraces([
    withIds('0AF7651916CD43DD8448EB211C80319C', 'B7AD6B7169203331'),
    withIds('0af7zz', 'b7ad6b7169203331'),
    withIds(good, 'b7ad6b71692033'),
    withIds(`${good}00`, 'b7ad6b7169203331'),
    withIds(good, 'b7ad6b716920333z'),
    withIds(good, '1111111111111111', { parentSpanContext: { traceId: good, spanId: '12' }, links }),
  ]);
  const decoded = decodeProtobuf(encoded);
  assert.equal(decoded.map((s) => s.name), ['0AF7651916CD43DD8448EB211C80319C/B7AD6B7169203331', `${good}/1111111111111111`]);
  assert.is(decoded[0].traceId, good);
  assert.is(decoded[0].spanId, 'b7ad6b7169203331');
  assert.is(decoded[1].parentSpanId, undefined, 'a malformed parent id is left out: the span reads as a root');
  assert.equal(decoded[1].links.map((l) => [l.traceId, l.spanId]), [[good, 'b7ad6b7169203331']]);
  // Every id field in the whole request, read raw: nothing but 16 and 8 bytes.
  const sizes = [];
  const walk = (buffer, path) => {
    for (const field of readFields(buffer)) {
      const at = [...path, field.number];
      const key = at.join('.');
      if (['1.2.2.1', '1.2.2.13.1'].includes(key)) sizes.push(['trace', field.value.length]);
      else if (['1.2.2.2', '1.2.2.4', '1.2.2.13.2'].includes(key)) sizes.push(['span', field.value.length]);
      else if (['1', '1.2', '1.2.2', '1.2.2.13'].includes(key)) walk(field.value, at);
    }
  };
  walk(encoded, []);
  assert.ok(sizes.length >= 5);
  for (const [kind, size] of sizes) assert.is(size, kind === 'trace' ? 16 : 8, `${kind} id of ${size} bytes`);
});

test('an empty batch is an empty request', () => {
  assert.is(encodeTraces([]).length, 0);
});

test('values that repeat are copied from the cache and still decode as the transformer writes them', () => {
  // A value's second appearance fills the cache, the third copies it; alternating values, values
  // of other types that compare alike ('7' and 7), more values than a key keeps and values too long
  // to keep must never bring back another value's bytes.
  const sequence = [];
  const many = Array.from({ length: 12 }, (_, i) => `topic-${i}`);
  const values = ['orders', 'orders', 'orders', 'payments', 'orders', 'payments', 'orders', 7, '7', 7, '7', 8, 7, true, 'true', true, false, -0, 0, 'x'.repeat(80), 'x'.repeat(80), ...many, ...many, 'orders'];
  values.forEach((value, i) => {
    sequence.push(span({ name: `s${i}`, attributes: { 'messaging.destination.name': value, 'server.port': i % 3 === 0 ? 9092 : 9093, 'hoptrace.i': i } }));
  });
  for (let pass = 0; pass < 3; pass++) {
    const ours = decodeProtobuf(encodeTraces(sequence));
    const theirs = decodeProtobuf(Buffer.from(ProtobufTraceSerializer.serializeRequest(sequence)));
    assert.equal(ours, theirs, `pass ${pass}`);
    assert.equal(ours.map((s) => s.attributes['messaging.destination.name']), values);
  }
});

test('spans written as they end: a request of several batches decodes as one request of all their spans', () => {
  const batches = [new OtlpBatch(), new OtlpBatch(), new OtlpBatch()];
  spans.forEach((s, i) => batches[i % 3].add(s));
  batches[0].add(span({ name: 'late' }));
  assert.equal(batches.map((b) => b.size), [2, 1, 1]);
  const merged = decodeProtobuf(requestOf(batches));
  const one = decodeProtobuf(encodeTraces([spans[0], span({ name: 'late' }), spans[1], spans[2]]));
  assert.equal(merged.map((s) => s.name).sort(), one.map((s) => s.name).sort());
  assert.equal(merged.find((s) => s.name === 'send orders'), one.find((s) => s.name === 'send orders'));
});

test('a batch encodes its request once; the same bytes go out again (retry, exit flush)', () => {
  const batch = new OtlpBatch();
  batch.add(spans[0]);
  const first = batch.encoded();
  assert.ok(batch.encoded() === first);
  assert.throws(() => batch.add(spans[1]), /already encoded/);
  assert.is(batch.size, 1);
});

test('a span that cannot be encoded leaves its batch as it was', () => {
  const batch = new OtlpBatch();
  batch.add(spans[0]);
  const hostile = span({ name: 'hostile', attributes: { get 'boom'() { throw new Error('getter'); } } });
  // A getter that throws half-way through the span's bytes.
  Object.defineProperty(hostile.attributes, 'boom', { enumerable: true, get() { throw new Error('getter'); } });
  assert.throws(() => batch.add(hostile), /getter/);
  batch.add(spans[1]);
  assert.is(batch.size, 2);
  assert.equal(decodeProtobuf(batch.encoded()), decodeProtobuf(encodeTraces([spans[0], spans[1]])));
});

// Attribute keys and values come from apps and from the wire (url.path, message keys): the caches
// that spare encoding them again must stay bounded whatever arrives.
test('100,000 distinct attribute keys and values: the encoder caches stay bounded, and every span still decodes', () => {
  const { encodingCacheSizes } = require('../../dist/agent/exporters/otlp/wire-format');
  let last;
  for (let round = 0; round < 100; round++) {
    const many = Array.from({ length: 1000 }, (_, i) => span({ attributes: { [`key-${round}-${i}`]: `value-${i % 3}`, 'url.path': `/items/${round * 1000 + i}` } }));
    last = { many, bytes: encodeTraces(many) };
  }
  const decoded = decodeProtobuf(last.bytes);
  assert.equal(decoded.map((s) => s.attributes['url.path']), last.many.map((s) => s.attributes['url.path']));
  assert.equal(decoded.map((s) => s.attributes[Object.keys(s.attributes).find((k) => k.startsWith('key-'))]), last.many.map((_, i) => `value-${i % 3}`));
  const { keys, largestValueSet } = encodingCacheSizes();
  assert.ok(keys <= 1024, `${keys} keys cached`);
  assert.ok(largestValueSet <= 8, `${largestValueSet} values cached for one key`);
});

// Every length and number at the edges of the wire format's encodings (one more byte of varint,
// one more byte of length prefix, the switch between encoding text by hand and by Buffer, UTF-8 of
// every width and lone surrogates), against the OpenTelemetry transformer on the same spans.
test('values at every encoding boundary decode as the transformer writes them', () => {
  const numbers = [0, 1, 126, 127, 128, 129, 255, 256, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49, 2 ** 53 - 1, -1, -127, -128, -(2 ** 31), -(2 ** 53 - 1), 0.5, -0.25, 1e300];
  const lengths = [0, 1, 15, 16, 47, 48, 49, 63, 64, 126, 127, 128, 129, 255, 256, 1000, 16383, 16384, 16385];
  const texts = [...lengths.map((n) => 'a'.repeat(n)), ...lengths.map((n) => 'é'.repeat(n)), '日本語', '🚀'.repeat(40), 'x\ud800y', '\udfff', 'mixed ü 日 🚀 end', '\u007f\u0080\u07ff\u0800\uffff'];
  const sequence = [];
  numbers.forEach((n, i) => sequence.push(span({ name: `n${i}`, attributes: { n, list: [n, n] }, droppedAttributesCount: Math.abs(Math.trunc(n)) % 2 ** 31 })));
  texts.forEach((text, i) => sequence.push(span({ name: text, attributes: { [`k${text.slice(0, 200)}`]: text, t: [text, ''] }, status: { code: SpanStatusCode.ERROR, message: text } })));
  sequence.push(span({ name: 'times', startTime: [0, 1], endTime: [2 ** 32, 999999999] }));
  sequence.push(span({ name: 'hex', spanContext: () => ({ traceId: '0123456789ABCDEFabcdef0123456789', spanId: 'FEDCBA9876543210', traceFlags: 1 }) }));
  const ours = decodeProtobuf(encodeTraces(sequence));
  const theirs = decodeProtobuf(Buffer.from(ProtobufTraceSerializer.serializeRequest(sequence)));
  assert.is(ours.length, sequence.length);
  for (let i = 0; i < sequence.length; i++) assert.equal(ours[i], theirs[i], `span ${i}: ${sequence[i].name.slice(0, 40)}`);
});

test.run();

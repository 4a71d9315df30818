'use strict';
// hoptrace's OTLP protobuf against the OpenTelemetry transformer's, read by a strict decoder that
// reads every field of trace.proto (test/support/otlp-strict-decode.js): trace state, flags, scope
// versions, schema URLs, event and link counts, bytes values; varints as short as their values
// allow. Spans of both kinds hoptrace exports: its own (templates of attributes shared by a
// destination, attributes set later, events, links) and any other ReadableSpan (the SDK's).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } = require('@opentelemetry/api');
const { TraceState } = require('@opentelemetry/core');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { AlwaysOnSampler } = require('@opentelemetry/sdk-trace-node');
const { encodeTraces, OtlpBatch } = require('../../dist/agent/exporters/otlp/otlp-batch');
const { cachedValueCount, encodingCacheSizes, forgetEncodedKeys, valuesLookedUp, CACHE_LIMITS } = require('../../dist/agent/exporters/otlp/wire-format');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { decodeStrictly } = require('../support/otlp-strict-decode');
const { readFields } = require('../support/protobuf');

const resource = resourceFromAttributes({ 'service.name': 'orders', 'process.pid': 4242 });
const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** Attribute lists in key order (their order on the wire means nothing); the rest as read. */
function sortedKeyValues(list) {
  return [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
/** Every span with the resource and scope it came under, in a stable order. */
function flatten(request) {
  const out = [];
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        out.push({
          resource: { ...rs.resource, attributes: sortedKeyValues(rs.resource.attributes) },
          resourceSchemaUrl: rs.schemaUrl,
          scope: ss.scope,
          scopeSchemaUrl: ss.schemaUrl,
          span: {
            ...span,
            attributes: sortedKeyValues(span.attributes),
            events: span.events.map((e) => ({ ...e, attributes: sortedKeyValues(e.attributes) })),
            links: span.links.map((l) => ({ ...l, attributes: sortedKeyValues(l.attributes) })),
          },
        });
      }
    }
  }
  return out.sort((a, b) => (a.span.spanId + a.span.name < b.span.spanId + b.span.name ? -1 : 1));
}

function assertSameAsTransformer(spans, message) {
  const ours = flatten(decodeStrictly(encodeTraces(spans)));
  const theirs = flatten(decodeStrictly(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans))));
  assert.is(ours.length, theirs.length, `${message}: span count`);
  for (let i = 0; i < ours.length; i++) assert.equal(ours[i], theirs[i], `${message}: span ${i} (${theirs[i].span.name.slice(0, 40)})`);
  return ours;
}

let idCounter = 0;
function plainSpan(overrides) {
  const spanId = (++idCounter).toString(16).padStart(16, '0');
  return {
    name: 'plain',
    kind: SpanKind.INTERNAL,
    spanContext: () => ({ traceId: TRACE, spanId, traceFlags: TraceFlags.SAMPLED }),
    parentSpanContext: undefined,
    startTime: [1764115200, 5],
    endTime: [1764115201, 7],
    attributes: {},
    status: { code: SpanStatusCode.UNSET },
    events: [],
    links: [],
    resource,
    instrumentationScope: { name: '@hoptrace/test', version: '1.0.0' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

test('every field of trace.proto, on spans that are not hoptrace\'s own', () => {
  const withSchema = resourceFromAttributes({ 'service.name': 'billing' }, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  const spans = [
    plainSpan({ name: 'no kind', kind: undefined }),
    ...[SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER].map((kind) => plainSpan({ name: `kind ${kind}`, kind })),
    plainSpan({ name: 'scope without version', instrumentationScope: { name: 'bare' } }),
    plainSpan({ name: 'scope with schema', instrumentationScope: { name: 'schema', version: '2', schemaUrl: 'https://opentelemetry.io/schemas/1.27.0' } }),
    plainSpan({ name: 'resource with schema', resource: withSchema }),
    plainSpan({
      name: 'everything',
      kind: SpanKind.CONSUMER,
      spanContext: () => ({ traceId: TRACE, spanId: 'aaaaaaaaaaaaaaaa', traceFlags: 0x81, traceState: new TraceState('vendor=a,other=b') }),
      parentSpanContext: { traceId: TRACE, spanId: 'bbbbbbbbbbbbbbbb', traceFlags: 1, isRemote: true },
      attributes: {
        bytes: new Uint8Array([0, 1, 2, 255]),
        emptyBytes: new Uint8Array(0),
        holes: [1, null, 'two', undefined, true],
        negative: -5,
        unsafe: 2 ** 60,
        fraction: 0.1,
        // int64's ends: -(2^63) and 2^63 - 2^10 (the largest double below 2^63) still int64; 2^63 a double.
        smallestInt64: -(2 ** 63),
        largestInt64: 2 ** 63 - 1024,
        pastInt64: 2 ** 63,
        belowInt64: -(2 ** 63) - 2048,
      },
      droppedAttributesCount: 2,
      events: [
        { name: 'plain event', time: [1764115200, 999] },
        { name: 'with attributes', time: [1764115200, 1000], attributes: { a: 'b', n: 3 }, droppedAttributesCount: 4 },
      ],
      droppedEventsCount: 5,
      links: [
        { context: { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceFlags: 1, isRemote: true, traceState: new TraceState('k=v') }, attributes: { offset: 7 }, droppedAttributesCount: 3 },
        { context: { traceId: '33333333333333333333333333333333', spanId: '4444444444444444', traceFlags: 0, isRemote: false } },
      ],
      droppedLinksCount: 6,
      status: { code: SpanStatusCode.ERROR, message: 'broker said no' },
    }),
    plainSpan({ name: 'ok with message', status: { code: SpanStatusCode.OK, message: 'fine' } }),
    plainSpan({ name: 'unset with message', status: { code: SpanStatusCode.UNSET, message: 'odd but allowed' } }),
    plainSpan({ name: 'local parent', parentSpanContext: { traceId: TRACE, spanId: 'cccccccccccccccc', traceFlags: 1, isRemote: false } }),
  ];
  const decoded = assertSameAsTransformer(spans, 'plain spans');
  const everything = decoded.find((s) => s.span.name === 'everything').span;
  assert.is(everything.traceState, 'vendor=a,other=b', 'the strict reader reads what the old one skipped');
  assert.is(everything.links[0].traceState, 'k=v');
  assert.is(decoded.find((s) => s.span.name === 'scope with schema').scopeSchemaUrl, 'https://opentelemetry.io/schemas/1.27.0');
});

/** hoptrace's tracer, its spans handed to `ended` as they end. */
function hoptraceTracer(name = '@hoptrace/kafkajs', version = '0.1.0') {
  const ended = [];
  const processor = { onStart() {}, onEnd: (span) => ended.push(span), forceFlush: async () => {}, shutdown: async () => {} };
  return { tracer: new HoptraceTracer({ resource, sampler: new AlwaysOnSampler(), processor }, name, version), ended };
}

test("hoptrace's own spans: a destination's template, attributes of their own, set later or over the template's", () => {
  const { tracer, ended } = hoptraceTracer();
  const template = Object.freeze({ 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'send', 'server.port': 9092 });
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: 'dddddddddddddddd', traceFlags: 1, isRemote: true, traceState: new TraceState('congo=t61rcWkgMzE') });
  for (let round = 0; round < 3; round++) {
    // The same template three times: encoded once, then copied.
    const plain = tracer.startSpanWith('send orders', SpanKind.PRODUCER, ROOT_CONTEXT, (i) => ({ 'messaging.kafka.message.key': `k${i}` }), round, undefined, template);
    plain.end();
    const overriding = tracer.startSpanWith('send orders', SpanKind.PRODUCER, remoteParent, () => ({ 'messaging.destination.name': 'orders-retry' }), round, undefined, template);
    overriding.setAttribute('late', round);
    overriding.addEvent('retry', { attempt: round });
    overriding.setStatus({ code: SpanStatusCode.ERROR, message: 'retried' });
    overriding.end();
    const later = tracer.startSpanWith('send orders', SpanKind.PRODUCER, ROOT_CONTEXT, () => ({}), round, [{ context: { traceId: TRACE, spanId: 'eeeeeeeeeeeeeeee', traceFlags: 1 }, attributes: { why: 'batch' } }], template);
    later.setAttributes({ 'server.port': 9093, extra: [1, 2] });
    later.recordException(new TypeError('no broker'));
    later.end();
    const noTemplate = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET' } });
    noTemplate.end();
    // The template under another name and kind than its first span's, and a span the app renamed.
    tracer.startSpanWith('send orders again', SpanKind.CLIENT, ROOT_CONTEXT, () => ({}), round, undefined, template).end();
    const renamed = tracer.startSpanWith('send orders', SpanKind.PRODUCER, ROOT_CONTEXT, () => ({ n: round }), round, undefined, template);
    renamed.updateName(`renamed ${round}`);
    renamed.end();
  }
  const decoded = assertSameAsTransformer(ended, "hoptrace's spans");
  assert.is(decoded.length, 18);
  assert.equal(decoded.filter((s) => s.span.name.startsWith('renamed')).map((s) => s.span.attributes.length), [5, 5, 5], 'the template and its own');
  const retry = decoded.filter((s) => s.span.attributes.some((a) => a.key === 'late'));
  assert.is(retry.length, 3);
  for (const { span } of retry) {
    assert.equal(span.attributes.filter((a) => a.key === 'messaging.destination.name').map((a) => a.value.value), ['orders-retry'], 'one value, the span\'s own');
    assert.is(span.traceState, 'congo=t61rcWkgMzE');
    assert.is(span.flags & 0x300, 0x300, 'a remote parent');
  }
  assert.is(decoded[0].scope.version, '0.1.0');
});

test('ids hoptrace drew go on the wire from the bytes it drew them from: roots, their children, spans from pools since refilled', () => {
  const { tracer, ended } = hoptraceTracer();
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: 'dddddddddddddddd', traceFlags: 1, isRemote: true });
  // 48 bytes of ids a round: the 4 KiB pool is drawn empty and refilled a dozen times before
  // the first span is encoded, so that a pool written over would show in the oldest spans.
  for (let round = 0; round < 1000; round++) {
    const root = tracer.startSpan('root');
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
    const grandchild = tracer.startSpan('grandchild', {}, trace.setSpan(ROOT_CONTEXT, child));
    const underRemote = tracer.startSpan('under a remote parent', {}, remoteParent);
    for (const span of [grandchild, child, root, underRemote]) span.end();
  }
  assert.is(assertSameAsTransformer(ended, 'drawn ids').length, 4000);
  // The copying way was taken for every drawn id, and the text for parsed ones.
  const byName = (name) => ended.filter((span) => span.name === name);
  assert.ok(ended.every((span) => span.spanIdWords !== undefined));
  assert.ok(byName('root').every((span) => span.traceIdWords !== undefined && span.parentIdWords === undefined));
  assert.ok([...byName('child'), ...byName('grandchild')].every((span) => span.traceIdWords !== undefined && span.parentIdWords !== undefined));
  assert.ok(byName('under a remote parent').every((span) => span.traceIdWords === undefined && span.parentIdWords === undefined), 'parsed ids are read from their text');
});

test("ids read from a message's traceparent go on the wire from the bytes the parser decoded: spans under it, their children, links to it", () => {
  const { extractOwnHop } = require('../../dist/agent/propagation/own-hop');
  const { randomBytes } = require('node:crypto');
  const { tracer, ended } = hoptraceTracer();
  const parsed = [];
  // 24 bytes of ids a message: the parser's 4 KiB pool is filled and made anew six times before
  // anything is encoded, so that a pool written over would show in the oldest spans.
  for (let message = 0; message < 1000; message++) {
    const header = Buffer.from(`00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`, 'latin1');
    const context = extractOwnHop(ROOT_CONTEXT, { traceparent: header }, false);
    parsed.push(trace.getSpanContext(context));
    const process = tracer.startSpanWith('process orders', SpanKind.CONSUMER, context, () => ({ 'messaging.kafka.offset': message }), undefined);
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, process));
    child.end();
    process.end();
    // A batch's span links each of its messages' producers (as eachBatch's does), 100 a batch.
    if (parsed.length === 100) tracer.startSpan('process orders batch', { kind: SpanKind.CONSUMER, links: parsed.splice(0).map((context) => ({ context })) }).end();
  }
  assert.is(assertSameAsTransformer(ended, 'parsed ids').length, 2010);
  assert.ok(ended.filter((span) => span.name === 'process orders').every((span) => span.traceIdWords !== undefined && span.parentIdWords !== undefined), 'the copying way was taken');
  assert.ok(ended.filter((span) => span.name === 'process orders batch').every((span) => span.links.length === 100));
});

test('an attribute whose value is undefined or null is left out; one that is a list keeps its empty places', () => {
  const spans = [plainSpan({ name: 'holes', attributes: { gone: undefined, nothing: null, kept: 0, list: [null, undefined, 'x'] } })];
  const [{ span }] = flatten(decodeStrictly(encodeTraces(spans)));
  assert.equal(span.attributes.map((a) => a.key), ['kept', 'list']);
  assert.equal(span.attributes[1].value.value.values.map((v) => v.oneof), ['none', 'none', 'stringValue']);
});

test('spans of every size at every place in the buffers: nothing is lost where a buffer grows', () => {
  // Buffers start small and double; each span below shifts what follows by one more byte, so
  // that every kind of field (tags, varints, fixed numbers, doubles, ids, bytes, nested lengths)
  // lands on a buffer's last bytes somewhere.
  const spans = [];
  for (let i = 0; i < 600; i++) {
    spans.push(
      plainSpan({
        name: 'n'.repeat(i % 37),
        kind: i % 6,
        parentSpanContext: i % 3 ? { traceId: TRACE, spanId: 'ffffffffffffff00', traceFlags: 1, isRemote: i % 2 === 0 } : undefined,
        attributes: { s: 'v'.repeat(i % 131), n: i * 977 - 3000, d: i + 0.5, b: i % 2 === 0, bytes: new Uint8Array(i % 23).fill(i & 0xff), list: Array.from({ length: i % 5 }, (_, j) => j - 2) },
        events: i % 4 ? [] : [{ name: 'e'.repeat(i % 11), time: [i, i] }],
        droppedAttributesCount: i % 7,
      }),
    );
  }
  assertSameAsTransformer(spans, 'growing buffers');
  // The same spans one batch at a time, so that spare buffers are handed on between batches.
  for (let from = 0; from < spans.length; from += 150) assertSameAsTransformer(spans.slice(from, from + 150), `batch from ${from}`);
});

test('ids: a span whose own ids are not exactly 16 and 8 bytes of hex, in any place, is left out without an error', () => {
  const hexLike = [':', '/', '@', '`', 'g', 'G', 'z', ' ', '\u0100', 'ā', '٣', '\uff10'];
  const spans = [];
  for (const bad of hexLike) {
    for (const at of [0, 1, 14, 15]) {
      const spanId = `${'a'.repeat(at)}${bad}${'a'.repeat(15 - at)}`;
      spans.push(plainSpan({ name: `bad span id ${JSON.stringify(bad)} at ${at}`, spanContext: () => ({ traceId: TRACE, spanId, traceFlags: 1 }) }));
      const traceId = `${TRACE.slice(0, at)}${bad}${TRACE.slice(at + 1)}`;
      spans.push(plainSpan({ name: `bad trace id ${JSON.stringify(bad)} at ${at}`, spanContext: () => ({ traceId, spanId: 'abcdefabcdefabcd', traceFlags: 1 }) }));
    }
  }
  for (const notText of [undefined, null, 12345678, ['0af7651916cd43dd8448eb211c80319c'], { length: 32 }]) {
    spans.push(plainSpan({ name: 'trace id not a string', spanContext: () => ({ traceId: notText, spanId: 'abcdefabcdefabcd', traceFlags: 1 }) }));
    spans.push(plainSpan({ name: 'span id not a string', spanContext: () => ({ traceId: TRACE, spanId: notText, traceFlags: 1 }) }));
  }
  const good = plainSpan({ name: 'good' });
  const batch = new OtlpBatch();
  for (const span of [...spans, good]) batch.add(span);
  assert.is(batch.size, 1, 'only the good span counts');
  const decoded = flatten(decodeStrictly(batch.encoded()));
  assert.equal(decoded.map((s) => s.span.name), ['good']);
});

test('the encoder remembers what repeats, within its bounds', () => {
  const { keyLimit, valuesPerKey, longestValue } = CACHE_LIMITS;
  forgetEncodedKeys(); // other test files in this process may have filled the key cache
  assert.equal(encodingCacheSizes(), { keys: 0, largestValueSet: 0 });
  const keep = (key, values) => {
    const spans = values.flatMap((value) => [0, 1, 2].map(() => plainSpan({ attributes: { [key]: value } })));
    assertSameAsTransformer(spans, key);
    return cachedValueCount(key);
  };
  assert.is(keep('short text', ['l'.repeat(longestValue)]), 1, 'text up to the longest kept');
  assert.is(keep('long text', ['l'.repeat(longestValue + 1)]), 0, 'longer text is not');
  assert.is(keep('numbers', [7, 0.5]), 2);
  assert.is(keep('booleans', [true, false]), 2);
  assert.is(keep('lists', [[1, 2], ['a']]), 0, 'lists are not kept');
  assert.is(keep('bytes', [new Uint8Array([1, 2])]), 0, 'nor bytes');
  assert.is(keep('many', Array.from({ length: valuesPerKey + 3 }, (_, i) => `v${i}`)), valuesPerKey, 'a key keeps its first few values');
  // Keys up to the limit, and not one more.
  for (let i = 0; i < keyLimit + 10; i++) encodeTraces([plainSpan({ attributes: { [`cache-fill-${i}`]: i } })]);
  assert.is(encodingCacheSizes().keys, keyLimit, 'full, and no fuller');
  assert.is(cachedValueCount(`cache-fill-${keyLimit + 9}`), undefined);
  assert.is(encodingCacheSizes().largestValueSet, valuesPerKey);
});

test('a key whose values never repeat stops being looked up; one whose values come back does not', () => {
  const { valuesPerKey, longestValue, missesBeforePassingOver } = CACHE_LIMITS;
  forgetEncodedKeys();
  const encodeValues = (key, values) => assertSameAsTransformer(values.map((value) => plainSpan({ attributes: { [key]: value, constant: 'same' } })), key);
  const fresh = (count, from = 0) => Array.from({ length: count }, (_, i) => `offset-${from + i}`);
  // Its places fill, then every value misses: looked up through the limit, and not after it.
  encodeValues('offset', fresh(valuesPerKey + missesBeforePassingOver));
  assert.is(valuesLookedUp('offset'), true, 'still looked up at the limit');
  encodeValues('offset', fresh(1, 10_000));
  assert.is(valuesLookedUp('offset'), false, 'passed over past the limit');
  // What it writes from then on is what the transformer writes, a value it kept earlier included.
  encodeValues('offset', ['offset-0', 'offset-0', ...fresh(5, 20_000)]);
  assert.is(cachedValueCount('offset'), valuesPerKey, 'nothing more is kept');
  // Values too long to keep miss too.
  encodeValues('url', Array.from({ length: missesBeforePassingOver + 1 }, (_, i) => `${'u'.repeat(longestValue)}${i}`));
  assert.is(valuesLookedUp('url'), false, 'long values: passed over');
  // More values than places, coming round again: the kept ones hit often enough to stay looked up.
  const cycle = Array.from({ length: (valuesPerKey + 4) * 20 }, (_, i) => `partition-${i % (valuesPerKey + 4)}`);
  encodeValues('partition', cycle);
  assert.is(valuesLookedUp('partition'), true, 'values that come back keep the key looked up');
  assert.is(valuesLookedUp('constant'), true);
});

test('a span of any length gets the shortest length prefix: under 128 bytes, up to 16,383, and beyond', () => {
  // A span's length is written in two bytes kept for it beforehand (protobuf-writer.ts, beginLarge)
  // and moved when it needs one byte or three. Spans of both kinds (hoptrace's own and any other),
  // a byte apart around each edge; the strict reader refuses a length longer than its value needs.
  const { tracer, ended } = hoptraceTracer();
  const spanLengths = new Set();
  const lengths = [];
  for (let n = 0; n <= 120; n++) lengths.push(n);
  for (let n = 16_250; n <= 16_400; n++) lengths.push(n);
  lengths.push(70_000);
  for (const n of lengths) {
    const attributes = n === 0 ? {} : { note: 'x'.repeat(n) };
    const own = tracer.startSpan('s', { attributes });
    own.end();
    const spans = [plainSpan({ name: 's', attributes }), ended.pop()];
    assertSameAsTransformer(spans, `${n} characters`);
    for (const resourceSpans of readFields(encodeTraces(spans))) {
      for (const scopeSpans of readFields(resourceSpans.value)) {
        for (const span of readFields(scopeSpans.value)) if (span.number === 2) spanLengths.add(span.value.length);
      }
    }
  }
  // The range did cross every edge, for both kinds.
  for (const edge of [127, 128, 16_383, 16_384]) assert.ok(spanLengths.has(edge), `a span of ${edge} bytes was written (${[...spanLengths].filter((l) => Math.abs(l - edge) < 4)})`);
  assert.ok(Math.min(...spanLengths) < 100 && Math.max(...spanLengths) > 70_000);
});

test.run();

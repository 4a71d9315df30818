'use strict';
// hoptrace's own tracer and span (agent/tracing/tracer.ts, span.ts) on their own: ids, sampling
// decisions, suppression, clocks, the Tracer contract. Compared with the OpenTelemetry SDK's span
// itself, call for call, in tracer-vs-sdk.test.js.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } = require('@opentelemetry/api');
const { suppressTracing } = require('@opentelemetry/core');
const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { sharedLinks } = require('../../dist/agent/tracing/span');
const { encodeTraces } = require('../../dist/agent/exporters/otlp/otlp-batch');
const { decodeProtobuf } = require('../support/otlp-decode');

function setUp(sampler = new AlwaysOnSampler()) {
  const started = [];
  const ended = [];
  const processor = { onStart: (s) => started.push(s), onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const resource = resourceFromAttributes({ 'service.name': 'orders' });
  return { tracer: new HoptraceTracer({ resource, sampler, processor }, '@hoptrace/test', '1.2.3'), started, ended, resource };
}

const remoteParent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });

test('a root span gets fresh ids; a child keeps its parent trace and names the parent', () => {
  const { tracer, started, resource } = setUp();
  const root = tracer.startSpan('root', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  assert.match(root.spanContext().traceId, /^[0-9a-f]{32}$/);
  assert.match(root.spanContext().spanId, /^[0-9a-f]{16}$/);
  assert.is(root.spanContext().traceFlags, TraceFlags.SAMPLED);
  assert.is(root.parentSpanContext, undefined);
  const child = tracer.startSpan('child', {}, remoteParent);
  assert.is(child.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.is(child.parentSpanContext.spanId, 'b7ad6b7169203331');
  assert.is(child.kind, SpanKind.INTERNAL);
  assert.is(child.resource, resource);
  assert.equal(child.instrumentationScope, { name: '@hoptrace/test', version: '1.2.3' });
  assert.is(started.length, 2);
  const ids = new Set(Array.from({ length: 2000 }, () => tracer.startSpan('x', {}, ROOT_CONTEXT).spanContext().spanId));
  assert.is(ids.size, 2000);
});

test('root: true ignores the parent; suppressed tracing and an unsampled decision record nothing', () => {
  const { tracer, started } = setUp(new ParentBasedSampler({ root: new AlwaysOffSampler() }));
  assert.is(tracer.startSpan('r', { root: true }, remoteParent).isRecording(), false); // a root now, and roots are off
  const sampledChild = tracer.startSpan('c', {}, remoteParent);
  assert.ok(sampledChild.isRecording());
  const suppressed = tracer.startSpan('s', {}, suppressTracing(remoteParent));
  assert.not.ok(suppressed.isRecording());
  assert.is(suppressed.spanContext().traceId, '00000000000000000000000000000000');
  const unsampled = setUp(new AlwaysOffSampler());
  const span = unsampled.tracer.startSpan('u', {}, remoteParent);
  assert.not.ok(span.isRecording());
  assert.is(span.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c'); // still propagated
  assert.is(unsampled.started.length, 0);
  assert.is(started.length, 1);
});

test('attributes: the ones handed over are kept, bad ones set later are ignored, 128 at most', () => {
  const { tracer } = setUp();
  const span = tracer.startSpan('a', { attributes: { 'http.request.method': 'GET' } }, ROOT_CONTEXT);
  span.setAttribute('ok', 1).setAttribute('', 'empty key').setAttribute('obj', { not: 'valid' }).setAttribute('nil', null);
  span.setAttributes({ list: ['a', 'b'], toString: 'own key, not the prototype one' });
  assert.equal(span.attributes, { 'http.request.method': 'GET', ok: 1, list: ['a', 'b'], toString: 'own key, not the prototype one' });
  for (let i = 0; i < 200; i++) span.setAttribute(`k${i}`, i);
  assert.is(Object.keys(span.attributes).length, 128);
  assert.is(span.droppedAttributesCount, 200 - 124);
  span.setAttribute('ok', 2); // an existing key can still change
  assert.is(span.attributes.ok, 2);
});

test('status, name, exceptions, events and links follow the SDK rules; an ended span stays as it was', () => {
  const { tracer, ended } = setUp();
  const span = tracer.startSpan('GET', {}, ROOT_CONTEXT);
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  span.setStatus({ code: SpanStatusCode.UNSET });
  assert.equal(span.status, { code: SpanStatusCode.ERROR, message: 'boom' });
  span.setStatus({ code: SpanStatusCode.OK });
  span.setStatus({ code: SpanStatusCode.ERROR });
  assert.equal(span.status, { code: SpanStatusCode.OK });
  span.updateName('GET /users/:id');
  const error = Object.assign(new TypeError('bad'), { code: 'E_BAD' });
  span.recordException(error);
  span.recordException('plain text');
  span.addEvent('cache miss', { key: 'users:7' });
  span.addLink({ context: { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceFlags: 1 } });
  assert.equal(span.events.map((e) => [e.name, e.attributes['exception.type'] ?? e.attributes.key, e.attributes['exception.message']]), [
    ['exception', 'E_BAD', 'bad'],
    ['exception', undefined, 'plain text'],
    ['cache miss', 'users:7', undefined],
  ]);
  assert.ok(span.events[0].attributes['exception.stacktrace'].includes('TypeError: bad'));
  assert.is(span.links.length, 1);
  span.end();
  span.end();
  span.setAttribute('late', true);
  span.updateName('changed');
  span.addEvent('late');
  assert.is(ended.length, 1);
  assert.is(span.name, 'GET /users/:id');
  assert.is(span.attributes.late, undefined);
  assert.is(span.events.length, 3);
  assert.not.ok(span.isRecording());
});

test('ids: 20,000 spans, across many fills of the random pool and chunks of its text: all hex of the right length, none all zeros, none repeated', () => {
  const { tracer } = setUp();
  const traceIds = new Set();
  const spanIds = new Set();
  for (let i = 0; i < 20000; i++) {
    const { traceId, spanId } = tracer.startSpan('id', {}, ROOT_CONTEXT).spanContext();
    assert.ok(/^[0-9a-f]{32}$/.test(traceId) && traceId !== '0'.repeat(32), traceId);
    assert.ok(/^[0-9a-f]{16}$/.test(spanId) && spanId !== '0'.repeat(16), spanId);
    traceIds.add(traceId);
    spanIds.add(spanId);
  }
  assert.is(traceIds.size, 20000);
  assert.is(spanIds.size, 20000);
});

test('ids: a fill of the random pool that starts with zeros gives no all-zero id, and an id that merely starts with 0 stands', () => {
  const crypto = require('node:crypto');
  const { tracer } = setUp();
  const fill = crypto.randomFillSync;
  let patched = 0;
  // The next fill starts with 24 zero bytes (a trace id and a span id all zeros) and then eight
  // bytes of a mark whose first digit is 0; later fills are the system's own. Which id size is
  // drawn first after the fill depends on how many ids came before: a span id is redrawn three
  // times and then is the mark, a trace id is redrawn once and then ends with it.
  const MARK = '0abcdef012345678';
  crypto.randomFillSync = (buffer) => {
    const out = fill(buffer);
    if (patched++ === 0) {
      buffer.fill(0, 0, 24);
      buffer.write(MARK, 24, 'hex');
    }
    return out;
  };
  try {
    const ids = [];
    // Enough spans to use up the pool in use (4 KiB) and reach the patched fill.
    for (let i = 0; i < 400; i++) ids.push(tracer.startSpan('id', {}, ROOT_CONTEXT).spanContext());
    assert.ok(patched >= 1, 'the pool was filled again');
    for (const { traceId, spanId } of ids) {
      assert.ok(/^[0-9a-f]{32}$/.test(traceId) && traceId !== '0'.repeat(32), traceId);
      assert.ok(/^[0-9a-f]{16}$/.test(spanId) && spanId !== '0'.repeat(16), spanId);
    }
    const markedId = new RegExp(`^0*${MARK}$`);
    assert.ok(ids.some(({ traceId, spanId }) => markedId.test(traceId) || markedId.test(spanId)), 'the id after the zeros, which starts with 0, was kept');
  } finally {
    crypto.randomFillSync = fill;
  }
});

test('ids: refilling the random pool loads nothing (a require() under the module hooks cost ~20,000 instructions)', () => {
  const Module = require('node:module');
  const { tracer } = setUp();
  tracer.startSpan('first', {}, ROOT_CONTEXT);
  const load = Module._load;
  const loaded = [];
  Module._load = function (request, ...rest) {
    loaded.push(request);
    return load.call(this, request, ...rest);
  };
  try {
    // 24 bytes a span, 4 KiB a fill: a dozen fills.
    for (let i = 0; i < 2000; i++) tracer.startSpan('id', {}, ROOT_CONTEXT);
  } finally {
    Module._load = load;
  }
  assert.equal(loaded, []);
});

test('times: start near the wall clock, duration as spent, explicit times honoured', () => {
  const { tracer } = setUp();
  const before = Date.now();
  const span = tracer.startSpan('t', {}, ROOT_CONTEXT);
  const startMs = span.startTime[0] * 1e3 + span.startTime[1] / 1e6;
  assert.ok(startMs >= before - 1 && startMs <= Date.now() + 1);
  const spin = performance.now() + 5;
  while (performance.now() < spin);
  span.end();
  const durationMs = span.duration[0] * 1e3 + span.duration[1] / 1e6;
  assert.ok(durationMs >= 4.9 && durationMs < 1000, String(durationMs));
  const explicit = tracer.startSpan('e', {}, ROOT_CONTEXT);
  explicit.end(new Date(startMs + 60000));
  assert.is(explicit.endTime[0], Math.floor((startMs + 60000) / 1000));
  const early = tracer.startSpan('early', {}, ROOT_CONTEXT);
  early.end([1, 0]); // before its start: clamped, as the SDK does
  assert.equal(early.duration, [0, 0]);
});

test("the Tracer contract: startTime as HrTime, Date, epoch or performance ms; later times follow the SDK's clock rules", () => {
  const { tracer } = setUp();
  const given = tracer.startSpan('hr', { startTime: [1764115200, 5e8] }, ROOT_CONTEXT);
  assert.equal(given.startTime, [1764115200, 5e8]);
  given.end([1764115201, 0]);
  assert.equal(given.duration, [0, 5e8]);
  assert.equal(tracer.startSpan('date', { startTime: new Date(1764115200123) }, ROOT_CONTEXT).startTime, [1764115200, 123e6]);
  assert.equal(tracer.startSpan('epoch', { startTime: 1764115200500 }, ROOT_CONTEXT).startTime, [1764115200, 5e8]);
  const reading = performance.now();
  const fromPerformance = tracer.startSpan('perf', { startTime: reading }, ROOT_CONTEXT);
  const expectedMs = performance.timeOrigin + reading;
  const gotMs = fromPerformance.startTime[0] * 1e3 + fromPerformance.startTime[1] / 1e6;
  assert.ok(Math.abs(gotMs - expectedMs) < 1, `${gotMs} vs ${expectedMs}`);
  // A given start time shares no origin with the monotonic clock: an end without a time is now, by the wall clock.
  const past = tracer.startSpan('past', { startTime: new Date(Date.now() - 60000) }, ROOT_CONTEXT);
  past.end();
  const durationMs = past.duration[0] * 1e3 + past.duration[1] / 1e6;
  assert.ok(durationMs >= 59000 && durationMs < 61000, String(durationMs));
});

test('the Tracer contract: links given at start are kept, invalid ones dropped at the API; attributes and kind as given', () => {
  const { tracer } = setUp();
  const valid = { context: { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceFlags: 1 }, attributes: { why: 'batch' } };
  const links = [
    valid,
    { context: { traceId: 'abcd', spanId: '2222222222222222', traceFlags: 1 } },
    { context: { traceId: '00000000000000000000000000000000', spanId: '2222222222222222', traceFlags: 1 } },
    { context: { traceId: '11111111111111111111111111111111', spanId: 'xyz', traceFlags: 1 } },
  ];
  const span = tracer.startSpan('linked', { kind: SpanKind.CONSUMER, links, attributes: { a: 1 } }, remoteParent);
  assert.equal(span.links.map((l) => l.context.traceId), ['11111111111111111111111111111111']);
  assert.equal(span.links[0].attributes, { why: 'batch' });
  span.addLink({ context: { traceId: '1', spanId: '2', traceFlags: 1 } });
  // Malformed links from the app are left out without an exception (one once reached the app).
  for (const malformed of [{}, null, undefined, { context: null }, { context: 'x' }]) span.addLink(malformed);
  assert.is(tracer.startSpan('malformed', { links: [{}, null, { context: null }] }).links.length, 0);
  assert.is(span.links.length, 1);
  assert.is(links.length, 4, "the caller's array is not changed");
  assert.is(span.kind, SpanKind.CONSUMER);
  assert.equal(span.attributes, { a: 1 });
});

test('a shared link list (eachBatch) is kept by every span as it is, copied before a span adds its own, and encoded like any other', () => {
  const { tracer } = setUp();
  const batchLink = { context: { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceFlags: 1 } };
  const shared = sharedLinks([batchLink]);
  assert.ok(Object.isFrozen(shared) && Object.isFrozen(shared[0]), 'frozen: no span can change what the others hold');
  const first = tracer.startSpan('first', { links: shared }, remoteParent);
  const second = tracer.startSpan('second', { links: shared }, remoteParent);
  assert.is(first.links, shared);
  assert.is(second.links, shared);
  second.addLink({ context: { traceId: '33333333333333333333333333333333', spanId: '4444444444444444', traceFlags: 0 } });
  assert.is(shared.length, 1, 'the shared list is untouched');
  assert.is(first.links.length, 1);
  assert.equal(second.links.map((l) => l.context.spanId), ['2222222222222222', '4444444444444444']);
  // The encoder writes a shared list from bytes it keeps: twice, and beside an unshared copy, the same.
  const plain = tracer.startSpan('plain', { links: [{ ...batchLink }] }, remoteParent);
  for (const span of [first, second, plain]) span.end();
  const decoded = decodeProtobuf(encodeTraces([first, first, second, plain]));
  assert.equal(
    decoded.map((s) => s.links.map((l) => `${l.traceId}/${l.spanId}`)),
    [
      ['11111111111111111111111111111111/2222222222222222'],
      ['11111111111111111111111111111111/2222222222222222'],
      ['11111111111111111111111111111111/2222222222222222', '33333333333333333333333333333333/4444444444444444'],
      ['11111111111111111111111111111111/2222222222222222'],
    ],
  );
  // A list with a link that is not valid, or with attributes, is not shared: each span checks and copies it.
  const notShared = sharedLinks([batchLink, { context: { traceId: 'abcd', spanId: '2222222222222222', traceFlags: 1 } }]);
  assert.not.ok(Object.isFrozen(notShared));
  assert.equal(tracer.startSpan('checked', { links: notShared }, remoteParent).links.length, 1);
});

test.run();

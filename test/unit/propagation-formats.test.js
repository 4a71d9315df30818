'use strict';
// The propagator and the Jaeger format, rule by rule: the header names each configuration
// declares, trace state only from a W3C hop, B3 found alone and its ids passed on in lower case,
// getters of other libraries read as hoptrace's own are, a failing setter reported once and never
// thrown; uber-trace-id's shape, and uberctx-* baggage within W3C's limits, read and written.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, defaultTextMapGetter, propagation, trace } = require('@opentelemetry/api');
const { W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
const { B3InjectEncoding, B3Propagator } = require('@opentelemetry/propagator-b3');
const { AlwaysOnSampler } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { anyCaseHeaderGetter, incomingHttpHeaderGetter, recordSetter } = require('../../dist/agent/propagation/carriers');
const { HoptracePropagator, noPropagation } = require('../../dist/agent/propagation/propagator');
const { JaegerPropagator, MAX_BAGGAGE_ENTRIES, MAX_BAGGAGE_ENTRY_LENGTH, MAX_BAGGAGE_LENGTH, parseUberTraceId } = require('../../dist/agent/propagation/jaeger');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE}-${SPAN}-01`;
const processor = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
const tracer = new HoptraceTracer({ resource: resourceFromAttributes({}), sampler: new AlwaysOnSampler(), processor }, 't', '1');
const ids = (ctx) => {
  const sc = trace.getSpanContext(ctx);
  return sc ? `${sc.traceId}/${sc.spanId}/${sc.traceFlags}` : undefined;
};

/** What hoptrace writes to stderr while `fn` runs, each call in a time of its own (past the log's repeat window). */
let clock = Date.now();
function stderrOf(fn) {
  const written = [];
  const { write } = process.stderr;
  const now = Date.now;
  clock += 3_600_000;
  Date.now = () => clock;
  process.stderr.write = (chunk) => (written.push(String(chunk)), true);
  try {
    fn();
  } finally {
    process.stderr.write = write;
    Date.now = now;
  }
  return written.join('');
}

test('fields(): the header names of the formats configured, each once, in writing order; none for OTEL_PROPAGATORS=none', () => {
  const own = { tracecontext: new W3CTraceContextPropagator(), baggage: new W3CBaggagePropagator(), jaeger: new JaegerPropagator(), b3: new B3Propagator(), b3multi: new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }) };
  for (const names of [['tracecontext'], ['jaeger'], ['tracecontext', 'baggage', 'jaeger'], ['b3'], ['b3multi', 'jaeger'], ['baggage', 'tracecontext', 'b3']]) {
    const expected = [...new Set(names.flatMap((name) => own[name].fields()))];
    assert.equal(new HoptracePropagator(names).fields().slice().sort(), expected.sort(), names.join(','));
  }
  assert.equal(new JaegerPropagator().fields(), ['uber-trace-id']);
  assert.equal(noPropagation.fields(), []);
  const carrier = {};
  noPropagation.inject(trace.setSpan(ROOT_CONTEXT, tracer.startSpan('x')), carrier, recordSetter);
  assert.equal(carrier, {});
  assert.ok(noPropagation.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT }, anyCaseHeaderGetter) === ROOT_CONTEXT);
});

test('nothing to write: no span, or an invalid one, writes no header and reports nothing', () => {
  for (const names of [['tracecontext', 'jaeger'], ['tracecontext', 'baggage', 'jaeger'], ['b3', 'jaeger']]) {
    for (const ctx of [ROOT_CONTEXT, trace.setSpanContext(ROOT_CONTEXT, INVALID_SPAN_CONTEXT)]) {
      const carrier = {};
      const said = stderrOf(() => new HoptracePropagator(names).inject(ctx, carrier, recordSetter));
      assert.equal(carrier, {}, names.join(','));
      assert.is(said, '');
    }
  }
});

test('a setter that throws: the app never sees it, one warning says where, and the hop is not tried again by the other writers', () => {
  const span = tracer.startSpan('op');
  for (const names of [['tracecontext', 'jaeger'], ['b3', 'jaeger']]) {
    let calls = 0;
    const throwing = {
      set() {
        calls++;
        throw new Error('setHeader refused');
      },
    };
    const said = stderrOf(() => new HoptracePropagator(names).inject(trace.setSpan(ROOT_CONTEXT, span), {}, throwing));
    assert.match(said, /internal error in trace context injection, tracing skipped there: Error: setHeader refused/);
    assert.is(said.split('\n').filter((line) => line.includes('internal error')).length, 1);
    assert.is(calls, names[0] === 'tracecontext' ? 1 : 2, `${names}: each writer tried once`);
  }
});

test('tracestate belongs to a W3C hop: read with traceparent (repeated values joined), never with a Jaeger or B3 one', () => {
  const all = new HoptracePropagator(['tracecontext', 'baggage', 'jaeger']);
  const stateOf = (carrier, getter = anyCaseHeaderGetter) => trace.getSpanContext(all.extract(ROOT_CONTEXT, carrier, getter))?.traceState?.serialize();
  assert.is(stateOf({ traceparent: TRACEPARENT, tracestate: 'a=1' }), 'a=1');
  assert.is(stateOf({ traceparent: TRACEPARENT, tracestate: ['a=1', 'b=2'] }, defaultTextMapGetter), 'a=1,b=2');
  assert.is(stateOf({ traceparent: TRACEPARENT, tracestate: '' }), undefined);
  assert.is(stateOf({ 'uber-trace-id': `${TRACE}:${SPAN}:0:1`, tracestate: 'a=1' }), undefined);
  assert.is(stateOf({ b3: `${TRACE}-${SPAN}-1`, tracestate: 'a=1' }), undefined);
});

test('B3 alone, single or multi-header, through any getter; upper-case ids of the multi-header form passed on in lower case', () => {
  const all = new HoptracePropagator(['tracecontext', 'baggage', 'jaeger']);
  const upper = (s) => s.toUpperCase();
  const cases = [
    [{ b3: `${TRACE}-${SPAN}-1` }, `${TRACE}/${SPAN}/1`],
    [{ b3: `${TRACE}-${SPAN}-0` }, `${TRACE}/${SPAN}/0`],
    // The single header is lower-case hex by its spec (the B3 reader refuses upper case there).
    [{ b3: `${upper(TRACE)}-${SPAN}-1` }, undefined],
    [{ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' }, `${TRACE}/${SPAN}/1`],
    [{ 'x-b3-traceid': upper(TRACE), 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' }, `${TRACE}/${SPAN}/1`],
    [{ 'x-b3-traceid': TRACE, 'x-b3-spanid': upper(SPAN), 'x-b3-sampled': '0' }, `${TRACE}/${SPAN}/0`],
    [{ 'x-b3-traceid': upper(TRACE), 'x-b3-spanid': upper(SPAN), 'x-b3-sampled': '1' }, `${TRACE}/${SPAN}/1`],
    [{ 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' }, undefined],
  ];
  for (const getter of [anyCaseHeaderGetter, incomingHttpHeaderGetter, defaultTextMapGetter]) {
    for (const [carrier, expected] of cases) assert.is(ids(all.extract(ROOT_CONTEXT, carrier, getter)), expected, JSON.stringify(carrier));
  }
});

test("a getter of another library's (repeated headers as arrays) reads as hoptrace's own getter reads the same headers", () => {
  const all = new HoptracePropagator(['tracecontext', 'baggage', 'jaeger']);
  const other = '11111111111111111111111111111111';
  const jaeger = (trace, span) => `${trace}:${span}:0:1`;
  const carriers = [
    { traceparent: TRACEPARENT },
    { traceparent: ['junk', TRACEPARENT] },
    { traceparent: [TRACEPARENT, 42, null] },
    { traceparent: [TRACEPARENT, ...Array.from({ length: 40 }, () => 'junk')] },
    { traceparent: [...Array.from({ length: 40 }, () => 'junk'), TRACEPARENT] },
    { traceparent: TRACEPARENT, 'uber-trace-id': [jaeger(TRACE, SPAN), jaeger(TRACE, '2222222222222222')] },
    { traceparent: TRACEPARENT, 'uber-trace-id': [jaeger(other, '3333333333333333'), jaeger(TRACE, SPAN)] },
    { traceparent: TRACEPARENT, 'uber-trace-id': jaeger(other, '3333333333333333') },
    { 'uber-trace-id': [jaeger(TRACE, SPAN), 'junk'] },
    { 'uber-trace-id': [] },
    { traceparent: 7 },
  ];
  for (const carrier of carriers) {
    assert.is(ids(all.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter)), ids(all.extract(ROOT_CONTEXT, carrier, anyCaseHeaderGetter)), JSON.stringify(carrier).slice(0, 120));
  }
  // A later hop that updated only uber-trace-id is seen through a foreign getter too.
  assert.is(ids(all.extract(ROOT_CONTEXT, carriers[5], defaultTextMapGetter)), `${TRACE}/2222222222222222/1`);
});

test("uber-trace-id: four fields, hex ids of at most 32 and 16 digits, one or two hex digits of flags; URL-encoded colons", () => {
  const good = { traceId: TRACE, spanId: SPAN, sampled: true };
  const cases = [
    [`${TRACE}:${SPAN}:0:1`, good],
    [`${TRACE.toUpperCase()}:${SPAN}:0:01`, good],
    [`${TRACE}%3A${SPAN}%3A0%3A1`, good],
    [`  ${TRACE}:${SPAN}:0:1  `, good],
    [`${TRACE}:${SPAN}:0:0`, { ...good, sampled: false }],
    [`${TRACE}:${SPAN}:0:3`, good],
    [`${TRACE}:${SPAN}:0:2`, { ...good, sampled: false }],
    ['abc:def:0:1', { traceId: '0'.repeat(29) + 'abc', spanId: '0'.repeat(13) + 'def', sampled: true }],
    [`${TRACE}:${SPAN}:0:zz`, undefined],
    [`${TRACE}:${SPAN}:0:123`, undefined],
    [`${TRACE}:${SPAN}:0:`, undefined],
    [`${TRACE}0:${SPAN}:0:1`, undefined],
    [`${TRACE}:${SPAN}0:0:1`, undefined],
    [`x${TRACE.slice(1)}:${SPAN}:0:1`, undefined],
    [`${TRACE}:${SPAN.slice(1)}x:0:1`, undefined],
    [`${TRACE}:${SPAN}:0`, undefined],
    [`${TRACE}:${SPAN}:0:1:1`, undefined],
    ['%zz', undefined],
    [`${'0'.repeat(32)}:${SPAN}:0:1`, undefined],
  ];
  for (const [header, expected] of cases) assert.equal(parseUberTraceId(header), expected, header);
});

test('the Jaeger format on its own: read into a remote context, written only for a valid one', () => {
  const jaeger = new JaegerPropagator();
  const read = (carrier) => jaeger.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
  const ctx = read({ 'uber-trace-id': `${TRACE}:${SPAN}:0:1` });
  assert.equal({ ...trace.getSpanContext(ctx) }, { traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
  assert.is(trace.getSpanContext(read({ 'uber-trace-id': `${TRACE}:${SPAN}:0:0` })).traceFlags, 0);
  for (const carrier of [{}, { 'uber-trace-id': 'junk' }, { 'uber-trace-id': [`${TRACE}:${SPAN}:0:1`] }]) assert.ok(read(carrier) === ROOT_CONTEXT, JSON.stringify(carrier));
  for (const ctx of [ROOT_CONTEXT, trace.setSpanContext(ROOT_CONTEXT, INVALID_SPAN_CONTEXT)]) {
    const carrier = {};
    jaeger.inject(ctx, carrier, recordSetter);
    assert.equal(carrier, {});
  }
});

/** What JaegerPropagator writes of `entries` as uberctx-* headers, within `budget`. */
function uberctxWritten(entries, budget) {
  const carrier = {};
  new JaegerPropagator().inject(propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage(entries)), carrier, recordSetter, budget);
  return carrier;
}

test('uberctx-* written: names that are HTTP tokens only; 180 entries; an entry up to 4 KiB and the whole up to the budget, each bound included', () => {
  const tokens = uberctxWritten({ ok: { value: '1' }, ' lead': { value: '1' }, 'trail ': { value: '1' }, 'mid dle': { value: '1' }, 'ké': { value: '1' }, 'a\r\nb': { value: '1' } });
  assert.equal(Object.keys(tokens), ['uberctx-ok']);
  const many = Object.fromEntries(Array.from({ length: MAX_BAGGAGE_ENTRIES + 5 }, (_, i) => [`k${i}`, { value: 'v' }]));
  assert.is(Object.keys(uberctxWritten(many)).length, MAX_BAGGAGE_ENTRIES);
  const prefix = 'uberctx-'.length;
  const sized = (n) => 'v'.repeat(n - prefix - 1); // key "k"
  assert.equal(Object.keys(uberctxWritten({ k: { value: sized(MAX_BAGGAGE_ENTRY_LENGTH) } })), ['uberctx-k']);
  assert.equal(Object.keys(uberctxWritten({ k: { value: sized(MAX_BAGGAGE_ENTRY_LENGTH + 1) } })), []);
  const budget = 100;
  assert.equal(Object.keys(uberctxWritten({ a: { value: 'x'.repeat(40) }, b: { value: 'y'.repeat(100 - 2 * (prefix + 1) - 40) } }, budget)), ['uberctx-a', 'uberctx-b']);
  assert.equal(Object.keys(uberctxWritten({ a: { value: 'x'.repeat(40) }, b: { value: 'y'.repeat(100 - 2 * (prefix + 1) - 39) }, c: { value: '' } }, budget)), ['uberctx-a', 'uberctx-c']);
});

test('uberctx-* read: by its exact prefix, the first spelling of a name wins, W3C baggage wins, text values only, within 180 entries and 8 KiB', () => {
  const all = new HoptracePropagator(['tracecontext', 'baggage', 'jaeger']);
  const entries = (carrier, getter = anyCaseHeaderGetter) => {
    const baggage = propagation.getBaggage(all.extract(ROOT_CONTEXT, carrier, getter));
    return baggage ? Object.fromEntries(baggage.getAllEntries().map(([k, v]) => [k, v.value])) : undefined;
  };
  assert.is(entries({ traceparent: TRACEPARENT }), undefined, 'no baggage at all: none made');
  assert.is(entries({ 'uberctx-': 'x', uberctx: 'y', 'Uberctx-': 'z' }), undefined);
  assert.equal(entries({ 'Uberctx-User': 'a', 'uberctx-user': 'b' }), { user: 'a' });
  assert.equal(entries({ baggage: 'user=w3c', 'uberctx-user': 'jaeger', 'uberctx-other': 'o' }), { user: 'w3c', other: 'o' });
  assert.is(entries({ 'uberctx-user': null, 'uberctx-none': undefined }), undefined);
  assert.equal(entries({ 'uberctx-user': Buffer.from('bytes%20too') }), { user: 'bytes too' });
  assert.equal(entries({ 'uberctx-bad': '%zz', 'uberctx-good': 'g' }), { good: 'g' });
  const many = Object.fromEntries(Array.from({ length: MAX_BAGGAGE_ENTRIES + 5 }, (_, i) => [`uberctx-k${i}`, 'v']));
  assert.is(Object.keys(entries(many)).length, MAX_BAGGAGE_ENTRIES);
  // name + value lengths count; exactly 8 KiB is kept.
  const half = MAX_BAGGAGE_LENGTH / 2;
  assert.equal(Object.keys(entries({ 'uberctx-a': 'x'.repeat(half - 1), 'uberctx-b': 'y'.repeat(half - 1) })), ['a', 'b']);
  assert.equal(Object.keys(entries({ 'uberctx-a': 'x'.repeat(half - 1), 'uberctx-b': 'y'.repeat(half), 'uberctx-c': '' })), ['a']);
});

test.run();

'use strict';
// The two shortcuts every hoptrace hop takes (agent/propagation/own-hop.ts and writeOwnHop in
// propagator.ts) against the formats' own readers and writers on the same input: the headers a
// span of hoptrace's writes, byte for byte and in the same order, and the context read back.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, TraceFlags, propagation, trace } = require('@opentelemetry/api');
const { TraceState, W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
const { anyCaseHeaderGetter, incomingHttpHeaderGetter, recordSetter } = require('../../dist/agent/propagation/carriers');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { JaegerPropagator } = require('../../dist/agent/propagation/jaeger');
const { UnsampledSpan } = require('../../dist/agent/tracing/unsampled-span');
const { ROOT } = require('../../dist/agent/tracing/context');

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const FORMATS = { tracecontext: new W3CTraceContextPropagator(), baggage: new W3CBaggagePropagator(), jaeger: new JaegerPropagator() };

/** What the formats' own writers put in a carrier, one after the other, as OTEL_PROPAGATORS lists them. */
function writtenByFormats(names, ctx) {
  const carrier = {};
  for (const name of names) FORMATS[name].inject(ctx, carrier, recordSetter);
  return carrier;
}

const spanOf = (traceFlags, traceState) => new UnsampledSpan(TRACE, SPAN, traceFlags, traceState, {});

test('a span of hoptrace’s own: the same headers, values and order as the formats write', () => {
  for (const names of [['tracecontext', 'baggage', 'jaeger'], ['jaeger', 'tracecontext'], ['tracecontext'], ['jaeger'], ['baggage']]) {
    for (const flags of [TraceFlags.SAMPLED, TraceFlags.NONE]) {
      for (const traceState of [undefined, new TraceState('vendor=a,other=b')]) {
        const ctx = trace.setSpan(ROOT, spanOf(flags, traceState));
        const ours = {};
        new HoptracePropagator(names).inject(ctx, ours, recordSetter);
        const theirs = writtenByFormats(names, ctx);
        assert.equal(Object.entries(ours), Object.entries(theirs), `${names} flags ${flags} ${traceState ? 'with' : 'without'} tracestate`);
      }
    }
  }
});

test('baggage, a foreign span or suppressed tracing: written by the formats themselves', () => {
  const names = ['tracecontext', 'baggage', 'jaeger'];
  const withBaggage = propagation.setBaggage(trace.setSpan(ROOT, spanOf(TraceFlags.SAMPLED)), propagation.createBaggage({ tenant: { value: 'a b' } }));
  const foreign = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED }));
  for (const ctx of [withBaggage, foreign]) {
    const ours = {};
    new HoptracePropagator(names).inject(ctx, ours, recordSetter);
    assert.equal(Object.entries(ours), Object.entries(writtenByFormats(names, ctx)));
  }
  assert.ok(Object.keys(writtenByFormats(names, withBaggage)).some((key) => key.startsWith('uberctx-')), 'the baggage case writes baggage');
});

test('reading what a hop wrote: the same context whichever reader runs', () => {
  const propagator = new HoptracePropagator(['tracecontext', 'jaeger']);
  const carriers = [
    { traceparent: `00-${TRACE}-${SPAN}-01`, 'uber-trace-id': `${TRACE}:${SPAN}:0:01` },
    { traceparent: Buffer.from(`00-${TRACE}-${SPAN}-00`), 'uber-trace-id': Buffer.from(`${TRACE}:${SPAN}:0:00`), other: Buffer.from('x') },
    { TraceParent: `00-${TRACE}-${SPAN}-01` },
    { 'content-type': 'application/json' },
  ];
  // A getter that is not one of hoptrace's never takes the shortcut: the full reader's answer.
  const plainGetter = { get: (carrier, key) => anyCaseHeaderGetter.get(carrier, key), keys: (carrier) => anyCaseHeaderGetter.keys(carrier) };
  for (const carrier of carriers) {
    const fast = trace.getSpanContext(propagator.extract(ROOT, carrier, anyCaseHeaderGetter));
    const full = trace.getSpanContext(propagator.extract(ROOT, carrier, plainGetter));
    assert.equal(fast, full, JSON.stringify(Object.keys(carrier)));
  }
  const http = { traceparent: `00-${TRACE}-${SPAN}-01`, host: 'x' };
  assert.equal(trace.getSpanContext(propagator.extract(ROOT, http, incomingHttpHeaderGetter)), trace.getSpanContext(propagator.extract(ROOT, http, plainGetter)));
});


/**
 * The span context read from bytes, as the same value read as text gives it: its ids, whether
 * sampled, and (when the parser decoded them, for the encoder) the ids' bytes, checked to be
 * what the text says.
 */
function asReadFromText(context) {
  if (!context) return context;
  assert.is(context.isRemote, true);
  if (context.idWords !== undefined) assert.is(Buffer.from(context.idWords.buffer, context.idWords.byteOffset + context.idAt * 4, 24).toString('hex'), context.traceId + context.spanId, 'the decoded bytes');
  return { traceId: context.traceId, spanId: context.spanId, sampled: context.traceFlags === TraceFlags.SAMPLED };
}

test("a context read from a message's bytes reads, as JSON, as any span context: its ids' bytes stay out", () => {
  const { parseTraceparentBytes } = require('../../dist/agent/propagation/w3c');
  const context = parseTraceparentBytes(Buffer.from(`00-${TRACE}-${SPAN}-01`, 'latin1'));
  assert.ok(context.idWords !== undefined, 'the bytes were kept');
  assert.equal(JSON.parse(JSON.stringify(context)), { traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
});

test('a traceparent read from bytes is the one read from the same bytes as text, for valid and mangled values', () => {
  const { parseTraceparent, parseTraceparentBytes } = require('../../dist/agent/propagation/w3c');
  let state = 11;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const alphabet = '0123456789abcdefABCDEF-xz \t0000\u00b1\u00e0';
  const valid = `00-${TRACE}-${SPAN}-01`;
  const values = [valid, `00-${TRACE}-${SPAN}-00`, `01-${TRACE}-${SPAN}-03`, `ff-${TRACE}-${SPAN}-01`, `00-${'0'.repeat(32)}-${SPAN}-01`, `00-${TRACE}-${'0'.repeat(16)}-01`, ` ${valid} `, `${valid}-extra`, `cc-${TRACE}-${SPAN}-01-what-the-future-holds`, valid.slice(0, 54), ''];
  for (let i = 0; i < 3000; i++) {
    const chars = valid.split('');
    for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) chars[Math.floor(next() * chars.length)] = alphabet[Math.floor(next() * alphabet.length)];
    values.push(chars.join(''));
  }
  let accepted = 0;
  for (const value of values) {
    const fromText = parseTraceparent(value);
    assert.equal(asReadFromText(parseTraceparentBytes(Buffer.from(value, 'latin1'))), fromText, JSON.stringify(value));
    if (fromText) accepted++;
  }
  // Both kinds of input were compared: values taken and values refused.
  assert.ok(accepted > 20 && accepted < values.length - 1000, `${accepted} of ${values.length} accepted`);
});

test('a traceparent read from bytes refuses every byte that is not a lower-case hex digit in its ids, whatever its value and place', () => {
  // Every value at every place of a valid value, against the same bytes read as text, and ids
  // all zeros but for one place.
  const { parseTraceparent, parseTraceparentBytes } = require('../../dist/agent/propagation/w3c');
  const valid = Buffer.from(`00-${TRACE}-${SPAN}-01`, 'latin1');
  let refused = 0;
  for (let place = 0; place < valid.length; place++) {
    for (let value = 0; value < 256; value++) {
      const bytes = Buffer.from(valid);
      bytes[place] = value;
      const expected = parseTraceparent(bytes.toString('latin1'));
      assert.equal(asReadFromText(parseTraceparentBytes(bytes)), expected, `byte ${value} at ${place}`);
      if (!expected) refused++;
    }
  }
  // Every place refuses the 256 - 16 values that are not hex digits or '-' where a digit goes.
  assert.ok(refused > 48 * 240, `${refused} refused`);
  for (const [from, length] of [[3, 32], [36, 16]]) {
    for (let place = from; place < from + length; place++) {
      const bytes = Buffer.from(valid);
      bytes.fill(48, from, from + length);
      assert.is(parseTraceparentBytes(bytes), undefined, `all zeros from ${from}`);
      bytes[place] = 97; // 'a'
      assert.equal(asReadFromText(parseTraceparentBytes(bytes)), parseTraceparent(bytes.toString('latin1')), `one digit at ${place}`);
      assert.ok(parseTraceparentBytes(bytes), `one digit at ${place} makes an id`);
    }
  }
});

test.run();

'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, trace, propagation, TraceFlags } = require('@opentelemetry/api');
const { anyCaseHeaderGetter, incomingHttpHeaderGetter, recordSetter, headerValueToString } = require('../../dist/agent/propagation/carriers');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { parseUberTraceId } = require('../../dist/agent/propagation/jaeger');
const { parseTraceparent } = require('../../dist/agent/propagation/w3c');

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const all = new HoptracePropagator(['tracecontext', 'baggage', 'jaeger']);

function extract(carrier, getter = anyCaseHeaderGetter) {
  return trace.getSpanContext(all.extract(ROOT_CONTEXT, carrier, getter));
}

test('header values: string, Buffer, Uint8Array, arrays (last wins), numbers; oversized ignored', () => {
  assert.is(headerValueToString('a'), 'a');
  assert.is(headerValueToString(Buffer.from('b')), 'b');
  assert.is(headerValueToString(new Uint8Array([99])), 'c');
  assert.is(headerValueToString(['x', Buffer.from('y')]), 'y');
  assert.is(headerValueToString(7), '7');
  assert.is(headerValueToString([]), undefined);
  assert.is(headerValueToString(null), undefined);
  assert.is(headerValueToString('x'.repeat(8193)), undefined);
  assert.is(headerValueToString(Buffer.alloc(8193)), undefined);
});

test('Kafka-style headers: any key case, Buffer values, duplicates', () => {
  const ctx = extract({ TraceParent: Buffer.from(`00-${TRACE}-${SPAN}-01`) });
  assert.is(ctx.traceId, TRACE);
  assert.is(ctx.spanId, SPAN);
  assert.ok(ctx.isRemote);
  const dup = extract({ 'uber-trace-id': [Buffer.from(`1111:2222:0:1`), Buffer.from(`${TRACE}:${SPAN}:0:1`)] });
  assert.is(dup.traceId, TRACE);
});

test('HTTP headers joined by Node: the last of duplicates wins, list headers stay whole', () => {
  assert.is(incomingHttpHeaderGetter.get({ b3: `a-b-1, ${TRACE}-${SPAN}-1` }, 'b3'), `${TRACE}-${SPAN}-1`);
  assert.is(incomingHttpHeaderGetter.get({ baggage: 'a=1, b=2' }, 'baggage'), 'a=1, b=2');
});

test('traceparent parsing, as the W3C spec has it', () => {
  assert.equal(parseTraceparent(`00-${TRACE}-${SPAN}-01`), { traceId: TRACE, spanId: SPAN, sampled: true });
  assert.equal(parseTraceparent(` 00-${TRACE}-${SPAN}-00 `), { traceId: TRACE, spanId: SPAN, sampled: false });
  assert.is(parseTraceparent(`01-${TRACE}-${SPAN}-03-future-fields`).sampled, true, 'a later version: its first four fields');
  for (const bad of [
    `ff-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-01-extra`, `00-${'0'.repeat(32)}-${SPAN}-01`, `00-${TRACE}-${'0'.repeat(16)}-01`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`, `00-${TRACE}-${SPAN}-0g`, `0x-${TRACE}-${SPAN}-01`, `00_${TRACE}-${SPAN}-01`,
    `01-${TRACE}-${SPAN}-01x`, `00-${TRACE.slice(1)}-${SPAN}-01`, '', 'x'.repeat(55),
    // Characters past ASCII whose low bits are a digit's ('\u00b1' is 0xb1, '\u0131' is 0x131: '1' below 0x80, '1' in the low byte).
    `00-${TRACE.slice(1)}\u00b1-${SPAN}-01`, `00-${TRACE}-${SPAN.slice(1)}\u0131-01`, `00-\u00e0${TRACE.slice(1)}-${SPAN}-01`,
  ]) {
    assert.is(parseTraceparent(bad), undefined, bad);
  }
});

test('uber-trace-id parsing', () => {
  assert.equal(parseUberTraceId(`${TRACE}:${SPAN}:0:1`), { traceId: TRACE, spanId: SPAN, sampled: true });
  assert.equal(parseUberTraceId('abc:def:0:0'), { traceId: '0'.repeat(29) + 'abc', spanId: '0'.repeat(13) + 'def', sampled: false });
  assert.is(parseUberTraceId(`${TRACE}%3A${SPAN}%3A0%3A3`).sampled, true);
  assert.is(parseUberTraceId(`${TRACE.toUpperCase()}:${SPAN}:0:1`).traceId, TRACE);
  for (const bad of ['', ':::', `${TRACE}:${SPAN}:0`, `0:${SPAN}:0:1`, `${TRACE}:0:0:1`, `${TRACE}:${SPAN}:0:zz`, `%E0%A4%A:${SPAN}:0:1`, `x${TRACE}:${SPAN}:0:1`]) {
    assert.is(parseUberTraceId(bad), undefined, bad);
  }
});

test('Jaeger baggage (uberctx-*) and W3C baggage are both read', () => {
  const ctx = all.extract(ROOT_CONTEXT, { 'uberctx-user': 'alice%20b', baggage: 'tenant=t1' }, anyCaseHeaderGetter);
  const baggage = propagation.getBaggage(ctx);
  assert.is(baggage.getEntry('user').value, 'alice b');
  assert.is(baggage.getEntry('tenant').value, 't1');
});

test('inject writes the configured formats into a fresh object', () => {
  const spanContext = { traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED };
  const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
  const out = {};
  all.inject(ctx, out, recordSetter);
  assert.equal(out, { traceparent: `00-${TRACE}-${SPAN}-01`, 'uber-trace-id': `${TRACE}:${SPAN}:0:01` });
  const b3 = {};
  new HoptracePropagator(['b3', 'b3multi']).inject(ctx, b3, recordSetter);
  assert.is(b3.b3, `${TRACE}-${SPAN}-1`);
  assert.is(b3['x-b3-traceid'], TRACE);
});

// The newest-hop rule (README, Context propagation): hoptrace writes span P0 in both formats; a hop
// that speaks one format updates that one only.
const P0 = '1111111111111111';
const C1 = '2222222222222222';
const P2 = '3333333333333333';
const P3 = '4444444444444444';
const tp = (span, trace = TRACE) => `00-${trace}-${span}-01`;
const uber = (span, trace = TRACE) => `${trace}:${span}:0:1`;

test('newest hop: a Jaeger-only relay after hoptrace (stale traceparent, appended uber-trace-id values) → its producer span', () => {
  assert.is(extract({ traceparent: tp(P0), 'uber-trace-id': [uber(P0), uber(C1), uber(P2)] }).spanId, P2);
  // Buffers, as kafkajs hands them over, and the relay's consumer value alone
  assert.is(extract({ traceparent: Buffer.from(tp(P0)), 'uber-trace-id': [Buffer.from(uber(P0)), Buffer.from(uber(C1))] }).spanId, C1);
  // HTTP: Node joins the repeated header
  assert.is(extract({ traceparent: tp(P0), 'uber-trace-id': `${uber(P0)}, ${uber(C1)}, ${uber(P2)}` }, incomingHttpHeaderGetter).spanId, P2);
  // jaeger-client's own shapes: ids without leading zeros, a 64-bit trace id, URL-encoded colons
  const shortTrace = '0000000000000000a3ce929d0e0e4736';
  assert.is(extract({ traceparent: tp(P0, shortTrace), 'uber-trace-id': [uber(P0, shortTrace), 'a3ce929d0e0e4736%3A3333333333333333%3A1111111111111111%3A1'] }).spanId, P2);
});

test('newest hop: a W3C-only relay after hoptrace (rewritten traceparent, stale uber-trace-id) → the relay', () => {
  assert.is(extract({ traceparent: tp(P2), 'uber-trace-id': uber(P0) }).spanId, P2);
  // and a W3C-only relay after a Jaeger-only one: the newest is W3C's, which no Jaeger value names
  assert.is(extract({ traceparent: tp(P3), 'uber-trace-id': [uber(P0), uber(C1)] }).spanId, P3);
});

test('newest hop: formats that agree, or disagree with no history, keep the precedence (W3C, then Jaeger, then B3)', () => {
  assert.is(extract({ traceparent: tp(P0), 'uber-trace-id': uber(P0) }).spanId, P0);
  assert.is(extract({ traceparent: tp(P0), 'uber-trace-id': uber(P2) }).spanId, P0);
  assert.is(extract({ 'uber-trace-id': [uber(P0), uber(P2)], b3: `${TRACE}-${P3}-1` }).spanId, P2);
  assert.is(extract({ traceparent: 'garbage', 'uber-trace-id': [uber(P0), 'garbage'] }).spanId, P0);
  assert.is(extract({ b3: `${TRACE}-${P3}-1` }).spanId, P3);
});

test('newest hop: the W3C context keeps its tracestate; a Jaeger one has none', () => {
  const w3c = extract({ traceparent: tp(P0), tracestate: 'vendor=x' });
  assert.is(w3c.traceState.get('vendor'), 'x');
  const jaeger = extract({ traceparent: tp(P0), tracestate: 'vendor=x', 'uber-trace-id': [uber(P0), uber(P2)] });
  assert.is(jaeger.spanId, P2);
  assert.is(jaeger.traceState, undefined);
});

test('newest hop: huge or hostile mixes cost bounded work and never throw', () => {
  const many = Array.from({ length: 100000 }, (_, i) => uber(String(i + 1).padStart(16, '0')));
  // Only the newest 32 values of a header are read: history older than that is not consulted.
  assert.is(extract({ traceparent: tp(P0), 'uber-trace-id': [...many, uber(P0), uber(P2)] }).spanId, P2);
  assert.is(extract({ traceparent: tp(P0), 'uber-trace-id': [uber(P0), ...many] }).spanId, P0);
  assert.is(extract({ traceparent: Array.from({ length: 100000 }, () => tp(P0)), 'uber-trace-id': many }).spanId, P0);
  const joined = Array.from({ length: 5000 }, () => uber(P2)).join(', ');
  assert.is(extract({ traceparent: tp(P0), 'uber-trace-id': joined }, incomingHttpHeaderGetter).spanId, P0, 'over 8 KiB: ignored');
  for (const junk of [[null, {}, []], [Symbol('x')], ['x'.repeat(9000)], [uber(P0), 42, uber(P2)]]) extract({ traceparent: tp(P0), 'uber-trace-id': junk });
});

test('garbage carriers never throw', () => {
  for (const carrier of [null, undefined, 42, 'str', { traceparent: {} }, { 'uber-trace-id': Symbol.iterator.description }, { b3: [[[]]] }]) {
    assert.is(extract(carrier), undefined);
  }
});

// README: a b3 value longer than any valid one (68 characters) is no B3 context, and is not parsed.
test('b3: 68 characters read, 69 and an 8 KiB value with a valid start ignored; a joined header takes its last value', () => {
  const spanOf = (headers) => trace.getSpanContext(all.extract(ROOT_CONTEXT, headers, anyCaseHeaderGetter))?.spanId;
  const longest = `${TRACE}-${SPAN}-1-${P0}`;
  assert.is(longest.length, 68);
  assert.is(spanOf({ b3: longest }), SPAN);
  assert.is(spanOf({ b3: `${longest}0` }), undefined);
  assert.is(spanOf({ b3: `${longest}-${'0'.repeat(8192)}` }), undefined);
  assert.is(spanOf({ b3: `${'f'.repeat(60)}, ${TRACE}-${C1}-1` }), C1);
  assert.is(spanOf({ 'x-b3-traceid': `${TRACE}0`, 'x-b3-spanid': SPAN }), undefined);
  assert.is(spanOf({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN }), SPAN);
});

test.run();

'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, trace, propagation, TraceFlags } = require('@opentelemetry/api');
const { anyCaseHeaderGetter, incomingHttpHeaderGetter, recordSetter, headerValueToString } = require('../../dist/agent/propagation/carriers');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { parseUberTraceId } = require('../../dist/agent/propagation/jaeger');

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

test('garbage carriers never throw', () => {
  for (const carrier of [null, undefined, 42, 'str', { traceparent: {} }, { 'uber-trace-id': Symbol.iterator.description }, { b3: [[[]]] }]) {
    assert.is(extract(carrier), undefined);
  }
});

test.run();

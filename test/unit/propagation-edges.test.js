'use strict';
// The propagator's edges: exactly the formats OTEL_PROPAGATORS lists are written (the shortcut for
// hoptrace's own hops included), any getter is honoured, and uberctx-* baggage is read within
// W3C's limits and by its exact prefix.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, propagation, trace } = require('@opentelemetry/api');
const { W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
const { B3InjectEncoding, B3Propagator } = require('@opentelemetry/propagator-b3');
const { recordSetter, anyCaseHeaderGetter } = require('../../dist/agent/propagation/carriers');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { JaegerPropagator } = require('../../dist/agent/propagation/jaeger');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { AlwaysOnSampler } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const FORMATS = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  jaeger: () => new JaegerPropagator(),
  b3: () => new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
};
const processor = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
const tracer = new HoptraceTracer({ resource: resourceFromAttributes({}), sampler: new AlwaysOnSampler(), processor }, 't', '1');

/** Every non-empty subset of the format names, in their order. */
function subsets(names) {
  const all = [];
  for (let mask = 1; mask < 1 << names.length; mask++) all.push(names.filter((_, i) => mask & (1 << i)));
  return all;
}

test("every set of formats, for a span of hoptrace's own and with baggage: exactly what the formats' own writers write", () => {
  const span = tracer.startSpan('op', {}, ROOT_CONTEXT);
  const withBaggage = propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, span), propagation.createBaggage({ tenant: { value: 'a b' } }));
  for (const ctx of [trace.setSpan(ROOT_CONTEXT, span), withBaggage]) {
    for (const names of subsets(Object.keys(FORMATS))) {
      const ours = {};
      new HoptracePropagator(names).inject(ctx, ours, recordSetter);
      const theirs = {};
      for (const name of names) FORMATS[name]().inject(ctx, theirs, recordSetter);
      assert.equal(Object.keys(ours).sort(), Object.keys(theirs).sort(), names.join(','));
      for (const key of Object.keys(theirs)) assert.is(ours[key], theirs[key], `${names.join(',')}: ${key}`);
    }
  }
  span.end();
});

test('a getter of its own (a Map carrier) is honoured, not bypassed by the shortcut for header objects', () => {
  const carrier = new Map([['traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']]);
  const getter = { keys: (c) => [...c.keys()], get: (c, k) => c.get(k) };
  const ctx = new HoptracePropagator(['tracecontext']).extract(ROOT_CONTEXT, carrier, getter);
  assert.is(trace.getSpanContext(ctx)?.spanId, '00f067aa0ba902b7');
});

test('uberctx-* baggage: the prefix in any case and nothing shorter; at most 180 entries and 8 KiB read; W3C baggage wins a shared key', () => {
  const read = (headers) => propagation.getBaggage(new HoptracePropagator(['tracecontext']).extract(ROOT_CONTEXT, headers, anyCaseHeaderGetter));
  const entries = (headers) => Object.fromEntries((read(headers)?.getAllEntries() ?? []).map(([k, v]) => [k, v.value]));
  assert.equal(entries({ 'UBERCTX-User': 'alice', 'uberctx-': 'empty name', 'ubercty-x': 'no', 'uberctx': 'no', 'x-uberctx-y': 'no' }), { user: 'alice' });
  assert.equal(entries({ 'uberctx-team': 'j', baggage: 'team=w3c,only=w' }), { team: 'w3c', only: 'w' });
  assert.equal(entries({ 'uberctx-bad': '%zz', 'uberctx-ok': '%20x' }), { ok: ' x' });
  const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`uberctx-k${i}`, 'v']));
  assert.is(Object.keys(entries(many)).length, 180);
  const big = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`uberctx-b${i}`, 'x'.repeat(1000)]));
  const kept = Object.keys(entries(big));
  assert.is(kept.length, 8, `${kept.length} entries of ~1 KB within 8 KiB`);
  assert.equal(entries({}), {});
});

test.run();

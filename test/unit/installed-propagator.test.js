'use strict';
// agent/propagation/installed.ts: the hot paths call hoptrace's propagator directly only while it
// is the one the OpenTelemetry API hands out; a propagator the app registers in its place, or
// none, is what they get, as through the API.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { propagation, trace } = require('@opentelemetry/api');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { extractFromCarrier, injectIntoCarrier, installPropagator } = require('../../dist/agent/propagation/installed');
const { recordSetter, anyCaseHeaderGetter } = require('../../dist/agent/propagation/carriers');
const { UnsampledSpan } = require('../../dist/agent/tracing/unsampled-span');
const { API_GLOBALS_KEY } = require('../../dist/agent/tracing/api-globals');
const { ROOT } = require('../../dist/agent/tracing/context');

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
// Other test files in this process register their own propagator when they load: put it back after each test.
const registeredBefore = globalThis[API_GLOBALS_KEY]?.propagation;
test.after.each(() => {
  propagation.disable();
  if (registeredBefore) propagation.setGlobalPropagator(registeredBefore);
});

const hop = () => trace.setSpan(ROOT, new UnsampledSpan(TRACE, SPAN, 1, undefined, {}));

/** A propagator of the app's own: writes one header of its own, reads it back, counts its calls. */
function appPropagator() {
  const calls = { inject: 0, extract: 0 };
  return {
    calls,
    inject(ctx, carrier, setter) {
      calls.inject++;
      setter.set(carrier, 'x-app-trace', trace.getSpanContext(ctx).traceId);
    },
    extract(ctx, carrier, getter) {
      calls.extract++;
      const traceId = getter.get(carrier, 'x-app-trace');
      return traceId ? trace.setSpanContext(ctx, { traceId, spanId: SPAN, traceFlags: 1, isRemote: true }) : ctx;
    },
    fields: () => ['x-app-trace'],
  };
}

test("hoptrace's propagator, installed and registered: its headers written and read back", () => {
  const own = new HoptracePropagator(['tracecontext']);
  propagation.disable();
  propagation.setGlobalPropagator(own);
  installPropagator(own);
  const headers = {};
  injectIntoCarrier(hop(), headers, recordSetter);
  assert.equal(Object.keys(headers), ['traceparent']);
  assert.is(trace.getSpanContext(extractFromCarrier(ROOT, headers, anyCaseHeaderGetter)).traceId, TRACE);
});

test('a propagator the app registers in its place is the one used, both ways', () => {
  const own = new HoptracePropagator(['tracecontext']);
  installPropagator(own);
  const app = appPropagator();
  propagation.disable();
  propagation.setGlobalPropagator(app);
  const headers = {};
  injectIntoCarrier(hop(), headers, recordSetter);
  assert.equal(headers, { 'x-app-trace': TRACE }, "the app's header, not traceparent");
  const read = extractFromCarrier(ROOT, { traceparent: `00-${TRACE}-${SPAN}-01`, 'x-app-trace': 'a'.repeat(32) }, anyCaseHeaderGetter);
  assert.is(trace.getSpanContext(read).traceId, 'a'.repeat(32), "read by the app's propagator");
  assert.equal(app.calls, { inject: 1, extract: 1 });
});

test('no propagator registered: nothing written, nothing read, as through the API', () => {
  installPropagator(new HoptracePropagator(['tracecontext']));
  propagation.disable();
  const headers = {};
  injectIntoCarrier(hop(), headers, recordSetter);
  assert.equal(headers, {});
  assert.is(extractFromCarrier(ROOT, { traceparent: `00-${TRACE}-${SPAN}-01` }, anyCaseHeaderGetter), ROOT);
});

test("the API's globals registered again in a new object (a newer copy of the API): hoptrace's still used", () => {
  const own = new HoptracePropagator(['tracecontext']);
  propagation.disable();
  propagation.setGlobalPropagator(own);
  installPropagator(own);
  const globals = globalThis[API_GLOBALS_KEY];
  globalThis[API_GLOBALS_KEY] = { ...globals, version: '1.99.0' };
  try {
    const headers = {};
    injectIntoCarrier(hop(), headers, recordSetter);
    assert.is(headers.traceparent, `00-${TRACE}-${SPAN}-01`);
    // And a copy that registered nothing of hoptrace's leaves hoptrace's out.
    globalThis[API_GLOBALS_KEY] = { version: globals.version };
    const none = {};
    injectIntoCarrier(hop(), none, recordSetter);
    assert.equal(none, {});
  } finally {
    globalThis[API_GLOBALS_KEY] = globals;
  }
});

test.run();

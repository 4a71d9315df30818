'use strict';
// The one-pass reader of the common hop (agent/propagation/own-hop.ts) answers itself only for the
// carriers it is meant for, and hands every other one to the full reader (undefined): which is
// which is its contract, checked here shape by shape at every boundary.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, createContextKey, trace } = require('@opentelemetry/api');
const { extractOwnHop } = require('../../dist/agent/propagation/own-hop');

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const TP = `00-${TRACE}-${SPAN}-01`;
const KEY = createContextKey('own-hop test');
const BASE = ROOT_CONTEXT.setValue(KEY, 'base');

/** 'same': the context passed in (no trace header); 'full': left to the full reader; else the span read. */
function decision(carrier, keysAreLowercase) {
  const result = extractOwnHop(BASE, carrier, keysAreLowercase);
  if (result === undefined) return 'full';
  if (result === BASE) return 'same';
  assert.is(result.getValue(KEY), 'base', 'derived from the context passed in');
  const sc = trace.getSpanContext(result);
  return `${sc.traceId}/${sc.spanId}/${sc.traceFlags}/${sc.isRemote}`;
}

const READ = `${TRACE}/${SPAN}/1/true`;

test('no carrier, or no trace header at all: the context passed in, as it is', () => {
  for (const lower of [true, false]) {
    for (const carrier of [null, undefined, 'traceparent', 42, {}, { 'user-agent': 'x', 'content-type': 'y', accept: '*/*' }]) assert.is(decision(carrier, lower), 'same', JSON.stringify(carrier));
    // Near names, same first letter and length as a trace header: still none.
    assert.is(decision({ tracestatx: '1', 'uber-trace-ix': '1', 'uberctx-': '1', 'x-b3-': '1', b4: '1', baggagE1: '1', 'second_span_uber-trace-ix': '1', traceparenx: TP }, lower), 'same');
    assert.is(decision(Object.create({ traceparent: TP }), lower), 'same', 'inherited headers are not the carrier’s');
  }
});

test('one traceparent, with or without one uber-trace-id: read here, as a remote span, sampled flag kept', () => {
  for (const lower of [true, false]) {
    assert.is(decision({ traceparent: TP }, lower), READ);
    assert.is(decision({ traceparent: `00-${TRACE}-${SPAN}-00` }, lower), `${TRACE}/${SPAN}/0/true`);
    assert.is(decision({ 'user-agent': 'x', traceparent: TP, 'uber-trace-id': `${TRACE}:${SPAN}:0:1` }, lower), READ);
    assert.is(decision({ traceparent: Buffer.from(TP) }, lower), READ);
    assert.is(decision({ traceparent: TP, 'uber-trace-id': [`${TRACE}:${SPAN}:0:1`] }, lower), READ);
  }
  assert.is(decision({ TraceParent: TP }, false), READ, 'any case where keys may be in any case');
  assert.is(decision({ TraceParent: TP }, true), 'same', "where keys are lower case, another spelling is no trace header");
});

test('everything else trace-related goes to the full reader', () => {
  for (const lower of [true, false]) {
    for (const extra of [{ tracestate: 'a=1' }, { baggage: 'a=1' }, { b3: '1' }, { 'x-b3-traceid': TRACE }, { 'uberctx-user': 'x' }, { 'second_span_uber-trace-id': 'x' }]) {
      assert.is(decision({ traceparent: TP, ...extra }, lower), 'full', JSON.stringify(extra));
    }
    assert.is(decision({ 'uber-trace-id': `${TRACE}:${SPAN}:0:1` }, lower), 'full', 'Jaeger alone');
    assert.is(decision({ traceparent: TP, 'uber-trace-id': ['a', 'b'] }, lower), 'full', 'Jaeger history');
    assert.is(decision({ traceparent: 'not a traceparent' }, lower), 'full', 'malformed');
    assert.is(decision({ traceparent: 5 }, lower), 'full', 'neither text nor bytes');
    assert.is(decision({ traceparent: [TP, TP] }, lower), 'full', 'repeated');
  }
  assert.is(decision({ traceparent: TP, 'uber-trace-id': 'a,b' }, true), 'full', 'joined Jaeger values (Node joins repeats)');
  assert.is(decision({ traceparent: TP, 'uber-trace-id': 'a,b' }, false), READ, 'a comma is no join where keys come as written');
  assert.is(decision({ traceparent: `${TP},${TP}` }, true), 'full', 'a joined traceparent');
  assert.is(decision({ traceparent: TP, Traceparent: TP }, false), 'full', 'the same header in two spellings');
});

test('values up to 256 characters are read here, longer ones by the full reader', () => {
  const padded = (length) => `cc-${TRACE}-${SPAN}-01-${'a'.repeat(length - 56)}`;
  assert.is(padded(256).length, 256);
  for (const lower of [true, false]) {
    assert.is(decision({ traceparent: padded(256) }, lower), READ);
    assert.is(decision({ traceparent: padded(257) }, lower), 'full');
    assert.is(decision({ traceparent: Buffer.from(padded(256)) }, lower), READ);
    assert.is(decision({ traceparent: Buffer.from(padded(257)) }, lower), 'full');
  }
});

test.run();

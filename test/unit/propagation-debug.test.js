'use strict';
// HOPTRACE_DEBUG_PROPAGATION's lines (agent/propagation/debug.ts): which hops get one, what it
// says, and that each is said at most once a minute per hop and place.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, trace } = require('@opentelemetry/api');
const { enablePropagationDebug, formatsIn, noteReceived, noteSent, propagationDebug } = require('../../dist/agent/propagation/debug');
const { setLogLevel } = require('../../dist/agent/log');
const { stderrOf } = require('../support/stderr');

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const withSpan = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: '00f067aa0ba902b7', traceFlags: 1 });
let place = 0;
const where = () => `GET /x${++place}`; // a new place per call: the rate limit is per place

test('off until enabled', () => {
  assert.is(propagationDebug.on, false);
  enablePropagationDebug(['tracecontext', 'baggage', 'jaeger'], false);
  assert.is(propagationDebug.on, true);
});

test('formats found by header name, in any case; others ignored', () => {
  assert.equal(formatsIn({ TraceParent: 'x', 'UBER-TRACE-ID': 'y', baggage: 'z', 'x-b3-traceid': 'a', b3: 'b', host: 'h' }).sort(), ['b3', 'b3multi', 'baggage', 'jaeger', 'tracecontext']);
  assert.equal(formatsIn({ 'uberctx-user': 'x', 'x-b3-spanid': 'y' }), []);
  assert.equal(formatsIn(undefined), []);
});

test('received without context (baggage alone is none): a new trace starts here', () => {
  const at = where();
  assert.equal(stderrOf(() => noteReceived('HTTP request', at, { host: 'h', baggage: 'k=v' }, ROOT_CONTEXT)), [
    `hoptrace: propagation: received HTTP request ${at} with no trace context: a new trace starts here`,
  ]);
});

test('received with headers that could not be read', () => {
  const at = where();
  assert.equal(stderrOf(() => noteReceived('Kafka message', at, { traceparent: 'garbage' }, undefined)), [
    `hoptrace: propagation: received Kafka message ${at} with traceparent that could not be read: a new trace starts here`,
  ]);
});

test('received in a format this service does not write onward: said; in one it writes: silent', () => {
  const at = where();
  assert.equal(stderrOf(() => noteReceived('HTTP request', at, { b3: `${TRACE}-00f067aa0ba902b7-1` }, withSpan)), [
    `hoptrace: propagation: received HTTP request ${at} in trace ${TRACE} by b3; this service writes tracecontext, baggage, jaeger onward (OTEL_PROPAGATORS), not b3: a next service that reads only b3 starts a new trace`,
  ]);
  assert.equal(stderrOf(() => noteReceived('HTTP request', where(), { traceparent: 'x', 'uber-trace-id': 'y' }, withSpan)), []);
});

test('sent: the headers written, the trace; none, with why when known', () => {
  const at = where();
  assert.equal(stderrOf(() => noteSent('Kafka message', at, { traceparent: 'x', 'uber-trace-id': 'y', other: 'z' }, withSpan)), [
    `hoptrace: propagation: sent Kafka message ${at} in trace ${TRACE} with traceparent, uber-trace-id`,
  ]);
  const late = where();
  assert.equal(stderrOf(() => noteSent('HTTP request', late, {}, withSpan, 'its headers were sent before hoptrace could add any')), [
    `hoptrace: propagation: sent HTTP request ${late} in trace ${TRACE} with no trace context (its headers were sent before hoptrace could add any)`,
  ]);
});

test('once a minute per hop and place; other places still said; nothing at log level none', () => {
  const at = where();
  const lines = stderrOf(() => {
    for (let i = 0; i < 5; i++) noteReceived('HTTP request', at, {}, ROOT_CONTEXT);
    noteReceived('HTTP request', `${at}-other`, {}, ROOT_CONTEXT);
  });
  assert.is(lines.length, 2, lines.join('\n'));
  setLogLevel('none');
  try {
    assert.equal(stderrOf(() => noteReceived('HTTP request', where(), {}, ROOT_CONTEXT)), []);
  } finally {
    setLogLevel('warn');
  }
});

test('with propagation off (OTEL_PROPAGATORS=none), a hop sent says so', () => {
  enablePropagationDebug([], true);
  const at = where();
  assert.equal(stderrOf(() => noteSent('HTTP request', at, {}, withSpan)), [
    `hoptrace: propagation: sent HTTP request ${at} in trace ${TRACE} with no trace context (OTEL_PROPAGATORS=none)`,
  ]);
});

test.run();

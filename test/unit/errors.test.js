'use strict';
// The one error recorder every instrumentation uses (agent/tracing/errors.ts).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanStatusCode } = require('@opentelemetry/api');
const { AlwaysOnSampler } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { errorType, recordFailure, recordRaisedError } = require('../../dist/agent/tracing/errors');

const processor = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
const tracer = new HoptraceTracer({ resource: resourceFromAttributes({}), sampler: new AlwaysOnSampler(), processor }, '@hoptrace/test', '1');
const span = () => tracer.startSpan('op', {}, ROOT_CONTEXT);

class KafkaJSProtocolError extends Error {}

test('error.type: a string code, else the class, else _OTHER', () => {
  assert.is(errorType(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED');
  assert.is(errorType(Object.assign(new KafkaJSProtocolError('x'), { code: 3, type: 'UNKNOWN_TOPIC_OR_PARTITION' })), 'KafkaJSProtocolError', 'a numeric code is no well-known name');
  assert.is(errorType(Object.assign(new TypeError('x'), { code: '' })), 'TypeError');
  assert.is(errorType(new RangeError('x')), 'RangeError');
  assert.is(errorType('a thrown string'), '_OTHER');
  assert.is(errorType({ code: 'ELSE', message: 'a plain object' }), '_OTHER');
  assert.is(errorType(undefined), '_OTHER');
  const anonymous = new (class extends Error {})('x');
  assert.ok(errorType(anonymous).length > 0);
});

test('a failure: exception event, error.type, status ERROR with the message', () => {
  const s = span();
  recordFailure(s, new TypeError('bad input'));
  assert.equal(s.status, { code: SpanStatusCode.ERROR, message: 'bad input' });
  assert.is(s.attributes['error.type'], 'TypeError');
  assert.is(s.events.length, 1);
  assert.is(s.events[0].name, 'exception');
  assert.is(s.events[0].attributes['exception.type'], 'TypeError');
  assert.is(s.events[0].attributes['exception.message'], 'bad input');
  assert.ok(s.events[0].attributes['exception.stacktrace'].includes('TypeError: bad input'));

  const thrown = span();
  recordFailure(thrown, 'just a string');
  assert.is(thrown.status.code, SpanStatusCode.ERROR);
  assert.is(thrown.status.message, undefined);
  assert.is(thrown.attributes['error.type'], '_OTHER');
  assert.is(thrown.events[0].attributes['exception.message'], 'just a string');
});

test('an error the app raised and answered: the event only, status and error.type left to the outcome', () => {
  const s = span();
  recordRaisedError(s, new RangeError('passed to next'));
  assert.equal(s.status, { code: SpanStatusCode.UNSET });
  assert.is(s.attributes['error.type'], undefined);
  assert.is(s.events[0].attributes['exception.type'], 'RangeError');
});

test.run();

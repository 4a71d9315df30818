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
  // A class with no name of its own: the nearest named class in its chain is not looked for; 'Error' it is.
  const anonymous = new (class extends Error {})('x');
  assert.is(errorType(anonymous), 'Error');
});

test('exception.type and error.type follow one rule: for every Error they are the same', () => {
  const cases = [
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
    [Object.assign(new KafkaJSProtocolError('unknown topic'), { code: 3, type: 'UNKNOWN_TOPIC_OR_PARTITION' }), 'KafkaJSProtocolError'],
    [Object.assign(new TypeError('empty code'), { code: '' }), 'TypeError'],
    [new RangeError('plain'), 'RangeError'],
    [new (class extends Error {})('anonymous'), 'Error'],
  ];
  for (const [error, expected] of cases) {
    const failed = span();
    recordFailure(failed, error);
    assert.is(failed.attributes['error.type'], expected, error.message);
    assert.is(failed.events[0].attributes['exception.type'], expected, error.message);
    // The API's own entry point, as an app calls it, by the same rule.
    const viaApi = span();
    viaApi.recordException(error);
    assert.is(viaApi.events[0].attributes['exception.type'], expected, `recordException: ${error.message}`);
  }
});

test('a thrown value that is no Error: no exception.type, its text as the message; error.type _OTHER', () => {
  for (const [value, message] of [['just a string', 'just a string'], [42, '42'], [{ reason: 'plain' }, '[object Object]']]) {
    const failed = span();
    recordFailure(failed, value);
    assert.is(failed.attributes['error.type'], '_OTHER');
    assert.is(failed.events[0].attributes['exception.type'], undefined);
    assert.is(failed.events[0].attributes['exception.message'], message);
  }
  // An object of the API's Exception shape speaks for itself.
  const shaped = span();
  recordFailure(shaped, { name: 'TimeoutLike', message: 'took too long' });
  assert.is(shaped.events[0].attributes['exception.type'], 'TimeoutLike');
  assert.is(shaped.events[0].attributes['exception.message'], 'took too long');
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

// A message can carry a whole payload; every recorded error is exported. The README's limits.
test('exception text is capped: message 2,048 characters, stack 8,192, saying how much was cut', () => {
  const payload = 'x'.repeat(100_000);
  const error = new Error(`bad request body: ${payload}`);
  const s = span();
  recordFailure(s, error);
  const { 'exception.message': message, 'exception.stacktrace': stack } = s.events[0].attributes;
  const cut = error.message.length - 2048;
  assert.is(message, `${error.message.slice(0, 2048)}… (${cut} more characters)`);
  assert.is(s.status.message, message);
  assert.is(stack, `${error.stack.slice(0, 8192)}… (${error.stack.length - 8192} more characters)`);
  const text = span();
  recordFailure(text, payload);
  assert.is(text.events[0].attributes['exception.message'].length, 2048 + `… (${100_000 - 2048} more characters)`.length);
  const shaped = span();
  recordRaisedError(shaped, { name: 'Exception', message: payload, stack: payload });
  assert.ok(shaped.events[0].attributes['exception.message'].startsWith('x'.repeat(2048) + '…'));
  assert.ok(shaped.events[0].attributes['exception.stacktrace'].startsWith('x'.repeat(8192) + '…'));
  const short = span();
  recordFailure(short, new Error('x'.repeat(2048)));
  assert.is(short.events[0].attributes['exception.message'], 'x'.repeat(2048), 'at the limit: kept whole');
});

test.run();

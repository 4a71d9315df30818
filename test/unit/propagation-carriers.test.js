'use strict';
// The header getters' contract, case by case (agent/propagation/carriers.ts): what `get`, `getAll`
// and `presence` answer for Node's incoming HTTP headers (keys lower-cased, repeated headers
// joined with ", ") and for Kafka message headers (keys in any case, a value is one value).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { anyCaseHeaderGetter: kafka, incomingHttpHeaderGetter: http, MAX_VALUES_PER_HEADER } = require('../../dist/agent/propagation/carriers');

test('presence: none, one or several, as each kind of carrier carries repeats', () => {
  const cases = [
    [http, {}, 'uber-trace-id', 'none'],
    [http, { 'uber-trace-id': null }, 'uber-trace-id', 'none'],
    [http, { 'uber-trace-id': [] }, 'uber-trace-id', 'none'],
    [http, { 'uber-trace-id': ['a'] }, 'uber-trace-id', 'one'],
    [http, { 'uber-trace-id': ['a', 'b'] }, 'uber-trace-id', 'several'],
    [http, { 'uber-trace-id': 'a' }, 'uber-trace-id', 'one'],
    [http, { 'uber-trace-id': 'a, b' }, 'uber-trace-id', 'several'],
    [http, { 'uber-trace-id': 'a, b' }, 'Uber-Trace-Id', 'several'],
    [http, { baggage: 'a=1,b=2' }, 'baggage', 'one'],
    [http, { tracestate: 'a=1,b=2' }, 'tracestate', 'one'],
    [http, { tracestate: 'a=1,b=2' }, 'TraceState', 'one'],
    [http, { b3: 7 }, 'b3', 'one'],
    [kafka, { 'Uber-Trace-Id': 'a,b' }, 'uber-trace-id', 'one'],
    [kafka, { 'UBER-TRACE-ID': ['a', 'b'] }, 'uber-trace-id', 'several'],
    [kafka, { 'second_span_uber-trace-id': 'a' }, 'uber-trace-id', 'one'],
    [kafka, { 'uber-trace-id': undefined, 'second_span_uber-trace-id': ['a', 'b'] }, 'uber-trace-id', 'several'],
    [kafka, { traceparent: Buffer.from('x') }, 'traceparent', 'one'],
  ];
  for (const [getter, carrier, key, expected] of cases) {
    assert.is(getter.presence(carrier, key), expected, `${getter === http ? 'http' : 'kafka'} ${JSON.stringify(carrier)} ${key}`);
  }
});

test('getAll: every value in wire order, joined HTTP values split (not list headers), the newest 32', () => {
  const many = Array.from({ length: 40 }, (_, i) => `v${i}`);
  const newest = many.slice(-MAX_VALUES_PER_HEADER);
  const cases = [
    [http, { 'uber-trace-id': 'a, b ,c' }, 'uber-trace-id', ['a', 'b', 'c']],
    [http, { baggage: 'a=1, b=2' }, 'baggage', ['a=1, b=2']],
    [http, { tracestate: 'a=1,b=2' }, 'tracestate', ['a=1,b=2']],
    [http, { 'uber-trace-id': many }, 'uber-trace-id', newest],
    [http, { 'uber-trace-id': many.join(', ') }, 'uber-trace-id', newest],
    [http, { 'uber-trace-id': many.map((v) => `${v}a,${v}b`) }, 'uber-trace-id', many.flatMap((v) => [`${v}a`, `${v}b`]).slice(-MAX_VALUES_PER_HEADER)],
    [http, { 'uber-trace-id': ['a', null, 7, {}, Buffer.from('b')] }, 'uber-trace-id', ['a', '7', 'b']],
    [http, {}, 'uber-trace-id', []],
    [kafka, { 'Uber-Trace-Id': 'a,b' }, 'uber-trace-id', ['a,b']],
    [kafka, { 'uber-trace-id': many }, 'UBER-TRACE-ID', newest],
    [kafka, { traceparent: [Buffer.from('x'), 'y'] }, 'traceparent', ['x', 'y']],
  ];
  for (const [getter, carrier, key, expected] of cases) {
    assert.equal(getter.getAll(carrier, key), expected, `${getter === http ? 'http' : 'kafka'} ${JSON.stringify(carrier).slice(0, 80)} ${key}`);
  }
});

test('get: the newest of joined HTTP values (a list header whole), the last of repeated ones, text of bytes and numbers', () => {
  const cases = [
    [http, { 'uber-trace-id': 'a, b' }, 'uber-trace-id', 'b'],
    [http, { 'uber-trace-id': ',b' }, 'uber-trace-id', 'b'],
    [http, { 'uber-trace-id': 'a,' }, 'uber-trace-id', ''],
    [http, { 'uber-trace-id': 'lone' }, 'uber-trace-id', 'lone'],
    [http, { baggage: 'a=1, b=2' }, 'baggage', 'a=1, b=2'],
    [http, { tracestate: 'a=1, b=2' }, 'tracestate', 'a=1, b=2'],
    [http, { 'uber-trace-id': ['a', 'b'] }, 'uber-trace-id', 'b'],
    [http, { 'uber-trace-id': [] }, 'uber-trace-id', undefined],
    [kafka, { 'Uber-Trace-Id': 'a, b' }, 'uber-trace-id', 'a, b'],
    [kafka, { 'uber-trace-id': 12 }, 'uber-trace-id', '12'],
    [kafka, { 'uber-trace-id': new Uint8Array(Buffer.from('bytes')) }, 'uber-trace-id', 'bytes'],
    [kafka, { 'uber-trace-id': 'x'.repeat(8193) }, 'uber-trace-id', undefined],
    [kafka, { 'uber-trace-id': Buffer.alloc(8193, 0x61) }, 'uber-trace-id', undefined],
  ];
  for (const [getter, carrier, key, expected] of cases) {
    assert.is(getter.get(carrier, key), expected, `${getter === http ? 'http' : 'kafka'} ${JSON.stringify(carrier).slice(0, 80)} ${key}`);
  }
});

test('Kafka headers in any case: the name as asked first, then lower case, then any spelling; the legacy Jaeger name last', () => {
  assert.is(kafka.get({ 'Uber-Trace-Id': 'exact', 'uber-trace-id': 'lower' }, 'Uber-Trace-Id'), 'exact');
  assert.is(kafka.get({ 'uber-trace-id': 'lower', 'UBER-TRACE-ID': 'upper' }, 'Uber-Trace-Id'), 'lower');
  assert.is(kafka.get({ 'UBER-TRACE-ID': 'upper' }, 'Uber-Trace-Id'), 'upper');
  assert.is(kafka.get({ 'Second_Span_Uber-Trace-Id': 'legacy' }, 'uber-trace-id'), 'legacy');
  assert.is(kafka.get({ 'Second_Span_Uber-Trace-Id': 'legacy', 'uber-trace-idx': 'no' }, 'uber-trace-id'), 'legacy');
  assert.is(kafka.get({ 'uber-trace-id': 'current', 'second_span_uber-trace-id': 'legacy' }, 'uber-trace-id'), 'current');
  assert.is(kafka.get({ 'second_span_uber-trace-id': 'legacy' }, 'traceparent'), undefined, 'the legacy name stands in for uber-trace-id only');
  // A key named "undefined", or one only on the prototype, is never a header.
  assert.is(kafka.get({ undefined: 'x' }, 'traceparent'), undefined);
  assert.is(http.get({ undefined: 'x' }, 'traceparent'), undefined);
  assert.is(kafka.get(Object.create({ traceparent: 'inherited' }), 'traceparent'), undefined);
  // HTTP keys are lower case already: another spelling in the carrier is not looked for.
  assert.is(http.get({ Traceparent: 'x' }, 'traceparent'), undefined);
});

test('carriers that are not header maps: nothing found, nothing thrown', () => {
  for (const getter of [http, kafka]) {
    for (const carrier of [null, undefined, 'a string', 42, true]) {
      assert.is(getter.get(carrier, 'length'), undefined);
      assert.is(getter.presence(carrier, 'length'), 'none');
      assert.equal(getter.getAll(carrier, 'length'), []);
      assert.equal(getter.keys(carrier), []);
    }
  }
});

test.run();

'use strict';
// The Kafka header helpers: which `headers` values kafkajs takes as a header map (anything else is
// left for kafkajs to handle as it would without hoptrace), and what a copy keeps of the app's.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, trace, context, propagation } = require('@opentelemetry/api');
const { contextManager } = require('../../dist/agent/tracing/context-manager');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { isHeaderMap, headersWithContext, extractMessageContext } = require('../../dist/instrumentations/kafkajs/headers');

context.setGlobalContextManager(contextManager.enable());
propagation.setGlobalPropagator(new HoptracePropagator(['tracecontext', 'jaeger']));

const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

test('a header map is absent or an object; null, strings, arrays, numbers and functions are not', () => {
  for (const headers of [undefined, {}, { a: '1' }, Object.create(null)]) assert.is(isHeaderMap(headers), true, typeof headers);
  for (const headers of [null, 'traceparent', [], [['a', '1']], 42, () => {}, true]) assert.is(isHeaderMap(headers), false, typeof headers);
});

test("a copy's headers are plain, writable data properties whatever the app's were; getters stay getters", () => {
  const headers = {};
  Object.defineProperty(headers, 'frozen', { value: 'f', enumerable: true, writable: false, configurable: false });
  Object.defineProperty(headers, 'computed', { get: () => 'c', enumerable: true, configurable: true });
  Object.defineProperty(headers, 'hidden', { value: 'h', enumerable: false });
  const copy = headersWithContext(headers, trace.setSpanContext(ROOT_CONTEXT, SPAN));
  assert.equal(Object.getOwnPropertyDescriptor(copy, 'frozen'), { value: 'f', writable: true, enumerable: true, configurable: true });
  assert.is(typeof Object.getOwnPropertyDescriptor(copy, 'computed').get, 'function');
  assert.is(copy.computed, 'c');
  assert.not.ok('hidden' in copy, 'kafkajs reads enumerable headers only; so does the copy');
  assert.is(copy.traceparent, `00-${SPAN.traceId}-${SPAN.spanId}-01`);
});

test('headers inherited from a prototype are not copied; a header named __proto__ stays a header', () => {
  const inherited = Object.create({ inheritedHeader: 'i' });
  inherited.own = 'o';
  const copy = headersWithContext(inherited, ROOT_CONTEXT);
  assert.equal(Object.keys(copy), ['own']);
  const tricky = JSON.parse('{"__proto__": "p", "x": "1"}');
  const trickyCopy = headersWithContext(tricky, ROOT_CONTEXT);
  assert.equal(Object.keys(trickyCopy), ['__proto__', 'x']);
  assert.is(Object.getPrototypeOf(trickyCopy), Object.prototype);
});

test('no headers, or headers that are no object: nothing extracted, nothing thrown', () => {
  for (const headers of [undefined, null, '', 'traceparent: 00-x', 0, 42]) assert.is(extractMessageContext(headers), undefined);
  assert.equal(headersWithContext(undefined, ROOT_CONTEXT), {});
});

test.run();

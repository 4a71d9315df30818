'use strict';
// Baggage as hoptrace writes it stays within W3C's limits (180 entries, 4 KiB per entry, 8 KiB in
// all), in both formats together: an inbound `baggage` of 8 KB must not go out as 18 KB of headers
// that the next server refuses (Node: 431 past 16 KiB). Keys that are no header name are left out
// of `uberctx-*` instead of making Node's setHeader throw.
const { test } = require('uvu');
const assert = require('uvu/assert');
const http = require('node:http');
const { ROOT_CONTEXT, propagation, trace } = require('@opentelemetry/api');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');

const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

/** A setter that refuses what Node's own setHeader refuses. */
const nodeSetter = {
  set(carrier, key, value) {
    http.validateHeaderName(key);
    http.validateHeaderValue(key, value);
    carrier[key] = value;
  },
};

function hostileBaggage() {
  const entries = {};
  for (let i = 0; i < 300; i++) entries[`k${i}`] = { value: 'v'.repeat(20) };
  entries.huge = { value: 'x'.repeat(5000) };
  entries['bad\r\nkey'] = { value: 'forged' };
  entries['with space'] = { value: '1' };
  entries['ünicode'] = { value: '1' };
  return propagation.createBaggage(entries);
}

function injected(formats, baggage = hostileBaggage(), options = undefined) {
  const ctx = propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, SPAN), baggage);
  const headers = {};
  const written = [];
  const original = process.stderr.write;
  process.stderr.write = (chunk) => (written.push(String(chunk)), true);
  try {
    new HoptracePropagator(formats, options).inject(ctx, headers, nodeSetter);
  } finally {
    process.stderr.write = original;
  }
  const uberctx = Object.keys(headers).filter((k) => k.startsWith('uberctx-'));
  const bytes = (keys) => keys.reduce((sum, k) => sum + k.length + headers[k].length, 0);
  return { headers, written, uberctx, uberctxBytes: bytes(uberctx), baggageBytes: headers.baggage ? 'baggage'.length + headers.baggage.length : 0 };
}

for (const formats of [['tracecontext', 'baggage', 'jaeger'], ['jaeger', 'baggage', 'tracecontext']]) {
  test(`${formats.join(',')}: both baggage formats together within 8 KiB, no key that is no header name, nothing thrown or said`, () => {
    const { headers, written, uberctx, uberctxBytes, baggageBytes } = injected(formats);
    assert.equal(written, []);
    assert.ok(headers.traceparent && headers['uber-trace-id'], 'the span context is written');
    assert.ok(baggageBytes > 0 && uberctx.length > 0, `both formats carry some (${baggageBytes} B, ${uberctx.length} entries)`);
    assert.ok(baggageBytes + uberctxBytes <= 8192, `${baggageBytes} + ${uberctxBytes} bytes`);
    assert.ok(uberctx.length <= 180);
    assert.ok(!uberctx.some((k) => /\s|ü/.test(k)));
    assert.not.ok('uberctx-huge' in headers, 'an entry over 4 KiB is left out');
  });
}

test('Jaeger alone: at most 180 uberctx-* entries and 8 KiB, later entries that fit still written', () => {
  const { uberctx, uberctxBytes, headers } = injected(['tracecontext', 'jaeger']);
  assert.ok(uberctx.length <= 180, `${uberctx.length} entries`);
  assert.ok(uberctxBytes <= 8192, `${uberctxBytes} bytes`);
  const few = propagation.createBaggage({ huge: { value: 'x'.repeat(5000) }, small: { value: 's' } });
  assert.equal(injected(['jaeger'], few).uberctx, ['uberctx-small']);
  assert.is(headers['uberctx-k0'], 'v'.repeat(20));
});

test('a server behind hoptrace that takes 16 KiB of headers takes what hoptrace writes from the largest baggage it reads', () => {
  // 8 KiB of W3C baggage is the most hoptrace reads; what it writes must fit Node's default limit with room to spare.
  const entries = {};
  for (let i = 0; i < 180; i++) entries[`key${i}`] = { value: 'v'.repeat(36) };
  const { headers } = injected(['tracecontext', 'baggage', 'jaeger'], propagation.createBaggage(entries));
  const total = Object.entries(headers).reduce((sum, [k, v]) => sum + k.length + v.length + 4, 0);
  assert.ok(total < 10 * 1024, `${total} bytes of headers`);
});

test('HOPTRACE_JAEGER_BAGGAGE=false: uber-trace-id still written, baggage only as W3C baggage', () => {
  const { loadConfig } = require('../../dist/agent/config/load-config');
  assert.is(loadConfig({ HOPTRACE_JAEGER_BAGGAGE: 'false' }, {}, () => {}).jaegerBaggage, false);
  assert.is(loadConfig({}, {}, () => {}).jaegerBaggage, true);
  const { headers, uberctx } = injected(['tracecontext', 'baggage', 'jaeger'], undefined, { jaegerBaggage: false });
  assert.equal(uberctx, []);
  assert.ok(headers['uber-trace-id'] && headers.baggage);
});

test.run();

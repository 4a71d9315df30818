'use strict';
// Every trace-context format a peer may send continues the trace; malformed ones start a new one;
// the app answers in every case.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { startReceiver } = require('../support/otlp-receiver');
const { startHttpService } = require('../support/services');
const { get } = require('../support/http');

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const SHORT_TRACE = 'a3ce929d0e0e4736'; // 64-bit Jaeger trace id

const continues = [
  ['W3C traceparent', { traceparent: `00-${TRACE}-${SPAN}-01` }, TRACE, SPAN],
  ['Jaeger, 32-hex trace id', { 'uber-trace-id': `${TRACE}:${SPAN}:0:1` }, TRACE, SPAN],
  ['Jaeger, 16-hex trace id', { 'uber-trace-id': `${SHORT_TRACE}:${SPAN}:0:1` }, SHORT_TRACE.padStart(32, '0'), SPAN],
  ['Jaeger, URL-encoded', { 'uber-trace-id': `${TRACE}%3A${SPAN}%3A0%3A1` }, TRACE, SPAN],
  ['Jaeger, ids without leading zeros', { 'uber-trace-id': `${SHORT_TRACE}:f067aa0ba902b7:0:1` }, SHORT_TRACE.padStart(32, '0'), SPAN],
  ['Jaeger, legacy header name', { 'second_span_uber-trace-id': `${TRACE}:${SPAN}:0:1` }, TRACE, SPAN],
  ['B3 single header', { b3: `${TRACE}-${SPAN}-1` }, TRACE, SPAN],
  ['B3 multi headers', { 'X-B3-TraceId': TRACE, 'X-B3-SpanId': SPAN, 'X-B3-Sampled': '1' }, TRACE, SPAN],
  ['W3C wins over Jaeger when both arrive', { traceparent: `00-${TRACE}-${SPAN}-01`, 'uber-trace-id': `${SHORT_TRACE}:1111111111111111:0:1` }, TRACE, SPAN],
  ['a malformed W3C header falls back to a valid Jaeger one', { traceparent: '00-zz-yy-01', 'uber-trace-id': `${TRACE}:${SPAN}:0:1` }, TRACE, SPAN],
];

const malformed = [
  ['traceparent with bad hex', { traceparent: `00-${'g'.repeat(32)}-${SPAN}-01` }],
  ['traceparent all zeros', { traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` }],
  ['uber-trace-id with three fields', { 'uber-trace-id': `${TRACE}:${SPAN}:1` }],
  ['uber-trace-id with a 33-hex trace id', { 'uber-trace-id': `1${TRACE}:${SPAN}:0:1` }],
  ['uber-trace-id badly URL-encoded', { 'uber-trace-id': `${TRACE}%3:${SPAN}%ZZ:0:1` }],
  ['uber-trace-id not hex', { 'uber-trace-id': 'hello:world:0:1' }],
  ['b3 garbage', { b3: 'not-a-b3-header' }],
  // Over hoptrace's 8 KiB limit, under Node's 16 KiB header limit (beyond which Node answers 431 itself).
  ['a 10 KB traceparent', { traceparent: `00-${TRACE}-${SPAN}-01${'x'.repeat(10000)}` }],
  ['a 7 KB baggage that is not baggage', { baggage: '=;='.repeat(2400) }],
];

let receiver;
let service;
before(test, async () => {
  receiver = await startReceiver();
  service = await startHttpService('inbound', receiver);
});
test.after(async () => {
  await service.stop();
  await receiver.close();
});

async function serverSpanFor(headers, marker) {
  const response = await get(service.port, `/headers?case=${marker}`, headers);
  assert.is(response.status, 200, 'the app answers');
  const spans = await receiver.waitFor((s) => s.some((x) => x.attributes['url.query'] === `case=${marker}`));
  return spans.find((x) => x.attributes['url.query'] === `case=${marker}`);
}

continues.forEach(([name, headers, traceId, parentSpanId], i) => {
  test(`continues: ${name}`, async () => {
    const span = await serverSpanFor(headers, `c${i}`);
    assert.is(span.traceId, traceId);
    assert.is(span.parentSpanId, parentSpanId);
  });
});

malformed.forEach(([name, headers], i) => {
  test(`starts a fresh trace: ${name}`, async () => {
    const span = await serverSpanFor(headers, `m${i}`);
    assert.is.not(span.traceId, TRACE);
    assert.is(span.parentSpanId, undefined);
    assert.match(span.traceId, /^[0-9a-f]{32}$/);
  });
});

// Node joins a repeated header it does not know into one value, "first, second"; hoptrace reads the
// last. Sent raw, two lines of the same header, for each format that can arrive twice.
const DUPLICATED = [
  ['uber-trace-id', `1111111111111111:2222222222222222:0:1`, `${TRACE}:${SPAN}:0:1`],
  ['b3', '1111111111111111-2222222222222222-1', `${TRACE}-${SPAN}-1`],
];
for (const [header, first, last] of DUPLICATED) {
  test(`a duplicated ${header} header (two lines): the last value wins`, async () => {
    const net = require('node:net');
    const marker = `dup-${header}`;
    await new Promise((resolve, reject) => {
      const socket = net.connect(service.port, '127.0.0.1', () => {
        socket.end(`GET /headers?case=${marker} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${header}: ${first}\r\n${header}: ${last}\r\n\r\n`);
      });
      socket.on('data', () => {});
      socket.on('end', resolve);
      socket.on('error', reject);
    });
    const spans = await receiver.waitFor((s) => s.some((x) => x.attributes['url.query'] === `case=${marker}`));
    const span = spans.find((x) => x.attributes['url.query'] === `case=${marker}`);
    assert.is(span.traceId, TRACE);
    assert.is(span.parentSpanId, SPAN);
  });
}

test.run();

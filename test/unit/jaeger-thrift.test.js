'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { toThriftSpan, toThriftProcess, trimThriftSpan, int64 } = require('../../dist/agent/exporters/jaeger/to-thrift');

const span = {
  name: 'GET /orders/:id',
  kind: SpanKind.SERVER,
  spanContext: () => ({ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: 'a1a2a3a4a5a6a7a8', traceFlags: 1 }),
  parentSpanContext: { traceId: '0102030405060708090a0b0c0d0e0f10', spanId: 'b1b2b3b4b5b6b7b8' },
  startTime: [1700000000, 123456789],
  duration: [0, 2500000],
  attributes: { 'http.request.method': 'GET', 'http.response.status_code': 503, ratio: 0.5, ok: false, list: ['a', 'b'] },
  status: { code: SpanStatusCode.ERROR, message: 'boom' },
  events: [{ name: 'exception', time: [1700000000, 200000000], attributes: { 'exception.type': 'TypeError' } }],
  links: [{ context: { traceId: 'ffffffffffffffff0000000000000001', spanId: 'c1c2c3c4c5c6c7c8' } }],
  instrumentationScope: { name: '@hoptrace/http', version: '1.0.0' },
  droppedAttributesCount: 0,
};

const tagMap = (tags) => Object.fromEntries(tags.map((t) => [t.key, t.vType === 'LONG' ? Number(t.vLong.readBigInt64BE()) : t.vStr ?? t.vDouble ?? t.vBool]));

test('ids, times and references', () => {
  const thrift = toThriftSpan(span);
  assert.is(thrift.traceIdHigh.toString('hex'), '0102030405060708');
  assert.is(thrift.traceIdLow.toString('hex'), '090a0b0c0d0e0f10');
  assert.is(thrift.spanId.toString('hex'), 'a1a2a3a4a5a6a7a8');
  assert.is(thrift.parentSpanId.toString('hex'), 'b1b2b3b4b5b6b7b8');
  assert.is(thrift.startTime.readBigInt64BE(), 1700000000123456n);
  assert.is(thrift.duration.readBigInt64BE(), 2500n);
  assert.is(thrift.flags, 1);
  assert.equal(thrift.references.map((r) => [r.refType, r.spanId.toString('hex')]), [['CHILD_OF', 'b1b2b3b4b5b6b7b8'], ['FOLLOWS_FROM', 'c1c2c3c4c5c6c7c8']]);
});

test('attributes, kind, status and scope become tags; events become logs', () => {
  const thrift = toThriftSpan(span);
  assert.equal(tagMap(thrift.tags), {
    'http.request.method': 'GET',
    'http.response.status_code': 503,
    ratio: 0.5,
    ok: false,
    list: '["a","b"]',
    'span.kind': 'server',
    'otel.status_code': 'ERROR',
    error: true,
    'otel.status_description': 'boom',
    'otel.scope.name': '@hoptrace/http',
    'otel.scope.version': '1.0.0',
  });
  assert.equal(thrift.logs.map((l) => tagMap(l.fields)), [{ event: 'exception', 'exception.type': 'TypeError' }]);
  assert.is(thrift.logs[0].timestamp.readBigInt64BE(), 1700000000200000n);
});

test('process: service name apart, other resource attributes as tags', () => {
  const process = toThriftProcess({ 'service.name': 'orders', 'host.name': 'h1', 'process.pid': 42 });
  assert.is(process.serviceName, 'orders');
  assert.equal(tagMap(process.tags), { 'host.name': 'h1', 'process.pid': 42 });
});

test('trimming shortens long strings, caps logs and marks the span', () => {
  const big = { ...toThriftSpan(span), logs: Array.from({ length: 20 }, () => ({ timestamp: int64(1), fields: [] })) };
  big.tags.push({ key: 'url.full', vType: 'STRING', vStr: 'x'.repeat(100000) });
  const trimmed = trimThriftSpan(big, 256, 8);
  assert.is(trimmed.logs.length, 8);
  assert.is(tagMap(trimmed.tags)['url.full'].length, 257);
  assert.is(tagMap(trimmed.tags)['hoptrace.trimmed'], true);
  assert.is(big.tags.find((t) => t.key === 'url.full').vStr.length, 100000, 'the original is not changed');
});

test.run();

'use strict';
// The OTLP exporter's request buffers: a delivered request's buffer carries a later batch (one
// buffer per export left V8 ~13 MB of ArrayBuffers to collect after 100,000 requests), and never
// while the bytes may still be on their way.
const http = require('node:http');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { SpanKind, SpanStatusCode, TraceFlags } = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OtlpBatch } = require('../../dist/agent/exporters/otlp/otlp-batch');
const { OtlpHttpExporter } = require('../../dist/agent/exporters/otlp-http');
const { decodeProtobuf } = require('../support/otlp-decode');

const resource = resourceFromAttributes({ 'service.name': 'orders' });

function span(name) {
  return {
    name,
    kind: SpanKind.SERVER,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED }),
    parentSpanContext: undefined,
    startTime: [1764115200, 0],
    endTime: [1764115200, 5],
    attributes: { 'http.request.method': 'GET' },
    status: { code: SpanStatusCode.UNSET },
    events: [],
    links: [],
    resource,
    instrumentationScope: { name: '@hoptrace/http' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** A collector on loopback answering `status`, keeping every body it received. */
async function collector(status) {
  const bodies = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(status).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const exporter = new OtlpHttpExporter({ endpoint: `http://127.0.0.1:${server.address().port}/v1/traces`, protocol: 'http/protobuf', headers: {}, timeoutMs: 5000 });
  const exportBatch = (batch) => new Promise((resolve) => exporter.export([batch], resolve));
  const close = () => {
    exporter.abandon();
    return new Promise((resolve) => server.close(resolve));
  };
  return { bodies, exportBatch, close };
}

test('delivered requests: every one decodes to its own spans, and twenty exports use a few buffers, not twenty', async () => {
  const { bodies, exportBatch, close } = await collector(200);
  const buffers = new Set();
  try {
    for (let i = 0; i < 20; i++) {
      const batch = new OtlpBatch();
      batch.add(span(`span ${i}`));
      batch.add(span(`span ${i} again`));
      buffers.add(batch.encoded().buffer);
      const result = await exportBatch(batch);
      assert.is(result.code, 0, `export ${i}`);
      // Released only once the request was written as well as answered: let 'finish' come.
      await new Promise((resolve) => setImmediate(resolve));
      assert.throws(() => batch.encoded(), /delivered/, 'a delivered batch has let its request go');
    }
  } finally {
    await close();
  }
  assert.equal(
    bodies.map((body) => decodeProtobuf(body).map((s) => s.name)),
    Array.from({ length: 20 }, (_, i) => [`span ${i}`, `span ${i} again`]),
  );
  assert.ok(buffers.size <= 4, `${buffers.size} request buffers for 20 exports`);
});

test('a request the collector refused keeps its bytes: the socket may still hold them', async () => {
  const { bodies, exportBatch, close } = await collector(500);
  try {
    const batch = new OtlpBatch();
    batch.add(span('refused'));
    const sent = Buffer.from(batch.encoded());
    const result = await exportBatch(batch);
    assert.is(result.code, 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(Buffer.from(batch.encoded()), sent, 'the same bytes, not given to another batch');
    assert.equal(bodies[0], sent);
  } finally {
    await close();
  }
});

test.run();

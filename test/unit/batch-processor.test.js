'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ExportResultCode } = require('@opentelemetry/core');
const { BoundedBatchProcessor } = require('../../dist/agent/tracing/batch-processor');

function fakeSpan(sampled = true, ids = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' }) {
  return { name: 'op', spanContext: () => ({ ...ids, traceFlags: sampled ? 1 : 0 }) };
}

function exporter({ answer = 'success', sync = true } = {}) {
  const batches = [];
  const synced = [];
  return {
    destination: 'test',
    batches,
    synced,
    export(spans, done) {
      batches.push(spans.length);
      if (answer === 'success') setImmediate(() => done({ code: ExportResultCode.SUCCESS }));
      else if (answer === 'fail') setImmediate(() => done({ code: ExportResultCode.FAILED, error: new Error('nope') }));
      // 'never': no answer at all
    },
    exportSync: sync ? (spans) => (synced.push(spans.length), true) : undefined,
    shutdown: async () => {},
  };
}

// The processor's timers are unref'd so they never hold an app open; hold this test process open instead.
const keepAlive = setInterval(() => {}, 1000);
test.after(() => clearInterval(keepAlive));

const config = { scheduleDelayMs: 10000, exportTimeoutMs: 100, maxQueueSize: 5, maxExportBatchSize: 2 };

test('a full queue drops new spans instead of growing', async () => {
  const e = exporter({ answer: 'never' });
  const p = new BoundedBatchProcessor(e, { ...config, maxExportBatchSize: 5 });
  for (let i = 0; i < 12; i++) p.onEnd(fakeSpan());
  await new Promise((r) => setTimeout(r, 20));
  // 5 queued, a batch of 5 left for the exporter that never answers; the rest were dropped.
  assert.equal(e.batches, [5]);
  for (let i = 0; i < 12; i++) p.onEnd(fakeSpan());
  await p.forceFlush();
  assert.equal(e.batches, [5, 5], 'never more than the queue size is held');
});

test('unsampled spans are not exported', async () => {
  const e = exporter();
  const p = new BoundedBatchProcessor(e, config);
  p.onEnd(fakeSpan(false));
  assert.not.ok(p.hasPending());
  await p.forceFlush();
  assert.equal(e.batches, []);
});

test('forceFlush exports everything in batches of maxExportBatchSize', async () => {
  const e = exporter();
  const p = new BoundedBatchProcessor(e, config);
  for (let i = 0; i < 5; i++) p.onEnd(fakeSpan());
  await p.forceFlush();
  assert.is(e.batches.reduce((a, b) => a + b, 0), 5);
  assert.ok(e.batches.every((n) => n <= 2));
  assert.not.ok(p.hasPending());
});

test('a failing or silent exporter does not block flushing', async () => {
  for (const answer of ['fail', 'never']) {
    const e = exporter({ answer });
    const p = new BoundedBatchProcessor(e, config);
    p.onEnd(fakeSpan());
    const started = Date.now();
    await p.forceFlush();
    assert.ok(Date.now() - started < 1000, answer);
    assert.not.ok(p.hasPending(), answer);
  }
});

test('flushSync delivers queued and unanswered in-flight spans', async () => {
  const e = exporter({ answer: 'never' });
  const p = new BoundedBatchProcessor(e, config);
  for (let i = 0; i < 3; i++) p.onEnd(fakeSpan());
  await new Promise((r) => setTimeout(r, 20)); // the first batch of 2 goes out and never returns
  p.flushSync(100);
  assert.equal(e.synced, [3]);
  assert.not.ok(p.hasPending());
});

test('spans with invalid ids reach no exporter: dropped, counted, and said', async () => {
  const e = exporter();
  const p = new BoundedBatchProcessor(e, config);
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = (chunk) => ((stderr += chunk), true);
  try {
    p.onEnd(fakeSpan(true, { traceId: '0af7', spanId: 'b7ad6b7169203331' }));
    p.onEnd(fakeSpan(true, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00000000000000000' }));
    p.onEnd(fakeSpan());
    p.flushSync(100);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(e.synced, [1]);
  assert.match(stderr, /span "op" has an invalid trace or span id and is dropped; dropped so far: 1/);
  assert.match(stderr, /spans lost while running, to test: 2 had invalid ids/);
});

test.run();

'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ExportResultCode } = require('@opentelemetry/core');
const { BoundedBatchProcessor } = require('../../dist/agent/tracing/batch-processor');

function fakeSpan(sampled = true, ids = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' }) {
  return { name: 'op', spanContext: () => ({ ...ids, traceFlags: sampled ? 1 : 0 }) };
}

const count = (batches) => batches.reduce((n, batch) => n + batch.size, 0);

function exporter({ answer = 'success', sync = true } = {}) {
  const batches = [];
  const synced = [];
  return {
    destination: 'test',
    batches,
    synced,
    newBatch() {
      const spans = [];
      return { spans, get size() { return spans.length; }, add: (span) => spans.push(span) };
    },
    export(exported, done) {
      batches.push(count(exported));
      if (answer === 'success') setImmediate(() => done({ code: ExportResultCode.SUCCESS }));
      else if (answer === 'fail') setImmediate(() => done({ code: ExportResultCode.FAILED, error: new Error('nope') }));
      // 'never': no answer at all
    },
    exportSync: sync ? (exported) => (synced.push(count(exported)), true) : undefined,
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

test('a span the batch cannot take is dropped, counted and said; the app ending it sees nothing', async () => {
  const e = exporter();
  const newBatch = e.newBatch;
  e.newBatch = () => {
    const batch = newBatch();
    const add = batch.add;
    batch.add = (span) => {
      if (span.name === 'bad') throw new Error('cannot encode');
      add(span);
    };
    return batch;
  };
  const p = new BoundedBatchProcessor(e, { ...config, maxExportBatchSize: 10 });
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = (chunk) => ((stderr += chunk), true);
  try {
    p.onEnd(fakeSpan());
    p.onEnd({ ...fakeSpan(), name: 'bad' });
    p.onEnd(fakeSpan());
    p.flushSync(100);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(e.synced, [2]);
  assert.match(stderr, /span "bad" could not be encoded and is dropped \(cannot encode\); dropped so far: 1/);
  assert.match(stderr, /spans lost while running, to test: 1 could not be encoded/);
});

test('ended spans go into their batch 16 at a time; one alone still leaves on the schedule', async () => {
  const e = exporter();
  const added = [];
  const newBatch = e.newBatch;
  e.newBatch = () => {
    const batch = newBatch();
    const add = batch.add;
    batch.add = (span) => (added.push(span), add(span));
    return batch;
  };
  const p = new BoundedBatchProcessor(e, { ...config, scheduleDelayMs: 30, maxQueueSize: 100, maxExportBatchSize: 50 });
  for (let i = 0; i < 15; i++) p.onEnd(fakeSpan());
  assert.is(added.length, 0, 'fifteen wait');
  assert.ok(p.hasPending(), 'and count as pending');
  p.onEnd(fakeSpan());
  assert.is(added.length, 16, 'the sixteenth takes all into the batch');
  p.onEnd(fakeSpan());
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(e.batches, [17], 'the one that waited alone went out with the rest when the export timer fired');
  assert.not.ok(p.hasPending());
});

test('a batch filled in the middle of a group goes out at once, not on the schedule', async () => {
  const e = exporter();
  // 20 a batch: the second group of 16 fills the first batch and opens the next.
  const p = new BoundedBatchProcessor(e, { ...config, maxQueueSize: 100, maxExportBatchSize: 20 });
  for (let i = 0; i < 32; i++) p.onEnd(fakeSpan());
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(e.batches, [20], 'the full batch left within ms; the 12 after it wait for the schedule (10 s)');
  await p.forceFlush();
  assert.equal(e.batches, [20, 12]);
});

test('with the OTLP exporter an ended span is not kept until its export: only its bytes wait', async () => {
  const v8 = require('node:v8');
  const vm = require('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const { OtlpHttpExporter } = require('../../dist/agent/exporters/otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const resource = resourceFromAttributes({ 'service.name': 'orders' });
  const otlpSpan = () => ({
    ...fakeSpan(),
    kind: 1,
    startTime: [1764115200, 0],
    endTime: [1764115200, 5],
    attributes: { 'http.request.method': 'GET', payload: 'x'.repeat(1000) },
    status: { code: 0 },
    events: [],
    links: [],
    resource,
    instrumentationScope: { name: 'test' },
  });
  const queued = {};
  for (const protocol of ['http/protobuf', 'http/json']) {
    const e = new OtlpHttpExporter({ endpoint: 'http://127.0.0.1:9/v1/traces', protocol, headers: {}, timeoutMs: 1000 });
    const p = new BoundedBatchProcessor(e, { ...config, maxQueueSize: 100, maxExportBatchSize: 50 });
    (() => {
      const span = otlpSpan();
      p.onEnd(span);
      queued[protocol] = new WeakRef(span);
      // The first span waits for its group of 16 (see ENCODE_GROUP), then is encoded with it.
      for (let i = 1; i < 16; i++) p.onEnd(otlpSpan());
    })();
    assert.ok(p.hasPending(), protocol);
  }
  await new Promise((resolve) => setTimeout(resolve, 10)); // WeakRefs hold their target until the job ends
  gc();
  assert.is(queued['http/protobuf'].deref(), undefined, 'protobuf: the span object is gone, its bytes queued');
  assert.ok(queued['http/json'].deref(), 'json (converted at export): the span object waits in the queue');
});

test.run();

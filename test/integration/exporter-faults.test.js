'use strict';
// Whatever the span receiver does, the app behaves as without hoptrace: it serves every request,
// it ends when its work ends (at most 1.5 s of delivery added), its exit code is its own, and
// hoptrace says what was lost, in a bounded number of warnings whose total is exact.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { startFaultyReceiver, lossReport } = require('../support/faulty-receiver');
const { startHttpService } = require('../support/services');
const { runFixture } = require('../support/run-fixture');
const { get } = require('../support/http');

/** Exit-time bound: 1.5 s of delivery at most, plus generous room for a loaded CI machine. */
const ENDING_BOUND_MS = 3000;

const FAULTS = [
  ['down', {}],
  ['blackhole', {}],
  ['slow', { delayMs: 3000 }],
  ['status', { status: 500 }],
  ['status', { status: 503 }],
  ['status', { status: 429 }],
  ['status', { status: 400 }],
  ['reset', {}],
];
const label = (mode, options) => (mode === 'status' ? `answers ${options.status}` : mode);

for (const [mode, options] of FAULTS) {
  test(`receiver ${label(mode, options)}: a short-lived process ends within the bound, its 2 spans counted lost`, async () => {
    const receiver = await startFaultyReceiver(mode, options);
    try {
      const app = runFixture('exit-paths.js', { env: { FIXTURE_EXIT: 'natural', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
      await app.waitForOutput(/round trip done/);
      const workDone = Date.now();
      const result = await app.exited;
      const endedAfter = Date.now() - workDone;
      assert.is(result.code, 0, result.stderr);
      assert.ok(endedAfter < ENDING_BOUND_MS, `ended ${endedAfter} ms after its last work`);
      const report = lossReport(result.stderr);
      assert.is(report.lost, 2, result.stderr);
      assert.ok(report.warnings.length <= 2, result.stderr);
      assert.is(receiver.acknowledged, 0);
    } finally {
      await receiver.close();
    }
  });

  test(`receiver ${label(mode, options)}: under HTTP load every request is served; SIGTERM ends it within the bound; delivered + lost = made`, async () => {
    const receiver = await startFaultyReceiver(mode, options);
    try {
      const app = await startHttpService(`fault-${mode}`, receiver);
      const REQUESTS = 200;
      const CONCURRENCY = 10;
      let served = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = 0; i < REQUESTS / CONCURRENCY; i++) if ((await get(app.port, '/status/200')).status === 200) served++;
        }),
      );
      assert.is(served, REQUESTS);
      const signalled = Date.now();
      app.child.kill('SIGTERM');
      const result = await app.exited;
      assert.ok(Date.now() - signalled < ENDING_BOUND_MS, `ended ${Date.now() - signalled} ms after SIGTERM`);
      assert.is(result.signal, 'SIGTERM', result.stderr);
      const report = lossReport(result.stderr);
      assert.ok(report.warnings.length <= 3, `at most the first failure, one at exit and the total: ${result.stderr}`);
      if (mode === 'slow') {
        // Answers after 3 s may arrive for early batches; whatever was not confirmed is counted.
        assert.ok(report.lost + receiver.acknowledged >= REQUESTS && report.lost <= REQUESTS, `${report.lost} lost, ${receiver.acknowledged} acknowledged: ${result.stderr}`);
      } else {
        assert.is(report.lost, REQUESTS, result.stderr);
      }
    } finally {
      await receiver.close();
    }
  });
}

test('a healthy receiver under the same load: everything delivered, not one warning', async () => {
  const receiver = await startFaultyReceiver('slow', { delayMs: 0 });
  try {
    const app = await startHttpService('fault-none', receiver);
    // Spaced out so that every span goes in its own export, each over the kept-alive connection.
    for (let i = 0; i < 50; i++) {
      await get(app.port, '/status/200');
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    app.child.kill('SIGTERM');
    const result = await app.exited;
    assert.is(result.signal, 'SIGTERM');
    // Not a word on stderr: no warning of hoptrace's, and none of Node's about the connection reused 50 times.
    assert.is(result.stderr, '');
    assert.is(receiver.acknowledged, 50);
  } finally {
    await receiver.close();
  }
});

test.run();

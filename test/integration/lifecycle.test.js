'use strict';
// Spans leave the process however it ends, and the way it ends does not change.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { runFixture } = require('../support/run-fixture');
const { comparableOutput } = require('../support/comparable-output');
const { get } = require('../support/http');

// Long enough that nothing is exported on schedule during a test: only the exit paths deliver.
const HOLD_SPANS = { OTEL_BSP_SCHEDULE_DELAY: '60000' };

test('SIGTERM with spans pending: they all arrive, and the process dies by SIGTERM (exit 143)', async () => {
  await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('sigterm', receiver, HOLD_SPANS));
    await get(app.port, '/headers');
    await get(app.port, '/status/500');
    assert.is(receiver.spans.length, 0, 'nothing exported before the signal');
    app.child.kill('SIGTERM');
    const result = await app.exited;
    assert.is(result.signal, 'SIGTERM', `died by the signal (code ${result.code})`);
    assert.is(receiver.spans.length, 2);
  });
});

test('SIGINT without an app handler: flushed, then the process dies by SIGINT (exit 130)', async () => {
  await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('sigint', receiver, HOLD_SPANS));
    await get(app.port, '/headers');
    app.child.kill('SIGINT');
    const result = await app.exited;
    assert.is(result.signal, 'SIGINT');
    assert.is(receiver.spans.length, 1);
  });
});

test('an app with its own SIGTERM handler keeps control; spans still arrive', async () => {
  await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('own-handler', receiver, { ...HOLD_SPANS, FIXTURE_ON_SIGTERM: 'keep' }));
    await get(app.port, '/headers');
    app.child.kill('SIGTERM');
    const result = await app.exited;
    assert.is(result.code, 7, 'the app chose its exit code');
    assert.match(result.stdout, /app handled SIGTERM/);
    assert.is(receiver.spans.length, 1);
  });
});

test('process.exit() with spans queued: delivered before exit, exit code unchanged', async () => {
  await withReceiver(async (receiver) => {
    const result = await runFixture('exit-paths.js', {
      env: { ...HOLD_SPANS, FIXTURE_EXIT: 'exit', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    }).exited;
    assert.is(result.code, 3);
    assert.is(receiver.spans.length, 2, 'server and client span');
  });
});

test('an event loop that empties: spans flushed, the process exits by itself', async () => {
  await withReceiver(async (receiver) => {
    const result = await runFixture('exit-paths.js', {
      env: { ...HOLD_SPANS, FIXTURE_EXIT: 'natural', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    }).exited;
    assert.is(result.code, 0);
    assert.is(receiver.spans.length, 2);
  });
});

test('an uncaught exception: spans delivered; output and exit code exactly as without the agent', async () => {
  await withReceiver(async (receiver) => {
    const env = { ...HOLD_SPANS, FIXTURE_EXIT: 'throw', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    const traced = await runFixture('exit-paths.js', { env }).exited;
    const plain = await runFixture('exit-paths.js', { env, agent: false }).exited;
    assert.is(traced.code, plain.code);
    assert.is(traced.code, 1);
    assert.is(comparableOutput(traced.stderr), comparableOutput(plain.stderr));
    assert.match(traced.stderr, /TypeError: the app failed on purpose/);
    assert.is(receiver.spans.length, 2);
  });
});

test('exporter unreachable: the app answers, exits promptly on SIGTERM, and says why spans were lost', async () => {
  const app = await startHttpService('no-collector', undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  const response = await get(app.port, '/headers');
  assert.is(response.status, 200);
  await new Promise((r) => setTimeout(r, 400)); // one scheduled export (50 ms) fails meanwhile
  const started = Date.now();
  app.child.kill('SIGTERM');
  const result = await app.exited;
  assert.ok(Date.now() - started < 3000, `exited in ${Date.now() - started} ms`);
  assert.is(result.signal, 'SIGTERM');
  assert.match(result.stderr, /hoptrace: warn: could not export spans to http:\/\/127\.0\.0\.1:9\/v1\/traces: .*ECONNREFUSED.*; spans dropped so far: 1\n/);
});

test('exporter unreachable with process.exit(): the exit is not held up for long', async () => {
  const started = Date.now();
  const result = await runFixture('exit-paths.js', {
    env: { ...HOLD_SPANS, FIXTURE_EXIT: 'exit', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
  }).exited;
  assert.is(result.code, 3);
  assert.ok(Date.now() - started < 4000, `exited in ${Date.now() - started} ms`);
  assert.match(result.stderr, /could not deliver spans to http:\/\/127\.0\.0\.1:9\/v1\/traces before exit: 2 lost/);
});

test('exporter unreachable, several failed exports: one last warning at exit tells the whole count', async () => {
  const app = await startHttpService('losses', undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  for (let i = 0; i < 3; i++) {
    await get(app.port, '/headers');
    await new Promise((r) => setTimeout(r, 300)); // each span goes out (and fails) on its own
  }
  app.child.kill('SIGTERM');
  const result = await app.exited;
  const warnings = result.stderr.split('\n').filter((l) => l.startsWith('hoptrace: warn'));
  assert.is(warnings.length, 2, result.stderr); // the first failure (later ones are rate-limited), then the total
  assert.match(warnings[1], /spans lost while running, to http:\/\/127\.0\.0\.1:9\/v1\/traces: 3 could not be exported \(last error: .*ECONNREFUSED.*\)/);
});

test('worker threads inherit the preload flag and are left alone: one agent, on the main thread', async () => {
  // register.js tells the threads apart without loading node:worker_threads (see its comment);
  // this runs on every supported Node major.
  await withReceiver(async (receiver) => {
    const app = runFixture('worker-thread.js', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_LOG_LEVEL: 'debug' } });
    const result = await app.exited;
    assert.match(result.stdout, /done 0/);
    assert.is(result.stderr.match(/^hoptrace: started; /gm)?.length, 1, result.stderr);
    assert.equal(receiver.spans.map((s) => [s.kind, s.name]), [['SERVER', 'GET']], 'the server span only: the worker made no client span');
  });
});

test.run();

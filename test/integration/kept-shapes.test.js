'use strict';
// A full collection while nothing of a hop is alive must not throw away the agent's optimized hot
// path (agent/tracing/kept-shapes.ts). The run: the bench's in-process Kafka loop (a kafkajs-shaped
// stub, sends of 100, sampling off), warmed until V8 has optimized it, then one full collection
// with no message in flight, as a consumer between bursts sees; V8's deoptimization trace must not
// name the functions that check for hoptrace's per-hop objects. Without the kept instances, Node
// 20 to 26 dropped six to fifteen of them here ("weak objects" in the reason).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

/** Functions of the hot path whose optimized code checks for a kept kind of object. */
const HOT = [
  'CheckedSpanContext',
  'UnsampledSpan',
  'begin',
  'startSpanWith',
  'extractOwnHop',
  'extractMessageContext',
  'writeOwnHop',
  'getSpanContext',
  'setSpanContext',
  'spanContext',
  'isRecorded',
  'startProcessSpan',
  // eachBatch's cursor and iterator, and the app's handler that loops over them.
  'MessageCursor',
  'enter',
  'moveTo',
  'endCurrent',
  'eachBatch',
];

/**
 * On Node 20 the context is carried by async_hooks, whose resources (Node's own objects) go the
 * same way at a full collection: what enters a context there (the cursor's moveTo, and the app's
 * handler it is inlined into) drops with them, as the floor's app's own enterWith does (bench/apps/floor.js).
 */
const DROPS_WITH_ASYNC_HOOKS = Number(process.versions.node.split('.')[0]) < 22 ? ['moveTo', 'eachBatch'] : [];

for (const mode of ['eachMessage', 'eachBatch']) {
  test(`${mode}: a full collection between bursts leaves the hot path optimized`, () => {
    const run = spawnSync(
      process.execPath,
      ['--single-threaded', '--trace-deopt', '--require', path.join(ROOT, 'register.js'), '--expose-gc', path.join(ROOT, 'bench', 'alloc', 'worker.js')],
      {
        encoding: 'utf8',
        timeout: 120000,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          SCENARIO: `kafka-${mode}-100`,
          WARMUP: '20000',
          OPS: '2000',
          OTEL_SERVICE_NAME: 'kept-shapes',
          OTEL_TRACES_SAMPLER: 'always_off',
          // Nothing is exported: sampling is off, and the endpoint is never reached.
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
          HOPTRACE_LOG_LEVEL: 'error',
        },
      },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    assert.is(run.status, 0, `the loop ran through: ${output.slice(-400)}`);
    // V8 writes its trace to stdout too: the worker's result is the line that is JSON.
    const result = run.stdout.split('\n').find((line) => line.startsWith('{"scenario"'));
    assert.is(JSON.parse(result).ops, 2000);
    // The trace is on (some of Node's own code always deoptimizes while warming up): else this could not fail.
    assert.ok(output.includes('deoptimiz'), 'V8 traced its deoptimizations');
    const dropped = output
      .split('\n')
      .filter((line) => line.includes('for deoptimization') && line.includes('weak objects'))
      .map((line) => /SharedFunctionInfo ([\w$]+)>/.exec(line)?.[1])
      .filter((name) => HOT.includes(name) && !DROPS_WITH_ASYNC_HOOKS.includes(name));
    assert.equal(dropped, [], `hot functions dropped when their objects' maps went: ${dropped.join(', ')}`);
  });
}

test.run();

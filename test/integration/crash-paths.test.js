'use strict';
// The ways a process ends without the event loop turning again: process.exit() (from anywhere,
// a request handler included), an uncaught exception (top level or a handler's), an unhandled
// rejection. Node's output and exit code are exactly as without hoptrace, and the finished spans
// reach a healthy receiver even with every core kept busy by other processes.
const { spawn } = require('node:child_process');
const os = require('node:os');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { runFixture } = require('../support/run-fixture');
const { comparableOutput } = require('../support/comparable-output');

// Long enough that nothing is exported on schedule: only the exit path delivers.
const HOLD_SPANS = { OTEL_BSP_SCHEDULE_DELAY: '60000' };

const PATHS = [
  // [FIXTURE_EXIT, exit code, finished spans at the moment of the crash]
  ['exit', 3, 2],
  ['throw', 1, 2],
  ['reject', 1, 2],
  ['handler-exit', 3, 2],
  ['handler-throw', 1, 3], // the failing request's SERVER span ends with the exception
];

/**
 * A stack that passes through a patched function shows hoptrace's wrapper there, as with any agent
 * that wraps functions: one frame, below the app's own. Everything else must be identical.
 */
const AGENT_FRAME = /^ +at .*[/\\]dist[/\\]hoptrace\.js:\d+:\d+\)?\n/gm;

async function timedRun(how, env, agent) {
  const started = Date.now();
  const result = await runFixture('exit-paths.js', { agent, env: { ...env, FIXTURE_EXIT: how }, timeoutMs: 30000 }).exited;
  return { ...result, ms: Date.now() - started };
}

/** One busy-looping process per core, for `ms`; resolves a stop function. */
function saturateCpu(ms) {
  const burners = Array.from({ length: os.availableParallelism() }, () =>
    spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end) {}`], { stdio: 'ignore' }),
  );
  return () => Promise.all(burners.map((b) => (b.exitCode === null ? (b.kill('SIGKILL'), new Promise((r) => b.once('exit', r))) : null)));
}

for (const [how, code, spans] of PATHS) {
  test(`${how}: Node's output and exit code exactly as without the agent; the ${spans} finished spans arrive`, async () => {
    await withReceiver(async (receiver) => {
      const env = { ...HOLD_SPANS, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
      const traced = await timedRun(how, env, true);
      const plain = await timedRun(how, env, false);
      assert.is(traced.code, code);
      assert.is(plain.code, code);
      assert.ok((traced.stderr.match(AGENT_FRAME) || []).length <= 1, traced.stderr);
      assert.is(comparableOutput(traced.stderr.replace(AGENT_FRAME, '')), comparableOutput(plain.stderr));
      assert.is(traced.stdout, plain.stdout);
      assert.is(receiver.spans.length, spans, JSON.stringify(receiver.spans.map((s) => s.name)));
      if (how === 'handler-throw') {
        const failed = receiver.spans.find((s) => s.kind === 'SERVER' && s.attributes['url.path'] === '/throw');
        assert.is(failed.attributes['error.type'], 'TypeError');
        assert.is(failed.events[0]?.name, 'exception');
      }
    });
  });
}

test('with every core busy in other processes: every crash path still delivers, at most 1.5 s slower than without the agent', async () => {
  const stop = saturateCpu(120000);
  try {
    for (const [how, code, spans] of PATHS) {
      await withReceiver(async (receiver) => {
        const env = { ...HOLD_SPANS, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
        const plain = await timedRun(how, env, false);
        const traced = await timedRun(how, env, true);
        assert.is(traced.code, code, traced.stderr);
        assert.not.match(traced.stderr, /hoptrace: warn/, `${how}: ${traced.stderr}`);
        assert.is(receiver.spans.length, spans, how);
        // The bound the README states, with room for the scheduler's noise on a saturated machine.
        assert.ok(traced.ms - plain.ms < 2500, `${how}: ${traced.ms} ms with the agent, ${plain.ms} ms without`);
      });
    }
  } finally {
    await stop();
  }
});

test.run();

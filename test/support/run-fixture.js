'use strict';
// Starts a fixture app as users start theirs: `node --require <hoptrace>/register.js app.js`, or
// `node --import <hoptrace>/register.js app.mjs` (`preload: 'import'`).
const { spawn } = require('node:child_process');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../..');
const REGISTER = path.join(REPO, 'register.js');
const FIXTURES = path.join(REPO, 'test/fixtures');

/**
 * Returns { child, exited, output(), waitForOutput(re) }. `exited` resolves with
 * { code, signal, stdout, stderr }. Bounded: the child is killed after `timeoutMs`.
 */
function runFixture(script, { env = {}, args = [], agent = true, preload = 'require', timeoutMs = 20000, cwd } = {}) {
  const nodeArgs = agent ? [`--${preload}`, REGISTER] : [];
  const child = spawn(process.execPath, [...nodeArgs, path.resolve(FIXTURES, script), ...args], {
    cwd: cwd || FIXTURES,
    // HOPTRACE_HTTP_VIA from the test run itself: .ci/run runs the HTTP suites the patched way too.
    env: { PATH: process.env.PATH, OTEL_BSP_SCHEDULE_DELAY: '50', ...(process.env.HOPTRACE_HTTP_VIA ? { HOPTRACE_HTTP_VIA: process.env.HOPTRACE_HTTP_VIA } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set();
  child.stdout.on('data', (d) => { stdout += d; for (const l of listeners) l(); });
  child.stderr.on('data', (d) => { stderr += d; for (const l of listeners) l(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /**
     * Resolves with the first match of `re` in stdout (or stderr: `stream` 'stderr'). A child's
     * output through a pipe may arrive after its answer over a socket: wait for it, never read it once.
     */
    waitForOutput(re, ms = 10000, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (stream === 'stderr' ? stderr : stdout).match(re);
          if (m) { listeners.delete(check); clearTimeout(t); resolve(m); }
        };
        const t = setTimeout(() => { listeners.delete(check); reject(new Error(`no ${re} in output within ${ms} ms; stdout: ${stdout}\nstderr: ${stderr}`)); }, ms);
        listeners.add(check);
        check();
      });
    },
  };
}

module.exports = { runFixture, REPO, REGISTER, FIXTURES };

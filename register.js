'use strict';
// The preload entry: `node --require hoptrace/register app.js`, or `node --import hoptrace/register
// app.js` (ES module apps). Starts hoptrace on the main thread only (worker threads inherit the
// flag but share nothing with the main thread's exporter), and never keeps the app from running.
//
// Which thread: Node replaces process.chdir in worker threads by a function of this name (since
// Node 10; test/integration/lifecycle.test.js checks it on every supported major). Loading
// node:worker_threads to ask instead cost ~6 ms of every start.
const isMainThread = process.chdir.name !== 'unavailableInWorker';

// OpenTelemetry's off switch, read here so that a disabled agent costs the app nothing: not even
// loading the bundle, which is most of what hoptrace adds to a start (read as the agent's own
// settings are: trimmed, any case).
const disabled = (process.env.OTEL_SDK_DISABLED || '').trim().toLowerCase() === 'true';

if (disabled) {
  const level = (process.env.HOPTRACE_LOG_LEVEL || process.env.OTEL_LOG_LEVEL || '').trim().toLowerCase();
  if (level === 'debug' || level === 'verbose' || level === 'all') process.stderr.write('hoptrace: OTEL_SDK_DISABLED=true: not instrumenting\n');
} else if (isMainThread) {
  try {
    // Loaded by `--import` (or an ES module's import), this file has no parent module; by
    // `--require`, its parent is Node's preloader.
    require('./dist/loader').loadAgent().start({ importedAgent: module.parent === undefined });
  } catch (error) {
    process.stderr.write(`hoptrace: not instrumented: ${error && error.message ? error.message : error}\n`);
  }
}

'use strict';
// The preload entry: `node -r hoptrace/register app.js`. Starts hoptrace on the main thread only
// (worker threads inherit -r but share nothing with the main thread's exporter), and never keeps
// the app from running.
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  try {
    require('./dist/agent/bundle-loader').loadAgent().start();
  } catch (error) {
    process.stderr.write(`hoptrace: not instrumented: ${error && error.message ? error.message : error}\n`);
  }
}

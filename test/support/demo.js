'use strict';
// `npm run demo -- --short` as the e2e tests run it: against the Kafka and Jaeger already running
// (test/run.sh or .ci/run started them), so the demo starts and stops neither.
const { execFile } = require('node:child_process');
const path = require('node:path');
const { JAEGER_OTLP_URL, JAEGER_QUERY_URL } = require('./jaeger');
const { KAFKA_BROKERS } = require('./kafka');
const { REPO } = require('./run-fixture');

/** Runs the demo; resolves with its output, its exit code and the trace ids it printed. */
function runDemoShort() {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO, 'examples/demo.js'), '--short'],
      { cwd: REPO, timeout: 120000, env: { ...process.env, KAFKA_BROKERS, JAEGER_QUERY_URL, OTEL_EXPORTER_OTLP_ENDPOINT: JAEGER_OTLP_URL } },
      (error, stdout, stderr) => {
        const traceIds = [...stdout.matchAll(/^trace ([0-9a-f]{32})$/gm)].map((m) => m[1]);
        resolve({ stdout, stderr, code: error ? error.code : 0, traceIds });
      },
    );
  });
}

module.exports = { runDemoShort };

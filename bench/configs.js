'use strict';
// The agents compared, as users start them: one preload flag each, every one sampling 100 % and
// exporting to the benchmark's receiver.
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const BENCH_MODULES = path.join(__dirname, 'node_modules');

/**
 * For both OTLP agents alike: a queue deep enough that a receiver sharing a saturated core with
 * the load generator never forces drops (the defaults, 2048, did in early runs), so the span
 * check measures tracing, not queue sizing.
 */
const QUEUE = { OTEL_BSP_MAX_QUEUE_SIZE: '8192' };

function configs(receiverUrl) {
  return [
    { name: 'no agent', preload: [], esmPreload: [], env: {} },
    {
      name: 'hoptrace',
      preload: ['--require', path.join(REPO, 'register.js')],
      // ES module apps: the documented flag. (The other agents' ES module set-ups are not compared.)
      esmPreload: ['--import', path.join(REPO, 'register.js')],
      env: { ...QUEUE, OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_TRACES_SAMPLER: 'always_on' },
    },
    {
      name: 'OpenTelemetry',
      preload: ['--require', require.resolve('@opentelemetry/auto-instrumentations-node/register', { paths: [BENCH_MODULES] })],
      env: {
        ...QUEUE,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_TRACES_SAMPLER: 'always_on',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        // The default also runs cloud detectors, which probe metadata addresses off this machine.
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
      },
    },
    {
      name: 'dd-trace',
      preload: ['--require', require.resolve('dd-trace/init', { paths: [BENCH_MODULES] })],
      env: {
        DD_TRACE_AGENT_URL: receiverUrl,
        DD_TRACE_SAMPLE_RATE: '1',
        DD_TRACE_STARTUP_LOGS: 'false',
        DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
        DD_REMOTE_CONFIGURATION_ENABLED: 'false',
        DD_RUNTIME_METRICS_ENABLED: 'false',
        DD_TRACE_STATS_COMPUTATION_ENABLED: 'false',
        DD_DOGSTATSD_HOSTNAME: '127.0.0.1',
      },
    },
  ];
}

/** The app alone and with hoptrace: what the memory benches compare (memory.js, compile-memory.js). */
function hoptraceAndNoAgent(receiverUrl) {
  return configs(receiverUrl).filter((c) => c.name === 'no agent' || c.name === 'hoptrace');
}

module.exports = { configs, hoptraceAndNoAgent, REPO, BENCH_MODULES };

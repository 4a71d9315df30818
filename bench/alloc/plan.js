'use strict';
// What the in-process loops of alloc/worker.js measure, shared by bench/alloc.js (bytes per
// operation) and bench/hotpath.js (time per operation): the scenarios, the configurations and the
// Node builds.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');

/**
 * What a figure moves between runs of the same code, as a share of the scenario's own allocation
 * without an agent (each scenario's `noise`): ~1 % for the Kafka loop; for HTTP, where Node's own
 * ~15–25 KB per request move with the sockets' reads and the JIT's timing, up to ~7 % (on Node 26,
 * sampling off, three checks of one build gave +707, +863 and +1,641 B). A rise within it is not
 * counted against the baseline: the HTTP rows catch only a gross rise.
 */
const KAFKA_NOISE = 0.05;

const SCENARIOS = [
  { name: 'kafka-eachMessage-100', label: 'kafkajs eachMessage, sends of 100', unit: 'message', ops: 8000, noise: KAFKA_NOISE },
  { name: 'kafka-eachBatch-100', label: 'kafkajs eachBatch, sends of 100', unit: 'message', ops: 4000, noise: KAFKA_NOISE },
  // Sends of one make a message cost several KB, and a function V8 optimizes during the loop adds
  // its code to the heap: at 4,000 messages Node 20's eachMessage figures moved by ±300 B from run
  // to run (one CI run read +10 % on code that allocated no more); 8,000 spread that over twice as
  // many. eachBatch's at 100 % would not stay inside the loop's young generation at 8,000.
  { name: 'kafka-eachMessage-1', label: 'kafkajs eachMessage, sends of 1', unit: 'message', ops: 8000, noise: KAFKA_NOISE },
  { name: 'kafka-eachBatch-1', label: 'kafkajs eachBatch, sends of 1', unit: 'message', ops: 4000, noise: KAFKA_NOISE },
  { name: 'http', label: 'express GET /users/:id', unit: 'request', ops: 4000, noise: 0.12 },
];

// Nothing is exported while a loop runs (the queue and the batch take everything, the schedule is
// far away), so the figures hold the span's recording and its encoding, not the network.
const AGENT_ENV = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
  OTEL_BSP_MAX_QUEUE_SIZE: '1000000',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1000000',
  OTEL_BSP_SCHEDULE_DELAY: '600000',
  HOPTRACE_LOG_LEVEL: 'error',
};
const CONFIGS = [
  { name: 'no agent', preload: [], env: {} },
  { name: 'floor', preload: [], env: { FLOOR: '1' } },
  { name: 'hoptrace always_off', preload: ['--require', path.join(REPO, 'register.js')], env: { ...AGENT_ENV, OTEL_TRACES_SAMPLER: 'always_off' } },
  {
    name: 'hoptrace 10 %',
    preload: ['--require', path.join(REPO, 'register.js')],
    env: { ...AGENT_ENV, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  },
  { name: 'hoptrace 100 %', preload: ['--require', path.join(REPO, 'register.js')], env: { ...AGENT_ENV, OTEL_TRACES_SAMPLER: 'always_on' } },
];

/** This Node and every other major CI tests on (test/infra/node/), as `{ major, bin }`. */
function nodes(majors) {
  const found = [{ major: process.versions.node.split('.')[0], bin: process.execPath }];
  const listed = execFileSync('bash', [path.join(REPO, 'test/infra/node/install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of listed.trim().split('\n')) {
    const [major, bin] = line.split(' ');
    if (major && bin && !found.some((n) => n.major === major)) found.push({ major, bin });
  }
  return found.filter((n) => !majors || majors.includes(n.major)).sort((a, b) => Number(a.major) - Number(b.major));
}

module.exports = { SCENARIOS, CONFIGS, AGENT_ENV, nodes };

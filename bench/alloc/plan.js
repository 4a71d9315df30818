'use strict';
// What the in-process loops of alloc/worker.js measure, shared by bench/alloc.js (bytes per
// operation) and bench/hotpath.js (time per operation): the scenarios and the configurations.
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');

/**
 * What a figure may move between runs of the same code, as a share of the scenario's own
 * allocation without an agent (each scenario's `noise`); a rise within it is not counted against
 * the baseline. bench/alloc.js has V8 compile on the main thread, so a figure is the same from run
 * to run (within ~10 B for HTTP, whose reads follow the socket): this only leaves room for what
 * the machine around it may change. Compiling in the background, as V8 does by default, the
 * figures moved by up to 7 % (HTTP) and 300 B per Kafka message (eachBatch at 100 %: 4,157–4,579 B
 * on Node 24), with whichever functions were optimized by the time the loop started.
 */
const NOISE = 0.02;

/**
 * Operations run before the measured loop (`warmup`): three times the loop's own, by which every
 * figure had settled (after as many as the loop's, eachBatch sends of one at 100 % read 13,507 B
 * on Node 24; after three times as many 12,645, after six 12,643).
 */
const WARMUP_LOOPS = 3;

const SCENARIOS = [
  // spansPerOp: what an agent that records everything must deliver per operation (bench/hotpath.js
  // checks it): a PRODUCER and a CONSUMER span per message, and in eachBatch one span per batch.
  { name: 'kafka-eachMessage-100', label: 'kafkajs eachMessage, sends of 100', unit: 'message', ops: 8000, spansPerOp: 2 },
  { name: 'kafka-eachBatch-100', label: 'kafkajs eachBatch, sends of 100', unit: 'message', ops: 4000, spansPerOp: 2 + 1 / 100 },
  // Sends of one make a message cost several KB, and a function V8 optimizes during the loop adds
  // its code to the heap: at 4,000 messages Node 20's eachMessage figures moved by ±300 B from run
  // to run (one CI run read +10 % on code that allocated no more); 8,000 spread that over twice as
  // many. eachBatch's at 100 % would not stay inside the loop's young generation at 8,000.
  { name: 'kafka-eachMessage-1', label: 'kafkajs eachMessage, sends of 1', unit: 'message', ops: 8000, spansPerOp: 2 },
  { name: 'kafka-eachBatch-1', label: 'kafkajs eachBatch, sends of 1', unit: 'message', ops: 4000, spansPerOp: 3 },
  { name: 'http', label: 'express GET /users/:id', unit: 'request', ops: 4000, spansPerOp: 1 },
].map((scenario) => ({ ...scenario, warmup: scenario.ops * WARMUP_LOOPS, noise: NOISE }));

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

module.exports = { SCENARIOS, CONFIGS, AGENT_ENV };

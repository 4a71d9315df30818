'use strict';
// `npm run bench -- --hotpath [--split] [--majors 24,26] [--rounds N]`: CPU time per operation of the
// in-process loops of alloc/worker.js (a kafkajs-shaped stub, an express app over a keep-alive
// loopback socket), for no agent, the propagation floor, and hoptrace with sampling off, at 10 %
// and at 100 %, per Node major. No broker, no network, no load generator: what is left is the
// app's code and the agent's, so the figures move less than the end-to-end runs' (bench/run.js,
// bench/floor.js). Rounds are interleaved (in each, scenario by scenario, every configuration back
// to back, in an order that turns from round to round), and each figure is read against the floor
// of the same round before the median of the rounds is taken: the machine's speed drifts over an
// hour, by tens of percent on this one. Ratios are throughput against the floor: floor time /
// configuration time. Writes HOTPATH.md and HOTPATH.json (`--report`: the report again from the
// JSON, no run).
//
// Every span a configuration that records everything traced must reach the receiver (warm-up and
// loop alike): a run that drops spans is cheaper than one that delivers them, so such a run fails
// the bench (exit code 1, the runs named) after the report is written.
//
// --split: where a recorded span's cost goes: hoptrace at 100 % with its spans recorded but sent
// nowhere (OTEL_TRACES_EXPORTER=none) beside the same exported, against the floor. Writes
// HOTPATH-SPLIT.md and .json.
//
// What this leaves out is what the agent does not touch (kafkajs's protocol work, the broker,
// the network), so the ratios here are the agent's worst case: a real app spends more time per
// operation outside the agent, and its ratio is nearer 1.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { SCENARIOS, CONFIGS } = require('./alloc/plan');
const { nodeBuilds } = require('./node-builds');
const { startReceiver } = require('./receiver');
const { median, turned } = require('./rounds');
const { pinBrokerAwayFromApp } = require('./run');

const argument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const MAJORS = argument('--majors')?.split(',') ?? ['24', '26'];
const ROUNDS = Number(argument('--rounds') ?? 5);
const SPLIT = process.argv.includes('--split');
const hoptraceAt100 = CONFIGS.find((c) => c.name === 'hoptrace 100 %');
const MEASURED = SPLIT
  ? [
      CONFIGS.find((c) => c.name === 'floor'),
      { ...hoptraceAt100, name: 'hoptrace 100 %, not exported', env: { ...hoptraceAt100.env, OTEL_TRACES_EXPORTER: 'none' } },
      hoptraceAt100,
    ]
  : CONFIGS;
const OUTPUT = SPLIT ? 'HOTPATH-SPLIT' : 'HOTPATH';
/**
 * Operations per measured loop (and as many before it, to warm up): long enough that a collection
 * or two averages out. Express at 8,000 requests moved by several µs a request between rounds
 * (`always_off` read 0.92 and 1.00 of the floor in one run); at 30,000 the medians of a request's
 * time held within ~2 µs.
 */
const OPS = { message: 40000, request: 30000 };

/**
 * Unlike the allocation loops (which export nothing, so that no collection runs), an agent here
 * exports as it would in an app: batches of OpenTelemetry's default size, on schedule, over HTTP to
 * a live receiver on the other core, with the Kafka loop going back to the event loop every
 * YIELD_EVERY messages as a consumer waiting on its broker does. Otherwise every span would pile
 * into one batch whose buffer grows for the whole run, a cost no app pays. The queue is bounded
 * far above what a loop makes, so nothing recorded is dropped (dropping would be cheaper).
 */
const EXPORT_ENV = { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512', OTEL_BSP_SCHEDULE_DELAY: '200' };
const YIELD_EVERY = '1000';

/** Configurations whose every traced operation must be delivered. */
const RECORDS_EVERYTHING = new Set(['hoptrace 100 %']);

async function measureOnce(node, scenario, config, receiver, failures) {
  // The app on one core, as in the end-to-end runs; the default heap, so collections count.
  const args = ['-c', '0', node.bin, ...config.preload, '--expose-gc', path.join(__dirname, 'alloc', 'worker.js')];
  const agent = config.preload.length > 0 ? { ...EXPORT_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } : {};
  const ops = OPS[scenario.unit];
  // WARMUP: as many operations as the loop's before it (the worker's default), traced alike.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...config.env, ...agent, YIELD_EVERY, SCENARIO: scenario.name, OPS: String(ops), WARMUP: String(ops) };
  for (let attempt = 1; attempt <= 3; attempt++) {
    receiver.take();
    // Not spawnSync: the receiver answers from this process's event loop while the loop runs.
    const result = await run('taskset', args, env);
    let nsPerOp;
    try {
      nsPerOp = JSON.parse(result.stdout.trim().split('\n').pop()).nsPerOp;
    } catch {
      if (attempt === 3) throw new Error(`hotpath: ${config.name}, ${scenario.name}, Node ${node.major}: no result (${(result.stderr || result.stdout).trim().split('\n').slice(0, 3).join(' ')})`);
      continue;
    }
    if (RECORDS_EVERYTHING.has(config.name)) {
      // The agent sends what is left at exit before the process ends; a moment for the last request to be read.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const delivered = receiver.take();
      const expected = Math.round(2 * ops * scenario.spansPerOp);
      if (delivered < expected) {
        const said = result.stderr.trim().split('\n').filter(Boolean).slice(0, 2).join(' / ');
        failures.push(`${config.name}, ${scenario.label}, Node ${node.major}: ${delivered} spans delivered for ${expected} traced${said ? ` (${said})` : ''}`);
      }
    }
    return nsPerOp;
  }
}

function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ stdout, stderr });
    });
  });
}

/** One configuration against the floor, round by round: the median of the rounds' ratios (floor time / time) and of their differences (ns). */
function againstFloor(row, name) {
  const pairs = row[name].runs.map((ns, i) => [ns, row.floor.runs[i]]).filter(([ns, floor]) => ns > 0 && floor > 0);
  return { ratio: median(pairs.map(([ns, floor]) => floor / ns)), above: median(pairs.map(([ns, floor]) => ns - floor)) };
}

async function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  if (process.argv.includes('--report')) {
    const saved = JSON.parse(fs.readFileSync(path.join(__dirname, `${OUTPUT}.json`), 'utf8'));
    fs.writeFileSync(path.join(__dirname, `${OUTPUT}.md`), SPLIT ? splitReport(saved) : report(saved));
    log(`wrote bench/${OUTPUT}.md from ${OUTPUT}.json`);
    return;
  }
  // This process receives the spans: on the other core, away from the loop it measures.
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  // These loops need no broker, but one left running from the end-to-end runs is not idle: its
  // threads on the loop's core made express slower and noisier (no agent, Node 24: 46-50 µs a
  // request at the median without it, 57-89 with it). Moved to the other core while this runs;
  // none running is better.
  pinBrokerAwayFromApp(() => {});
  const receiver = await startReceiver();
  const results = {};
  const failures = [];
  for (const node of nodeBuilds(MAJORS)) {
    const { version } = node;
    const samples = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        for (const config of turned(MEASURED, round - 1)) ((samples[scenario.name] ??= {})[config.name] ??= [])[round - 1] = await measureOnce(node, scenario, config, receiver, failures);
      }
      log(`hotpath ${version}: round ${round}/${ROUNDS}`);
    }
    results[node.major] = { version, scenarios: {} };
    for (const scenario of SCENARIOS) {
      results[node.major].scenarios[scenario.name] = Object.fromEntries(MEASURED.map((c) => [c.name, { median: median(samples[scenario.name][c.name]), runs: samples[scenario.name][c.name] }]));
    }
  }
  fs.writeFileSync(path.join(__dirname, `${OUTPUT}.json`), `${JSON.stringify(results, null, 1)}\n`);
  fs.writeFileSync(path.join(__dirname, `${OUTPUT}.md`), SPLIT ? splitReport(results) : report(results));
  log(`wrote bench/${OUTPUT}.md`);
  await receiver.close();
  if (failures.length > 0) {
    log(`FAILED: runs delivered fewer spans than they traced:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

function report(results) {
  const cpu = os.cpus();
  const lines = [
    '# The hot path, in process',
    '',
    'Written by `npm run bench -- --hotpath` (bench/hotpath.js): CPU time per operation of an in-process',
    'loop (alloc/worker.js) pinned to one core: Kafka messages sent and consumed through a kafkajs-shaped',
    'stub, express requests over a keep-alive loopback socket. No broker and no network, so the agent is',
    'a larger share of each operation than in a real app: these ratios are its worst case. They move less',
    'than the end-to-end runs\' but still with the machine\'s speed, which drifts by tens of percent over',
    `an hour: ${ROUNDS} rounds, in each every configuration back to back scenario by scenario (the order turning`,
    'from round to round), each ratio and difference read against the floor of the same round, then the',
    `median of the rounds. Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}.`,
    'Recorded spans are exported as in an app: batches of 512 over HTTP to a live receiver on the other',
    'core (the Kafka loop returns to the event loop every 1,000 messages, as a consumer waiting on its',
    'broker does), so the 100 % column includes encoding and sending them.',
    '',
    'Ratios are throughput against the floor (floor time / time; 1.00 = the floor); "µs above floor" is',
    'time per operation minus the floor\'s.',
    '',
  ];
  const configs = ['hoptrace always_off', 'hoptrace 10 %', 'hoptrace 100 %'];
  for (const { version, scenarios } of Object.values(results)) {
    lines.push(`## Node ${version}`, '', '| scenario | no agent | floor | always_off | 10 % | 100 % | µs above floor: always_off / 10 % / 100 % |', '|---|---|---|---|---|---|---|');
    for (const scenario of SCENARIOS) {
      const row = scenarios[scenario.name];
      const floor = row.floor.median;
      const us = (ns) => (ns / 1000).toFixed(ns < 10000 ? 2 : 1);
      const ratio = (name) => againstFloor(row, name).ratio.toFixed(2);
      const above = (name) => {
        const delta = againstFloor(row, name).above;
        return `${delta < 0 ? '−' : '+'}${us(Math.abs(delta))}`;
      };
      lines.push(
        `| ${scenario.label}, per ${scenario.unit} | ${us(row['no agent'].median)} µs | ${us(floor)} µs | ${configs.map(ratio).join(' | ')} | ${configs.map(above).join(' / ')} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** --split: per scenario, what recording costs above the floor, and what encoding and exporting the recorded spans adds. */
function splitReport(results) {
  const cpu = os.cpus();
  const lines = [
    '# Where a recorded span\'s cost goes, in process',
    '',
    'Written by `npm run bench -- --hotpath --split` (bench/hotpath.js): the loops of HOTPATH.md with every',
    'span sampled, once with the spans recorded and sent nowhere (`OTEL_TRACES_EXPORTER=none`: made,',
    'given their attributes and ended, then dropped) and once exported as in HOTPATH.md (encoded to',
    'OTLP 16 at a time as they end, sent in batches of 512 to a live receiver on the other core). The difference is',
    `what the export of one operation's spans costs. ${ROUNDS} interleaved rounds; each difference read within a round, then the median of the rounds. Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}.`,
    '',
  ];
  for (const { version, scenarios } of Object.values(results)) {
    lines.push(`## Node ${version}`, '', '| scenario | floor | recorded, not exported: above the floor | exported: above the floor | the export alone |', '|---|---|---|---|---|');
    for (const scenario of SCENARIOS) {
      const row = scenarios[scenario.name];
      const us = (ns) => `${ns < 0 ? '−' : '+'}${(Math.abs(ns) / 1000).toFixed(2)} µs`;
      const floor = row.floor.median;
      const recorded = againstFloor(row, 'hoptrace 100 %, not exported').above;
      const exported = againstFloor(row, 'hoptrace 100 %').above;
      // The export alone: exported less recorded, round by round.
      const exportAlone = median(row['hoptrace 100 %'].runs.map((ns, i) => ns - row['hoptrace 100 %, not exported'].runs[i]));
      lines.push(`| ${scenario.label}, per ${scenario.unit} | ${(floor / 1000).toFixed(2)} µs | ${us(recorded)} | ${us(exported)} | ${us(exportAlone)} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

'use strict';
// `npm run bench -- --alloc [--check] [--update-baseline] [--majors 24,26]`: bytes allocated per
// operation, per Node major, for no agent, the propagation floor, and hoptrace with sampling off,
// at 10 % and at 100 %. Each figure is the least of three runs of alloc/worker.js (an in-process
// loop after a warm-up, with V8 compiling on the main thread: see leastOfRuns). Allocation counts,
// unlike times, do not move between runs, so this is the figure CI guards: --check fails when hoptrace's bytes above the baseline's no-agent figure rise
// more than 10 % over alloc-baseline.json (more than a run's own noise, where that is larger: see alloc/plan.js) on any
// major it has a baseline for (HOPTRACE_ALLOC_BASELINE names another file: to see the guard fail).
// It also fails when, with sampling off, more bytes per operation outlive the young generation than
// the floor's by more than PROMOTION_ALLOWANCE (measurePromotion: nothing unsampled may outlive its operation).
// Writes ALLOC.md and ALLOC.json (not with --check). Needs no broker.
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const { SCENARIOS, CONFIGS } = require('./alloc/plan');
const { nodeBuilds } = require('./node-builds');
const CHECK = process.argv.includes('--check');
const UPDATE_BASELINE = process.argv.includes('--update-baseline');
const BASELINE_FILE = process.env.HOPTRACE_ALLOC_BASELINE || path.join(__dirname, 'alloc-baseline.json');
/** `--majors 20,24`: only these Node majors (default: every one). */
const MAJORS = process.argv.includes('--majors') ? process.argv[process.argv.indexOf('--majors') + 1].split(',') : undefined;
const RUNS = 3;
/**
 * Runs measured at once, one per core: a figure counts bytes, not time, and each run compiles on
 * its own main thread (--single-threaded), so a neighbour on the other core moves it no more than
 * a run alone does, and CI's guard takes half the time (245 s on 2 cores one at a time).
 */
const PARALLEL = Math.max(1, os.availableParallelism());
let running = 0;
const waiting = [];

/** A worker process, started when a core is free; resolves with its stdout and stderr, never rejects. */
async function runWorker(bin, args, env) {
  if (running >= PARALLEL) await new Promise((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise((resolve) =>
      execFile(bin, args, { env, encoding: 'utf8', timeout: 120000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ stdout: stdout || '', stderr: stderr || (error ? String(error.message) : '') })),
    );
  } finally {
    running--;
    waiting.shift()?.();
  }
}
/** Allowed rise over the baseline before --check fails. */
const TOLERANCE = 0.1;
const GUARDED = ['hoptrace always_off', 'hoptrace 100 %'];
/**
 * Bytes per operation that hoptrace with sampling off may move to the old generation beyond the
 * floor's: 64 B, or a quarter of the floor's own where that is more. Both sit at ~10-30 B on Node
 * 24 and 26 (the warm-up's survivors, spread over the loop), ~100 B for Kafka and ~4 KB per HTTP
 * request on Node 20 and 22, whose async hooks keep each request's resources a while; a batch's
 * objects kept alive from one batch to the next measured ~300 B against the floor's 24 (see
 * instrumentations/kafkajs/batch.ts).
 */
const PROMOTION_ALLOWANCE = 64;
const PROMOTION_SHARE = 0.25;
/** Operations per promotion loop: enough minor collections (tens) to average over. */
const PROMOTION_OPS = { message: 40000, request: 8000 };

/**
 * One figure. A run that gave no result is run again: Node 22's express app has been seen, without
 * any agent, to answer 500 once in a few tens of thousands of requests in this loop. A collection
 * inside the loop (rare: one V8 forces) no longer spoils a run: the worker adds what it freed.
 */
async function measure(node, scenario, config) {
  const problems = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = await measureOnce(node, scenario, config);
    if (result.problem === undefined) return result.bytesPerOp;
    problems.push(result.problem);
  }
  throw new Error(`alloc: ${config.name}, ${scenario.name}, Node ${node.major}: no figure in three runs: ${problems.join('; ')}`);
}

async function measureOnce(node, scenario, config) {
  const args = [...config.preload, '--single-threaded', '--expose-gc', '--max-semi-space-size=256', '--min-semi-space-size=256', '--initial-old-space-size=512', path.join(__dirname, 'alloc', 'worker.js')];
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...config.env, SCENARIO: scenario.name, OPS: String(scenario.ops), WARMUP: String(scenario.warmup) };
  const result = await runWorker(node.bin, args, env);
  const line = result.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    return { problem: `no result (${(result.stderr || result.stdout).trim().split('\n').slice(0, 3).join(' ')})` };
  }
}

/**
 * One configuration's figure: the least of RUNS runs. What moved a figure between runs of the same
 * code was the JIT's timing: which functions V8 had optimized, and how, when the loop started.
 * Compiling in the background, as it does by default, Node 24's eachBatch at 100 % read
 * 4,157–4,579 B in ten runs of one build (two clusters 300 B apart), and Node 22's with sampling
 * off a median of five of 2,362–2,384 B here and 2,496–2,610 in seven CI runs, one of which failed
 * the guard. With --single-threaded V8 compiles on the main thread, when a function's count says
 * so, and every run reads the same (HTTP within ~10 B). The least of three still leaves out a run
 * that something outside the loop disturbed.
 */
async function leastOfRuns(node, scenario, config) {
  const runs = await Promise.all(Array.from({ length: RUNS }, () => measure(node, scenario, config)));
  return { least: Math.round(Math.min(...runs)), most: Math.round(Math.max(...runs)) };
}

/**
 * Bytes per operation promoted to the old generation, in the default heap where minor collections
 * run, for the floor and for hoptrace with sampling off (alloc/worker.js's promotedPerOp). The
 * smaller of two runs: a figure is only ever raised by something outside the loop.
 */
async function measurePromotion(node, scenario) {
  const row = {};
  const promotedOnce = async (config) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...config.env, SCENARIO: scenario.name, OPS: String(PROMOTION_OPS[scenario.unit]) };
    const result = await runWorker(node.bin, [...config.preload, '--expose-gc', path.join(__dirname, 'alloc', 'worker.js')], env);
    try {
      return JSON.parse(result.stdout.trim().split('\n').pop()).promotedPerOp;
    } catch {
      return undefined; // counted below: a config with no figure fails the check
    }
  };
  await Promise.all(
    ['floor', 'hoptrace always_off'].map(async (name) => {
      const config = CONFIGS.find((c) => c.name === name);
      const figures = (await Promise.all([promotedOnce(config), promotedOnce(config)])).filter((figure) => typeof figure === 'number');
      if (figures.length === 0) throw new Error(`alloc: ${name}, ${scenario.name}, Node ${node.major}: no promotion figure in two runs`);
      row[name] = Math.round(Math.min(...figures));
    }),
  );
  return row;
}

/**
 * The most bytes per operation a guarded configuration may allocate: the baseline's figure above
 * no agent plus 10 % (or the scenario's allowance for what the machine may change, where that is
 * more), on top of the baseline's no-agent figure where it has one (this run's own, where not).
 */
function limitOf(baselineRow, configName, noise, noAgentNow) {
  const was = baselineRow[configName];
  const noAgent = baselineRow['no agent'] ?? noAgentNow;
  return noAgent + was + Math.max(was * TOLERANCE, noAgent * noise);
}

async function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  const configs = CHECK ? CONFIGS.filter((c) => c.name === 'no agent' || GUARDED.includes(c.name)) : CONFIGS;
  const results = {};
  // Every run of a major is queued at once (PARALLEL of them run at a time); a scenario's lines are
  // printed as soon as its runs are in, in the plan's order.
  for (const node of nodeBuilds(MAJORS)) {
    const { version } = node;
    results[node.major] = { version, scenarios: {}, promoted: {} };
    const measured = SCENARIOS.map((scenario) => ({
      scenario,
      figures: Promise.all(configs.map((config) => leastOfRuns(node, scenario, config))),
      promoted: measurePromotion(node, scenario),
    }));
    // Failures are thrown below, in order; these keep a later one from being reported as unhandled first.
    for (const { figures, promoted } of measured) figures.catch(() => {}), promoted.catch(() => {});
    for (const { scenario, figures, promoted } of measured) {
      const row = (results[node.major].scenarios[scenario.name] = {});
      const spread = {};
      (await figures).forEach((figure, i) => {
        row[configs[i].name] = figure.least;
        spread[configs[i].name] = figure.most === figure.least ? `${figure.least} B` : `${figure.least} B (most ${figure.most})`;
      });
      log(`alloc ${version} ${scenario.name}: ${configs.map((c) => `${c.name} ${spread[c.name]}`).join(', ')}`);
      const promotedRow = (results[node.major].promoted[scenario.name] = await promoted);
      log(`alloc ${version} ${scenario.name}: promoted per ${scenario.unit}: floor ${promotedRow.floor} B, hoptrace always_off ${promotedRow['hoptrace always_off']} B`);
    }
  }
  const added = (row, name) => row[name] - row['no agent'];

  if (UPDATE_BASELINE) {
    const baseline = {};
    for (const [major, { version, scenarios }] of Object.entries(results)) {
      baseline[major] = { version };
      // The no-agent figure is kept too: the check measures hoptrace against it, not against this
      // run's own no-agent loop, whose bytes move by hundreds between runs on some majors.
      for (const [name, row] of Object.entries(scenarios)) baseline[major][name] = { 'no agent': row['no agent'], ...Object.fromEntries(GUARDED.map((c) => [c, added(row, c)])) };
    }
    fs.writeFileSync(BASELINE_FILE, `${JSON.stringify(baseline, null, 1)}\n`);
    log(`wrote ${path.relative(REPO, BASELINE_FILE)}`);
  }
  if (CHECK) {
    const baseline = JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf8'));
    const failures = [];
    for (const [major, { scenarios }] of Object.entries(results)) {
      if (!baseline[major]) {
        failures.push(`Node ${major}: no baseline in ${path.relative(REPO, BASELINE_FILE)} (npm run bench -- --alloc --update-baseline)`);
        continue;
      }
      for (const [name, promoted] of Object.entries(results[major].promoted)) {
        const above = promoted['hoptrace always_off'] - promoted.floor;
        const allowed = Math.max(PROMOTION_ALLOWANCE, Math.round(promoted.floor * PROMOTION_SHARE));
        if (above > allowed) failures.push(`Node ${major}, ${name}, hoptrace always_off: ${promoted['hoptrace always_off']} B per operation outlived the young generation, the floor's ${promoted.floor} B (allowed +${allowed} B): something unsampled is kept alive across operations`);
      }
      for (const [name, row] of Object.entries(scenarios)) {
        for (const config of GUARDED) {
          const was = baseline[major][name]?.[config];
          const noAgent = baseline[major][name]?.['no agent'] ?? row['no agent'];
          const now = row[config] - noAgent;
          if (was === undefined) failures.push(`Node ${major}, ${name}, ${config}: no baseline`);
          else if (row[config] > limitOf(baseline[major][name], config, SCENARIOS.find((scenario) => scenario.name === name).noise, row['no agent'])) failures.push(`Node ${major}, ${name}, ${config}: ${now} B per operation above no agent, baseline ${was} B (+${Math.round((now / was - 1) * 100)} %)`);
        }
      }
    }
    if (failures.length > 0) {
      log(`alloc: FAILED, allocations rose more than ${TOLERANCE * 100} % over the baseline, or objects outlived their operation:\n  ${failures.join('\n  ')}`);
      process.exitCode = 1;
    } else log('alloc: every guarded figure within the baseline');
    return;
  }
  fs.writeFileSync(path.join(__dirname, 'ALLOC.json'), `${JSON.stringify(results, null, 1)}\n`);
  fs.writeFileSync(path.join(__dirname, 'ALLOC.md'), report(results));
  log('wrote bench/ALLOC.md');
}

function report(results) {
  const lines = [
    '# Bytes allocated per operation',
    '',
    'Written by `npm run bench -- --alloc` (bench/alloc.js): an in-process loop per scenario, after a',
    'warm-up of three times as many operations, in a young generation large enough that garbage',
    'collections seldom run during it; heap growth (plus what a collection in the loop freed) divided by',
    'the count; V8 compiling on the main thread (`--single-threaded`), so that a figure is the same from',
    'run to run; the least of three runs. Kafka: a message sent and consumed through a kafkajs-shaped stub (no',
    'network; what kafkajs itself allocates is left out), one operation per message. HTTP: one express',
    '`GET /users/:id` over a keep-alive loopback connection. hoptrace encodes each recorded span as it',
    'ends (counted here); nothing is exported during the loop. Columns after the first two: bytes above',
    'no agent; the last, what recording costs beyond carrying context: hoptrace 100 % above the floor',
    '(for Kafka, a PRODUCER and a CONSUMER span per message).',
    '',
  ];
  for (const [major, { version, scenarios, promoted }] of Object.entries(results)) {
    lines.push(`## Node ${version}`, '', '| scenario | no agent | floor | hoptrace always_off | hoptrace 10 % | hoptrace 100 % | 100 % above the floor |', '|---|---|---|---|---|---|---|');
    for (const scenario of SCENARIOS) {
      const row = scenarios[scenario.name];
      const above = (name, base = 'no agent') => {
        const bytes = row[name] - row[base];
        return `${bytes < 0 ? '−' : '+'}${Math.abs(bytes).toLocaleString('en-US')} B`;
      };
      lines.push(
        `| ${scenario.label}, per ${scenario.unit} | ${row['no agent'].toLocaleString('en-US')} B | ${above('floor')} | ${above('hoptrace always_off')} | ${above('hoptrace 10 %')} | ${above('hoptrace 100 %')} | ${above('hoptrace 100 %', 'floor')} |`,
      );
    }
    lines.push('');
    if (promoted) {
      lines.push(
        'Bytes per operation that outlived the young generation (in the default heap, where minor collections run; the smaller of two runs): where an operation\'s objects die young, ~10-30 B on Node 24 and 26 (the warm-up\'s survivors, spread over the loop); more on Node 20 and 22, whose async hooks keep each operation\'s resources a while (~4 KB per HTTP request, with or without an agent). CI fails when hoptrace with sampling off leaves more than the floor\'s by 64 B or a quarter of the floor\'s own.',
        '',
        '| scenario | floor | hoptrace always_off |',
        '|---|---|---|',
      );
      for (const scenario of SCENARIOS) lines.push(`| ${scenario.label}, per ${scenario.unit} | ${promoted[scenario.name].floor} B | ${promoted[scenario.name]['hoptrace always_off']} B |`);
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1); // not waiting for the runs still queued
});

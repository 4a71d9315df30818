'use strict';
// `npm run bench -- --floor [--quick] [--majors 24,26] [--rounds N] [--scenarios a,b] [--configs a,b] [--out NAME]`:
// hoptrace against the propagation floor (apps/floor.js: the same apps carrying context by hand, no
// agent) and no agent, with sampling off (`always_off`), at 10 % and at 100 %, on each Node major
// (default: 24 and 26, the headline ones; builds from test/infra/node/). Configurations interleaved
// round by round on each major. Writes bench/FLOOR.md and FLOOR.json (--quick: FLOOR-quick.*;
// --out NAME: bench/NAME.*). Needs the broker `npm run kafka:start` runs (or KAFKA_BROKERS).
//
// A closer look at a few figures: `--scenarios` (users, chain, eachMessage-100, eachBatch-100,
// eachMessage-1, eachBatch-1) and `--configs` (none, off, 10, 100; the floor always runs) narrow
// the run, so that more rounds fit in the same hour.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
const { configs, REPO } = require('./configs');
const { requiredNodeBuilds } = require('./node-builds');
const { startReceiver } = require('./receiver');
const { median, turned } = require('./rounds');
const { PLAN, KAFKA_WARMUP, httpRun, kafkaRun, checkSpans, pinBrokerAwayFromApp } = require('./run');

const QUICK = process.argv.includes('--quick');
const listArgument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1].split(',') : undefined);
const MAJORS = listArgument('--majors') ?? ['24', '26'];
Object.assign(PLAN, QUICK ? { rounds: 1, warmup: 1, duration: 2, kafka: { 1: 300, 100: 2000 }, kafkaWarmup: { 1: 100, 100: 1000 } } : { rounds: 5, warmup: 2, duration: 6, kafka: { 1: 3000, 100: 30000 }, kafkaWarmup: KAFKA_WARMUP });
// `--rounds N`: more interleaved rounds than the default 5, where the runs of one configuration spread wider than its distance to the floor.
if (process.argv.includes('--rounds')) PLAN.rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]);
const KAFKA_VARIANTS = [[100, 'eachMessage'], [100, 'eachBatch'], [1, 'eachMessage'], [1, 'eachBatch']];
/** The majors the targets are read on; others (20, 22) are reported beside them. */
const HEADLINE_MAJORS = ['24', '26'];
const ONLY_SCENARIOS = listArgument('--scenarios');
const ONLY_CONFIGS = listArgument('--configs');
const OUT = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : QUICK ? 'FLOOR-quick' : 'FLOOR';
const CONFIG_KEYS = { none: 'no agent', off: 'hoptrace always_off', 10: 'hoptrace 10 %', 100: 'hoptrace 100 %' };
const SCENARIO_KEYS = ['users', 'chain', ...KAFKA_VARIANTS.map(([batch, mode]) => `${mode}-${batch}`)];

/** A name --scenarios or --configs does not know, said before anything starts (a run takes most of an hour). */
function checkNarrowing() {
  const unknownScenarios = (ONLY_SCENARIOS ?? []).filter((key) => !SCENARIO_KEYS.includes(key));
  if (unknownScenarios.length > 0) throw new Error(`bench: --scenarios ${unknownScenarios.join(',')}: not one of ${SCENARIO_KEYS.join(', ')}`);
  const unknownConfigs = (ONLY_CONFIGS ?? []).filter((key) => !(key in CONFIG_KEYS));
  if (unknownConfigs.length > 0) throw new Error(`bench: --configs ${unknownConfigs.join(',')}: not one of ${Object.keys(CONFIG_KEYS).join(', ')}`);
}

function floorConfigs(receiverUrl) {
  const hoptrace = configs(receiverUrl).find((c) => c.name === 'hoptrace');
  const withSampler = (name, env, sampledFraction) => ({ ...hoptrace, name, env: { ...hoptrace.env, ...env }, sampledFraction });
  const all = [
    { name: 'no agent', preload: [], env: {} },
    { name: 'floor', preload: [], env: { FLOOR: '1' } },
    withSampler('hoptrace always_off', { OTEL_TRACES_SAMPLER: 'always_off' }, false),
    withSampler('hoptrace 10 %', { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }, false),
    withSampler('hoptrace 100 %', {}, undefined),
  ];
  if (!ONLY_CONFIGS) return all;
  const wanted = new Set(['floor', ...ONLY_CONFIGS.map((key) => CONFIG_KEYS[key])]);
  return all.filter((config) => wanted.has(config.name));
}

/** The scenarios of a run: every one, or those `--scenarios` names. */
function chosen(scenarios) {
  if (!ONLY_SCENARIOS) return scenarios;
  return scenarios.filter((scenario) => ONLY_SCENARIOS.includes(scenario.key));
}

async function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  if (process.argv.includes('--report')) {
    // The tables again from FLOOR.json, as the current report writes them (no run).
    const file = path.join(__dirname, `${OUT}.md`);
    const saved = JSON.parse(fs.readFileSync(file.replace(/\.md$/, '.json'), 'utf8'));
    fs.writeFileSync(file, report(saved.byMajor, saved.machine, saved.narrowed));
    log(`wrote ${path.relative(REPO, file)} from ${path.basename(file.replace(/\.md$/, '.json'))}`);
    return;
  }
  checkNarrowing();
  const builds = requiredNodeBuilds(MAJORS);
  pinBrokerAwayFromApp(log);
  const receiver = await startReceiver();
  const all = floorConfigs(receiver.url);
  const failures = [];
  const byMajor = {};
  for (const { major, bin, version } of builds) {
    process.env.BENCH_NODE = bin;
    const results = Object.fromEntries(all.map((c) => [c.name, { users: [], chain: [], kafka: {} }]));
    // Scenario by scenario, every configuration back to back (in an order that turns round by
    // round), so that a configuration and the floor it is compared with run minutes apart at most,
    // not a whole round: this machine's speed drifts by tens of percent within an hour, and a
    // ratio is read per round (the configuration against the floor of the same round) before the
    // median is taken.
    const scenarios = chosen([
      { key: 'users', label: 'GET /users/:id', run: (config) => httpRun(config, receiver, '/users/42', 1), into: (r) => r.users },
      { key: 'chain', label: '/chain', run: (config) => httpRun(config, receiver, '/chain', 3), into: (r) => r.chain },
      ...KAFKA_VARIANTS.map(([batch, mode]) => ({
        key: `${mode}-${batch}`,
        label: `kafka ${mode}, sends of ${batch}`,
        run: (config) => kafkaRun(config, receiver, batch, mode),
        into: (r) => (r.kafka[`${mode}, sends of ${batch}`] ??= []),
      })),
    ]);
    for (let round = 1; round <= PLAN.rounds; round++) {
      for (const scenario of scenarios) {
        for (const config of turned(all, round - 1)) {
          log(`${version} round ${round}/${PLAN.rounds}: ${scenario.label}, ${config.name}`);
          const run = await scenario.run(config);
          checkSpans(config, `${version} ${scenario.label}`, run, failures);
          scenario.into(results[config.name])[round - 1] = run;
        }
      }
    }
    byMajor[major] = { version, results };
  }
  await receiver.close();
  delete process.env.BENCH_NODE;
  const machine = `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
  const file = path.join(__dirname, `${OUT}.md`);
  const narrowed = ONLY_SCENARIOS || ONLY_CONFIGS ? { scenarios: ONLY_SCENARIOS, configs: ONLY_CONFIGS } : undefined;
  fs.writeFileSync(file.replace(/\.md$/, '.json'), JSON.stringify({ byMajor, plan: PLAN, machine, narrowed, failures }, null, 1));
  fs.writeFileSync(file, report(byMajor, machine, narrowed));
  log(`wrote ${path.relative(REPO, file)}`);
  if (failures.length > 0) {
    log(`FAILED: configurations delivered fewer spans than they traced:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

/**
 * One scenario's runs on one major, read against the floor round by round: a configuration's run
 * is compared with the floor's of the same round (run minutes apart), and the median taken of those
 * per-round figures, so that the machine's drift over the hour cancels rather than lands in a ratio.
 */
function against(results, runsOf, rateKey, cpuKey, base = 'floor') {
  const baseRuns = runsOf(results[base]) ?? [];
  const rounds = (name) => (results[name] ? runsOf(results[name]) ?? [] : []).map((run, i) => [run, baseRuns[i]]).filter(([run, floor]) => run && floor);
  return {
    /** Whether `name` ran in this scenario (a narrowed run leaves configurations out). */
    has: (name) => rounds(name).length > 0,
    rate: (name) => median((runsOf(results[name]) ?? []).map((x) => x[rateKey])),
    /** Throughput against the base's (the floor's): the median of the rounds', and their least and greatest. */
    ratio: (name) => summary(rounds(name).map(([run, floor]) => run[rateKey] / floor[rateKey])),
    /** The same by the app's CPU per operation (floor CPU / CPU). */
    cpuRatio: (name) => summary(rounds(name).map(([run, floor]) => floor[cpuKey] / run[cpuKey])),
    /** CPU per operation above the floor's, µs: the median of the rounds'. */
    cpuAbove: (name) => median(rounds(name).map(([run, floor]) => run[cpuKey] - floor[cpuKey])),
  };
}

function summary(values) {
  return { median: median(values), least: Math.min(...values), most: Math.max(...values) };
}

const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(0)}`;

/** Per scenario: throughput (median of rounds), its ratio to the floor (paired by round), and CPU per operation above the floor. */
function report(byMajor, machine, narrowed) {
  const lines = [
    '# hoptrace against the propagation floor',
    '',
    'Written by `npm run bench -- --floor` (bench/floor.js). The **floor** is the same app with no agent',
    'carrying context by hand (bench/apps/floor.js): `traceparent` and `uber-trace-id` written on every',
    'message and call, read back on every message and request, one AsyncLocalStorage context entered',
    'per hop; what any agent that propagates must pay. App pinned to one core, load generator and span',
    `receiver on the other. ${PLAN.rounds} rounds; in each, scenario by scenario, every configuration back to back`,
    '(the order turning from round to round), and each ratio read against the floor of the same round',
    `before the median of the rounds is taken. Machine: ${machine}.`,
    `Kafka runs: ${PLAN.kafka[100].toLocaleString('en-US')} messages in sends of 100, ${PLAN.kafka[1].toLocaleString('en-US')} in sends of 1, each measured after ${PLAN.kafkaWarmup[100].toLocaleString('en-US')} / ${PLAN.kafkaWarmup[1].toLocaleString('en-US')} sent and consumed the same way (not measured), so that the figures are the steady state, not the JIT's warm-up.`,
    '',
    'Ratios are throughput against the floor (1.00 = the floor); "µs above floor" is the app\'s own',
    'CPU per request or message minus the floor\'s.',
    '',
  ];
  if (narrowed) {
    const flags = [narrowed.scenarios && `--scenarios ${narrowed.scenarios.join(',')}`, narrowed.configs && `--configs ${narrowed.configs.join(',')}`].filter(Boolean);
    lines.push(`A narrowed run (\`${flags.join(' ')}\`): the floor, and only what these name.`, '');
  }
  // The scenarios this run measured (a narrowed run leaves some out); the floor runs in every one.
  const scenarios = (results) => [
    ['express GET /users/:id', (r) => r.users, 'rps', 'cpuPerRequestUs'],
    ['REST chain', (r) => r.chain, 'rps', 'cpuPerRequestUs'],
    ...Object.keys(results.floor.kafka).map((key) => [`kafkajs ${key}`, (r) => r.kafka[key], 'rate', 'cpuPerMessageUs']),
  ].filter(([, runsOf]) => (runsOf(results.floor) ?? []).length > 0);
  for (const { version, results } of Object.values(byMajor)) {
    lines.push(`## Node ${version}`, '', '| scenario | no agent | floor | always_off | 10 % | 100 % | µs above floor: always_off / 10 % / 100 % |', '|---|---|---|---|---|---|---|');
    for (const [label, runsOf, rateKey, cpuKey] of scenarios(results)) {
      const read = against(results, runsOf, rateKey, cpuKey);
      const floor = read.rate('floor');
      const ratio = (name) => (read.has(name) ? read.ratio(name).median.toFixed(2) : '–');
      const above = (name) => (read.has(name) ? signed(read.cpuAbove(name)) : '–');
      const noAgent = read.has('no agent') ? `${Math.round(read.rate('no agent')).toLocaleString('en-US')}/s (floor ${(1 / read.ratio('no agent').median).toFixed(2)}×)` : '–';
      lines.push(
        `| ${label} | ${noAgent} | ${Math.round(floor).toLocaleString('en-US')}/s | ${ratio('hoptrace always_off')} | ${ratio('hoptrace 10 %')} | ${ratio('hoptrace 100 %')} | ${above('hoptrace always_off')} / ${above('hoptrace 10 %')} / ${above('hoptrace 100 %')} |`,
      );
    }
    lines.push('');
  }
  lines.push(...targets(byMajor, scenarios));
  lines.push(...againstTheOldRelease(byMajor, scenarios));
  return `${lines.join('\n')}\n`;
}

/**
 * Against the hop-cost targets: sampling off at ≥ 0.95 of the floor's throughput and 100 % at ≥ 0.85,
 * in every scenario, on Node 24 and 26. Beside each throughput ratio (paired by round, median) the
 * rounds' least and greatest, and the same ratio by the app's CPU per operation (floor CPU /
 * hoptrace CPU), which the broker and the load generator sharing the machine move less.
 */
function targets(byMajor, scenarios) {
  const goals = [['hoptrace always_off', 0.95], ['hoptrace 100 %', 0.85]];
  const lines = [
    '## Against the targets',
    '',
    'Throughput ratio to the floor of the same round, median of the rounds [least–greatest round]; by',
    'the app\'s CPU per operation in brackets. A target is met when the median reaches it; a range that',
    'straddles the goal says the machine moved more than the difference. "no agent" is the control:',
    'the floor\'s own cost against no agent, measured the same way.',
    '',
  ];
  lines.push('| Node | scenario | always_off (goal ≥ 0.95) | 100 % (goal ≥ 0.85) | control: no agent |', '|---|---|---|---|---|');
  let met = 0;
  let all = 0;
  for (const [major, { version, results }] of Object.entries(byMajor)) {
    if (!HEADLINE_MAJORS.includes(major)) continue;
    for (const [label, runsOf, rateKey, cpuKey] of scenarios(results)) {
      const read = against(results, runsOf, rateKey, cpuKey);
      const show = (name, goal = 0) => {
        if (!read.has(name)) return '–';
        const r = read.ratio(name);
        // Three places where two would round a ratio just short of its goal up to it.
        const median = r.median < goal && Number(r.median.toFixed(2)) >= goal ? r.median.toFixed(3) : r.median.toFixed(2);
        return `${median} [${r.least.toFixed(2)}–${r.most.toFixed(2)}] (${read.cpuRatio(name).median.toFixed(2)})`;
      };
      const cells = goals.map(([name, goal]) => {
        if (!read.has(name)) return '–';
        const reached = read.ratio(name).median >= goal;
        all++;
        if (reached) met++;
        return `${show(name, goal)} ${reached ? 'met' : '**missed**'}`;
      });
      lines.push(`| ${version} | ${label} | ${cells.join(' | ')} | ${show('no agent')} |`);
    }
  }
  lines.push('', `${met} of ${all} met.`, '');
  return lines;
}

/**
 * Throughput against no agent as it was measured before the hot path was rebuilt (Node 20.20,
 * three interleaved rounds, medians; the express figure from one of several runs, which spread
 * widely): the goal on Node 20 is to be no worse than that in any scenario.
 */
const BEFORE_THE_REBUILD = {
  'express GET /users/:id': { 'hoptrace always_off': 0.64, 'hoptrace 100 %': 0.63 },
  'kafkajs eachMessage, sends of 100': { floor: 0.65, 'hoptrace always_off': 0.57, 'hoptrace 100 %': 0.46 },
  'kafkajs eachBatch, sends of 100': { floor: 0.8, 'hoptrace always_off': 0.45, 'hoptrace 100 %': 0.37 },
};

function againstTheOldRelease(byMajor, scenarios) {
  const node20 = byMajor['20'];
  if (!node20 || !node20.results['no agent']) return [];
  const lines = [
    `## Node ${node20.version} against the release before the hot path was rebuilt`,
    '',
    'Throughput against no agent, median of the rounds [least–greatest round] (each run read against',
    'the no-agent run of the same round); "before" as measured then on Node 20.20 (three interleaved',
    'rounds).',
    '',
    '| scenario | floor: before → now | always_off: before → now | 100 %: before → now |',
    '|---|---|---|---|',
  ];
  for (const [label, runsOf, rateKey, cpuKey] of scenarios(node20.results)) {
    const before = BEFORE_THE_REBUILD[label];
    if (!before) continue;
    const read = against(node20.results, runsOf, rateKey, cpuKey, 'no agent');
    const cell = (name) => {
      if (!read.has(name)) return '–';
      const r = read.ratio(name);
      return `${before[name] === undefined ? '–' : before[name].toFixed(2)} → ${r.median.toFixed(2)} [${r.least.toFixed(2)}–${r.most.toFixed(2)}]`;
    };
    lines.push(`| ${label} | ${cell('floor')} | ${cell('hoptrace always_off')} | ${cell('hoptrace 100 %')} |`);
  }
  lines.push('');
  return lines;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

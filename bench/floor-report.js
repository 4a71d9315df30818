'use strict';
// bench/FLOOR*.md from a run of bench/floor.js (or its saved .json): each scenario read against the
// propagation floor round by round, and the verdicts against the hop-cost targets, which
// bench/RESULTS.md repeats (report.js).
const { median } = require('./rounds');

/** The majors the targets are read on; others (20, 22) are reported beside them. */
const HEADLINE_MAJORS = ['24', '26'];

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

/** The scenarios a run measured (a narrowed run leaves some out), as [label, runs of a configuration, rate key, CPU key]; the floor runs in every one. */
function scenarios(results) {
  return [
    ['express GET /users/:id', (r) => r.users, 'rps', 'cpuPerRequestUs'],
    ['REST chain', (r) => r.chain, 'rps', 'cpuPerRequestUs'],
    ...Object.keys(results.floor.kafka).map((key) => [`kafkajs ${key}`, (r) => r.kafka[key], 'rate', 'cpuPerMessageUs']),
  ].filter(([, runsOf]) => (runsOf(results.floor) ?? []).length > 0);
}

/** Per scenario: throughput (median of rounds), its ratio to the floor (paired by round), and CPU per operation above the floor. */
function report(byMajor, machine, narrowed, plan) {
  const lines = [
    '# hoptrace against the propagation floor',
    '',
    'Written by `npm run bench -- --floor` (bench/floor.js). The **floor** is the same app with no agent',
    'carrying context by hand (bench/apps/floor.js): `traceparent` and `uber-trace-id` written on every',
    'message and call, read back on every message and request, one AsyncLocalStorage context entered',
    'per hop; what any agent that propagates must pay. App pinned to one core, load generator and span',
    `receiver on the other. ${plan.rounds} rounds; in each, scenario by scenario, every configuration back to back`,
    '(the order turning from round to round), and each ratio read against the floor of the same round',
    `before the median of the rounds is taken. Machine: ${machine}.`,
    `Kafka runs: ${plan.kafka[100].toLocaleString('en-US')} messages in sends of 100, ${plan.kafka[1].toLocaleString('en-US')} in sends of 1, each measured after ${plan.kafkaWarmup[100].toLocaleString('en-US')} / ${plan.kafkaWarmup[1].toLocaleString('en-US')} sent and consumed the same way (not measured), so that the figures are the steady state, not the JIT's warm-up.`,
    '',
    'Ratios are throughput against the floor (1.00 = the floor); "µs above floor" is the app\'s own',
    'CPU per request or message minus the floor\'s.',
    '',
  ];
  if (narrowed) {
    const flags = [narrowed.scenarios && `--scenarios ${narrowed.scenarios.join(',')}`, narrowed.configs && `--configs ${narrowed.configs.join(',')}`].filter(Boolean);
    lines.push(`A narrowed run (\`${flags.join(' ')}\`): the floor, and only what these name.`, '');
  }
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
  lines.push(...targets(byMajor));
  lines.push(...againstTheOldRelease(byMajor));
  return `${lines.join('\n')}\n`;
}

/**
 * Against the hop-cost targets: sampling off at ≥ 0.95 of the floor's throughput and 100 % at ≥ 0.85,
 * in every scenario, on Node 24 and 26. Beside each throughput ratio (paired by round, median) the
 * rounds' least and greatest, and the same ratio by the app's CPU per operation (floor CPU /
 * hoptrace CPU), which the broker and the load generator sharing the machine move less.
 */
function targets(byMajor) {
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

function againstTheOldRelease(byMajor) {
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

module.exports = { report, targets };

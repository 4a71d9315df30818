'use strict';
// `npm run bench -- --floor [--quick] [--majors 24,26] [--rounds N]`: hoptrace against the propagation floor
// (apps/floor.js: the same apps carrying context by hand, no agent) and no agent, with sampling off
// (`always_off`), at 10 % and at 100 %, on each Node major (default: 24 and 26, the headline ones;
// builds from test/infra/node/). Configurations interleaved round by round on each major. Writes
// bench/FLOOR.md and FLOOR.json (--quick: FLOOR-quick.*). Needs the broker `npm run kafka:start`
// runs (or KAFKA_BROKERS).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
const { configs, REPO } = require('./configs');
const { startReceiver } = require('./receiver');
const { PLAN, KAFKA_WARMUP, httpRun, kafkaRun, checkSpans, pinBrokerAwayFromApp } = require('./run');

const QUICK = process.argv.includes('--quick');
const majorsArg = process.argv[process.argv.indexOf('--majors') + 1];
const MAJORS = process.argv.includes('--majors') ? majorsArg.split(',') : ['24', '26'];
Object.assign(PLAN, QUICK ? { rounds: 1, warmup: 1, duration: 2, kafka: { 1: 300, 100: 2000 }, kafkaWarmup: { 1: 100, 100: 1000 } } : { rounds: 3, warmup: 2, duration: 6, kafka: { 1: 1500, 100: 30000 }, kafkaWarmup: KAFKA_WARMUP });
// `--rounds N`: more interleaved rounds than the default 3, where the runs of one configuration spread wider than its distance to the floor.
if (process.argv.includes('--rounds')) PLAN.rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]);
const KAFKA_VARIANTS = [[100, 'eachMessage'], [100, 'eachBatch'], [1, 'eachMessage'], [1, 'eachBatch']];

function floorConfigs(receiverUrl) {
  const hoptrace = configs(receiverUrl).find((c) => c.name === 'hoptrace');
  const withSampler = (name, env, sampledFraction) => ({ ...hoptrace, name, env: { ...hoptrace.env, ...env }, sampledFraction });
  return [
    { name: 'no agent', preload: [], env: {} },
    { name: 'floor', preload: [], env: { FLOOR: '1' } },
    withSampler('hoptrace always_off', { OTEL_TRACES_SAMPLER: 'always_off' }, false),
    withSampler('hoptrace 10 %', { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }, false),
    withSampler('hoptrace 100 %', {}, undefined),
  ];
}

function nodeBuilds() {
  const listed = execFileSync('bash', [path.join(REPO, 'test/infra/node/install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const builds = Object.fromEntries(listed.trim().split('\n').map((line) => line.split(' ')));
  builds[process.versions.node.split('.')[0]] = process.execPath;
  return builds;
}

async function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  if (process.argv.includes('--report')) {
    // The tables again from FLOOR.json, as the current report writes them (no run).
    const file = path.join(__dirname, QUICK ? 'FLOOR-quick.md' : 'FLOOR.md');
    const saved = JSON.parse(fs.readFileSync(file.replace(/\.md$/, '.json'), 'utf8'));
    fs.writeFileSync(file, report(saved.byMajor, saved.machine));
    log(`wrote ${path.relative(REPO, file)} from ${path.basename(file.replace(/\.md$/, '.json'))}`);
    return;
  }
  const builds = nodeBuilds();
  pinBrokerAwayFromApp(log);
  const receiver = await startReceiver();
  const all = floorConfigs(receiver.url);
  const failures = [];
  const byMajor = {};
  for (const major of MAJORS) {
    if (!builds[major]) throw new Error(`bench: no Node ${major} build (test/infra/node/ lists ${Object.keys(builds).join(', ')})`);
    process.env.BENCH_NODE = builds[major];
    const version = execFileSync(builds[major], ['--version'], { encoding: 'utf8' }).trim();
    const results = Object.fromEntries(all.map((c) => [c.name, { users: [], chain: [], kafka: {} }]));
    for (let round = 1; round <= PLAN.rounds; round++) {
      for (const config of all) {
        log(`${version} round ${round}/${PLAN.rounds}: ${config.name}`);
        const r = results[config.name];
        const users = await httpRun(config, receiver, '/users/42', 1);
        checkSpans(config, `${version} GET /users/:id`, users, failures);
        r.users.push(users);
        const chain = await httpRun(config, receiver, '/chain', 3);
        checkSpans(config, `${version} /chain`, chain, failures);
        r.chain.push(chain);
        for (const [batch, mode] of KAFKA_VARIANTS) {
          const run = await kafkaRun(config, receiver, batch, mode);
          checkSpans(config, `${version} kafka ${mode}, sends of ${batch}`, run, failures);
          (r.kafka[`${mode}, sends of ${batch}`] ??= []).push(run);
        }
      }
    }
    byMajor[major] = { version, results };
  }
  await receiver.close();
  delete process.env.BENCH_NODE;
  const machine = `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
  const file = path.join(__dirname, QUICK ? 'FLOOR-quick.md' : 'FLOOR.md');
  fs.writeFileSync(file.replace(/\.md$/, '.json'), JSON.stringify({ byMajor, plan: PLAN, machine, failures }, null, 1));
  fs.writeFileSync(file, report(byMajor, machine));
  log(`wrote ${path.relative(REPO, file)}`);
  if (failures.length > 0) {
    log(`FAILED: configurations delivered fewer spans than they traced:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Per scenario: throughput (median of rounds), its ratio to the floor, and CPU per operation above the floor. */
function report(byMajor, machine) {
  const lines = [
    '# hoptrace against the propagation floor',
    '',
    'Written by `npm run bench -- --floor` (bench/floor.js). The **floor** is the same app with no agent',
    'carrying context by hand (bench/apps/floor.js): `traceparent` and `uber-trace-id` written on every',
    'message and call, read back on every message and request, one AsyncLocalStorage context entered',
    'per hop; what any agent that propagates must pay. App pinned to one core, load generator and span',
    `receiver on the other; ${PLAN.rounds} interleaved rounds, medians. Machine: ${machine}.`,
    `Kafka runs: ${PLAN.kafka[100].toLocaleString('en-US')} messages in sends of 100, ${PLAN.kafka[1].toLocaleString('en-US')} in sends of 1, each measured after ${PLAN.kafkaWarmup[100].toLocaleString('en-US')} / ${PLAN.kafkaWarmup[1].toLocaleString('en-US')} sent and consumed the same way (not measured), so that the figures are the steady state, not the JIT's warm-up.`,
    '',
    'Ratios are throughput against the floor (1.00 = the floor); "µs above floor" is the app\'s own',
    'CPU per request or message minus the floor\'s.',
    '',
  ];
  const scenarios = (results) => [
    ['express GET /users/:id', (r) => r.users, 'rps', 'cpuPerRequestUs'],
    ['REST chain', (r) => r.chain, 'rps', 'cpuPerRequestUs'],
    ...Object.keys(results['no agent'].kafka).map((key) => [`kafkajs ${key}`, (r) => r.kafka[key], 'rate', 'cpuPerMessageUs']),
  ];
  for (const { version, results } of Object.values(byMajor)) {
    lines.push(`## Node ${version}`, '', '| scenario | no agent | floor | always_off | 10 % | 100 % | µs above floor: always_off / 10 % / 100 % |', '|---|---|---|---|---|---|---|');
    for (const [label, runs, rateKey, cpuKey] of scenarios(results)) {
      const rate = (name) => median(runs(results[name]).map((x) => x[rateKey]));
      const cpu = (name) => median(runs(results[name]).map((x) => x[cpuKey]));
      const floor = rate('floor');
      const ratio = (name) => (rate(name) / floor).toFixed(2);
      const above = (name) => `${cpu(name) - cpu('floor') >= 0 ? '+' : ''}${(cpu(name) - cpu('floor')).toFixed(0)}`;
      lines.push(
        `| ${label} | ${Math.round(rate('no agent')).toLocaleString('en-US')}/s (floor ${(floor / rate('no agent')).toFixed(2)}×) | ${Math.round(floor).toLocaleString('en-US')}/s | ${ratio('hoptrace always_off')} | ${ratio('hoptrace 10 %')} | ${ratio('hoptrace 100 %')} | ${above('hoptrace always_off')} / ${above('hoptrace 10 %')} / ${above('hoptrace 100 %')} |`,
      );
    }
    lines.push('');
  }
  lines.push(...targets(byMajor, scenarios));
  return `${lines.join('\n')}\n`;
}

/**
 * Against the hop-cost targets: sampling off at ≥ 0.95 of the floor's throughput and 100 % at ≥ 0.85,
 * in every scenario, on Node 24 and 26. Beside each throughput ratio, the same ratio by the app's
 * CPU per operation (floor CPU / hoptrace CPU), which the broker and the load generator sharing the
 * machine move less.
 */
function targets(byMajor, scenarios) {
  const goals = [['hoptrace always_off', 0.95], ['hoptrace 100 %', 0.85]];
  const lines = [
    '## Against the targets',
    '',
    'Throughput ratio to the floor (CPU ratio in brackets); a target is met when the throughput ratio reaches it.',
    "The last column is how far the floor's own runs lay apart (max − min, of their median): a ratio",
    'nearer to 1 than that is within what the machine moves from run to run.',
    '',
  ];
  lines.push('| Node | scenario | always_off (goal ≥ 0.95) | 100 % (goal ≥ 0.85) | floor runs spread |', '|---|---|---|---|---|');
  let met = 0;
  let all = 0;
  for (const { version, results } of Object.values(byMajor)) {
    for (const [label, runs, rateKey, cpuKey] of scenarios(results)) {
      const rate = (name) => median(runs(results[name]).map((x) => x[rateKey]));
      const cpu = (name) => median(runs(results[name]).map((x) => x[cpuKey]));
      const cells = goals.map(([name, goal]) => {
        const ratio = rate(name) / rate('floor');
        all++;
        if (ratio >= goal) met++;
        return `${ratio.toFixed(2)} (${(cpu('floor') / cpu(name)).toFixed(2)}) ${ratio >= goal ? 'met' : '**missed**'}`;
      });
      const floorRates = runs(results.floor).map((x) => x[rateKey]);
      const spread = (Math.max(...floorRates) - Math.min(...floorRates)) / median(floorRates);
      lines.push(`| ${version} | ${label} | ${cells.join(' | ')} | ${Math.round(spread * 100)} % |`);
    }
  }
  lines.push('', `${met} of ${all} met.`, '');
  return lines;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

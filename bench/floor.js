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
const { onEachBuild, requiredNodeBuilds } = require('./node-builds');
const { startReceiver } = require('./receiver');
const { turned } = require('./rounds');
const { report } = require('./floor-report');
const { PLAN, KAFKA_WARMUP, httpRun, kafkaRun, checkSpans, pinBrokerAwayFromApp } = require('./run');

const QUICK = process.argv.includes('--quick');
const listArgument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1].split(',') : undefined);
const MAJORS = listArgument('--majors') ?? ['24', '26'];
Object.assign(PLAN, QUICK ? { rounds: 1, warmup: 1, duration: 2, kafka: { 1: 300, 100: 2000 }, kafkaWarmup: { 1: 100, 100: 1000 } } : { rounds: 5, warmup: 2, duration: 6, kafka: { 1: 3000, 100: 30000 }, kafkaWarmup: KAFKA_WARMUP });
// `--rounds N`: more interleaved rounds than the default 5, where the runs of one configuration spread wider than its distance to the floor.
if (process.argv.includes('--rounds')) PLAN.rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]);
const KAFKA_VARIANTS = [[100, 'eachMessage'], [100, 'eachBatch'], [1, 'eachMessage'], [1, 'eachBatch']];
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
    fs.writeFileSync(file, report(saved.byMajor, saved.machine, saved.narrowed, saved.plan));
    log(`wrote ${path.relative(REPO, file)} from ${path.basename(file.replace(/\.md$/, '.json'))}`);
    return;
  }
  checkNarrowing();
  const builds = requiredNodeBuilds(MAJORS);
  pinBrokerAwayFromApp(log);
  const receiver = await startReceiver();
  const all = floorConfigs(receiver.url);
  const failures = [];
  const byMajor = await onEachBuild(builds, async ({ version }) => {
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
    return results;
  });
  await receiver.close();
  const machine = `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
  const file = path.join(__dirname, `${OUT}.md`);
  const narrowed = ONLY_SCENARIOS || ONLY_CONFIGS ? { scenarios: ONLY_SCENARIOS, configs: ONLY_CONFIGS } : undefined;
  fs.writeFileSync(file.replace(/\.md$/, '.json'), JSON.stringify({ byMajor, plan: PLAN, machine, narrowed, failures }, null, 1));
  fs.writeFileSync(file, report(byMajor, machine, narrowed, PLAN));
  log(`wrote ${path.relative(REPO, file)}`);
  if (failures.length > 0) {
    log(`FAILED: configurations delivered fewer spans than they traced:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

'use strict';
// `npm run bench -- --hotpath [--majors 24,26] [--rounds N]`: CPU time per operation of the
// in-process loops of alloc/worker.js (a kafkajs-shaped stub, an express app over a keep-alive
// loopback socket), for no agent, the propagation floor, and hoptrace with sampling off, at 10 %
// and at 100 %, per Node major. No broker, no network, no load generator: what is left is the
// app's code and the agent's, so the figures hold still where the end-to-end runs (bench/run.js,
// bench/floor.js) move by ±15 % from round to round. Rounds are interleaved (every configuration
// once per round, in turn) and each figure is the median of its rounds. Ratios are throughput
// against the floor: floor time / configuration time. Writes HOTPATH.md and HOTPATH.json.
//
// What this leaves out is what the agent does not touch (kafkajs's protocol work, the broker,
// the network), so the ratios here are the agent's worst case: a real app spends more time per
// operation outside the agent, and its ratio is nearer 1.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { SCENARIOS, CONFIGS, nodes } = require('./alloc/plan');

const argument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const MAJORS = argument('--majors')?.split(',') ?? ['24', '26'];
const ROUNDS = Number(argument('--rounds') ?? 5);
/** Operations per measured loop: long enough that a collection or two averages out. */
const OPS = { message: 40000, request: 8000 };

function measureOnce(node, scenario, config) {
  // The app on one core, as in the end-to-end runs; the default heap, so collections count.
  const args = ['-c', '0', node.bin, ...config.preload, '--expose-gc', path.join(__dirname, 'alloc', 'worker.js')];
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...config.env, SCENARIO: scenario.name, OPS: String(OPS[scenario.unit]) };
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = spawnSync('taskset', args, { env, encoding: 'utf8', timeout: 300000 });
    try {
      return JSON.parse(result.stdout.trim().split('\n').pop()).nsPerOp;
    } catch {
      if (attempt === 3) throw new Error(`hotpath: ${config.name}, ${scenario.name}, Node ${node.major}: no result (${(result.stderr || result.stdout).trim().split('\n').slice(0, 3).join(' ')})`);
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  const results = {};
  for (const node of nodes(MAJORS)) {
    const version = execFileSync(node.bin, ['--version'], { encoding: 'utf8' }).trim();
    const samples = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        for (const config of CONFIGS) ((samples[scenario.name] ??= {})[config.name] ??= []).push(measureOnce(node, scenario, config));
      }
      log(`hotpath ${version}: round ${round}/${ROUNDS}`);
    }
    results[node.major] = { version, scenarios: {} };
    for (const scenario of SCENARIOS) {
      results[node.major].scenarios[scenario.name] = Object.fromEntries(CONFIGS.map((c) => [c.name, { median: median(samples[scenario.name][c.name]), runs: samples[scenario.name][c.name] }]));
    }
  }
  fs.writeFileSync(path.join(__dirname, 'HOTPATH.json'), `${JSON.stringify(results, null, 1)}\n`);
  fs.writeFileSync(path.join(__dirname, 'HOTPATH.md'), report(results));
  log('wrote bench/HOTPATH.md');
}

function report(results) {
  const cpu = os.cpus();
  const lines = [
    '# The hot path, in process',
    '',
    'Written by `npm run bench -- --hotpath` (bench/hotpath.js): CPU time per operation of an in-process',
    'loop (alloc/worker.js) pinned to one core: Kafka messages sent and consumed through a kafkajs-shaped',
    'stub, express requests over a keep-alive loopback socket. No broker and no network, so the agent is',
    'a larger share of each operation than in a real app: these ratios are its worst case, and they hold',
    `still from run to run. ${ROUNDS} interleaved rounds, medians. Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}.`,
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
      const ratio = (name) => (floor / row[name].median).toFixed(2);
      const above = (name) => {
        const delta = row[name].median - floor;
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

main();

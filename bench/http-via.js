'use strict';
// `npm run bench -- --http-via [--majors 24,26] [--rounds N]`: HTTP traced through Node's
// diagnostics channels (instrumentations/http/channels.ts) against the patched way
// (HOPTRACE_HTTP_VIA=patching), per Node major that has the channels: CPU time per request of the
// in-process loop of alloc/worker.js (express `GET /users/:id`, and `GET /chain`: server → client →
// server), pinned to one core, spans exported to a live receiver on the other, sampling at 100 % and
// off. Rounds interleaved, medians. Writes HTTP-VIA.md and HTTP-VIA.json.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { nodeBuilds } = require('./node-builds');
const { startReceiver } = require('./receiver');

const REPO = path.resolve(__dirname, '..');
const argument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const MAJORS = argument('--majors')?.split(',') ?? ['24', '26'];
const ROUNDS = Number(argument('--rounds') ?? 5);
const OPS = 8000;

const SCENARIOS = [
  { name: 'http', label: 'express GET /users/:id' },
  { name: 'http-chain', label: 'GET /chain (server → client → server)' },
];
const SAMPLERS = [
  { name: '100 %', env: { OTEL_TRACES_SAMPLER: 'always_on' } },
  { name: 'sampling off', env: { OTEL_TRACES_SAMPLER: 'always_off' } },
];
const WAYS = ['channels', 'patching'];

function measureOnce(node, scenario, sampler, way, receiverUrl) {
  const args = ['-c', '0', node.bin, '--require', path.join(REPO, 'register.js'), '--expose-gc', path.join(__dirname, 'alloc', 'worker.js')];
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...sampler.env,
    HOPTRACE_HTTP_VIA: way,
    HOPTRACE_LOG_LEVEL: 'error',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    SCENARIO: scenario.name,
    OPS: String(OPS),
  };
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()).nsPerOp);
      } catch {
        reject(new Error(`http-via: ${scenario.name} ${sampler.name} ${way}, Node ${node.major}: no result (${stderr.trim().split('\n')[0]})`));
      }
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const receiver = await startReceiver();
  const results = {};
  for (const node of nodeBuilds(MAJORS)) {
    const { version } = node;
    const samples = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        for (const sampler of SAMPLERS) {
          for (const way of WAYS) ((samples[`${scenario.name} ${sampler.name}`] ??= {})[way] ??= []).push(await measureOnce(node, scenario, sampler, way, receiver.url));
        }
      }
      log(`http-via ${version}: round ${round}/${ROUNDS}`);
    }
    results[node.major] = { version, rows: Object.fromEntries(Object.entries(samples).map(([key, byWay]) => [key, Object.fromEntries(WAYS.map((way) => [way, { median: median(byWay[way]), runs: byWay[way] }]))])) };
  }
  await receiver.close();
  fs.writeFileSync(path.join(__dirname, 'HTTP-VIA.json'), `${JSON.stringify(results, null, 1)}\n`);
  fs.writeFileSync(path.join(__dirname, 'HTTP-VIA.md'), report(results));
  log('wrote bench/HTTP-VIA.md');
}

function report(results) {
  const cpu = os.cpus();
  const lines = [
    '# HTTP through Node\'s channels, against patching',
    '',
    'Written by `npm run bench -- --http-via` (bench/http-via.js): CPU time per request of the in-process',
    'loop of alloc/worker.js (express over a keep-alive loopback socket; `/chain` calls `/users/1` on the',
    'same server with http.get), pinned to one core, spans exported to a live receiver on the other.',
    `hoptrace with HOPTRACE_HTTP_VIA=channels (the default from Node 22.12) and =patching; ${ROUNDS} interleaved`,
    `rounds, medians. Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}. Below 1.00, the channels are faster.`,
    '',
  ];
  for (const { version, rows } of Object.values(results)) {
    lines.push(`## Node ${version}`, '', '| scenario | sampling | channels | patching | channels / patching |', '|---|---|---|---|---|');
    for (const scenario of SCENARIOS) {
      for (const sampler of SAMPLERS) {
        const row = rows[`${scenario.name} ${sampler.name}`];
        const us = (ns) => `${(ns / 1000).toFixed(1)} µs`;
        lines.push(`| ${scenario.label} | ${sampler.name} | ${us(row.channels.median)} | ${us(row.patching.median)} | ${(row.channels.median / row.patching.median).toFixed(2)} |`);
      }
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

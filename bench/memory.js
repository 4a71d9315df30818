'use strict';
// `npm run bench -- --memory [--majors 24,26] [--quick]`: RSS of the express app (every request
// traced and exported) with no agent and with hoptrace, after warm-up, 100,000 and 1,000,000
// requests, per Node major, twice: with the young generation as V8 sizes it, and pinned.
//
// Why twice: V8 doubles the young generation (up to 64 MB on Node 24) once enough bytes have
// survived its scavenges since the last doubling, and whether that happens depends on which
// scavenges land in an app's warm-up (express initializes lazily on its first requests). Measured
// on Node 24, the same app without any agent ended one run with 8 MB of young generation and the
// next with 32; RSS moves with it by tens of MB either way. With the young generation pinned
// (`--min-semi-space-size` = `--max-semi-space-size`, the same for both), the difference is what
// the agent itself holds. And what drives the first: the bytes that survive each young-generation
// collection under load (gc-survival.js). Writes MEMORY.md and MEMORY.json.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { hoptraceAndNoAgent } = require('./configs');
const { startReceiver } = require('./receiver');
const { PLAN, memoryRun } = require('./run');
const { onEachBuild, requiredNodeBuilds } = require('./node-builds');
const { survivalRun } = require('./gc-survival');

const QUICK = process.argv.includes('--quick');
const MAJORS = process.argv.includes('--majors') ? process.argv[process.argv.indexOf('--majors') + 1].split(',') : ['24', '26'];
const COUNTS = QUICK ? [5000, 20000] : [100000, 1000000];
/** Requests over which the bytes surviving each scavenge are read (after the same warm-up). */
const SURVIVAL_REQUESTS = QUICK ? 5000 : 30000;
const PINNED_SEMI_SPACE_MB = 8;
const YOUNG = [
  { name: 'as V8 sizes it', flags: [] },
  { name: `pinned (${PINNED_SEMI_SPACE_MB} MB semi-spaces)`, flags: [`--min-semi-space-size=${PINNED_SEMI_SPACE_MB}`, `--max-semi-space-size=${PINNED_SEMI_SPACE_MB}`] },
];
Object.assign(PLAN, { warmup: QUICK ? 1 : 3 });

async function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  const builds = requiredNodeBuilds(MAJORS);
  const receiver = await startReceiver();
  const compared = hoptraceAndNoAgent(receiver.url);
  const byMajor = await onEachBuild(builds, async ({ bin, version }) => {
    const runs = {};
    for (const young of YOUNG) {
      for (const config of compared) {
        log(`memory ${version}, young generation ${young.name}: ${config.name}`);
        (runs[young.name] ??= {})[config.name] = await memoryRun({ ...config, preload: [...young.flags, ...config.preload] }, receiver, COUNTS);
      }
    }
    const survival = {};
    for (const config of compared) {
      log(`memory ${version}, bytes surviving each scavenge: ${config.name}`);
      survival[config.name] = await survivalRun(config, bin, { warmupSeconds: PLAN.warmup, requests: SURVIVAL_REQUESTS });
    }
    return { runs, survival };
  });
  const results = Object.fromEntries(Object.entries(byMajor).map(([major, { version, results: measured }]) => [major, { version, ...measured }]));
  await receiver.close();
  fs.writeFileSync(path.join(__dirname, QUICK ? 'MEMORY-quick.json' : 'MEMORY.json'), `${JSON.stringify({ counts: COUNTS, results }, null, 1)}\n`);
  fs.writeFileSync(path.join(__dirname, QUICK ? 'MEMORY-quick.md' : 'MEMORY.md'), report(results));
  log(`wrote bench/${QUICK ? 'MEMORY-quick.md' : 'MEMORY.md'}`);
}

function report(results) {
  const [short, long] = COUNTS;
  const count = (n) => n.toLocaleString('en-US');
  const mb = (n) => n.toFixed(1);
  const signed = (n) => `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(1)}`;
  const cpu = os.cpus();
  const lines = [
    '# Memory',
    '',
    'Written by `npm run bench -- --memory` (bench/memory.js): RSS of the express benchmark app (`GET /users/:id`,',
    `every request traced and exported to the benchmark's receiver) after warm-up, after ${count(short)} and after`,
    `${count(long)} requests, with no agent and with hoptrace; once with the young generation as V8 sizes it, once`,
    'pinned to the same size for both. V8 grows the young generation (up to 64 MB on Node 24) when enough bytes',
    "survive its scavenges, which depends on where they fall in the app's warm-up: that part of RSS moves by tens",
    'of MB from run to run, with or without an agent. Pinned, the difference is what the agent holds.',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}.`,
    '',
  ];
  for (const { version, runs, survival } of Object.values(results)) {
    lines.push(`## Node ${version}`, '', `| young generation | agent | after warm-up MB | after ${count(short)} MB | added | after ${count(long)} MB | added | growth ${count(short)} → ${count(long)} beyond no agent's |`, '|---|---|---|---|---|---|---|---|');
    for (const [young, byConfig] of Object.entries(runs)) {
      const base = byConfig['no agent'];
      for (const [name, m] of Object.entries(byConfig)) {
        const added = (n) => (name === 'no agent' ? '' : signed(m.after[n] - base.after[n]));
        const growth = name === 'no agent' ? '' : signed(m.after[long] - m.after[short] - (base.after[long] - base.after[short]));
        lines.push(`| ${young} | ${name} | ${mb(m.afterWarmup)} | ${mb(m.after[short])} | ${added(short)} | ${mb(m.after[long])} | ${added(long)} | ${growth} |`);
      }
    }
    if (survival) {
      lines.push(
        '',
        `What survives each young-generation collection (scavenge) over ${count(SURVIVAL_REQUESTS)} requests after the warm-up, the heap as V8 sizes it (V8's \`--trace-gc-nvp\`: survived in the young generation plus promoted; the median). V8 grows the young generation once the bytes survived since it last grew exceed its size.`,
        '',
        '| agent | scavenges | KB surviving each (median) | new space capacity (as V8 gives it), first → last scavenge |',
        '|---|---|---|---|',
      );
      for (const [name, s] of Object.entries(survival)) lines.push(`| ${name} | ${s.scavenges} | ${s.medianSurvivedKB.toFixed(1)} | ${mb(s.youngGenerationMB.first)} → ${mb(s.youngGenerationMB.last)} MB |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error) => {
  console.error(error);
  // The span receiver would keep this process alive: a failed measurement ends the run.
  process.exit(1);
});

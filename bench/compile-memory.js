'use strict';
// `npm run bench -- --compile-memory [--majors 24,26] [--runs N]`: where the RSS that hoptrace
// adds to the express app comes from. The app runs as in bench/memory.js (young generation pinned
// at 8 MB semi-spaces, every request traced and exported, 3 s of warm-up, then 100,000 requests),
// no agent and hoptrace interleaved run by run, and is asked at the end what V8 holds
// (apps/v8-memory-probe.js: its heap, external memory, and what it took from malloc, now and at
// its peak), while V8 traces its compilers' zone memory (--trace-zone-stats: every change of 1 MB,
// each zone by name). What V8 took from malloc and gave back is RSS still: the C library keeps it.
// Writes COMPILE-MEMORY.md and COMPILE-MEMORY.json. Needs no broker.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { hoptraceAndNoAgent } = require('./configs');
const { startReceiver } = require('./receiver');
const { runLoad } = require('./run');
const { listeningPort } = require('./gc-survival');
const { requiredNodeBuilds } = require('./node-builds');
const { median } = require('./rounds');

const listArgument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1].split(',') : undefined);
const MAJORS = listArgument('--majors') ?? ['24', '26'];
const RUNS = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 3;
const REQUESTS = 100000;
const WARMUP_SECONDS = 3;
const SEMI_SPACE_MB = 8;
const MB = 1048576;

async function measure(config, bin, receiver) {
  const stem = path.join(os.tmpdir(), `hoptrace-bench-compile-memory-${process.pid}-${Date.now()}`);
  const traceFile = `${stem}.trace`;
  const reportFile = `${stem}.json`;
  const out = fs.openSync(traceFile, 'w');
  const flags = [`--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`, '--trace-zone-stats'];
  const args = ['-c', '0', bin, ...flags, '--require', path.join(__dirname, 'apps', 'v8-memory-probe.js'), ...config.preload, path.join(__dirname, 'apps', 'http-app.js')];
  const child = spawn('taskset', args, { cwd: __dirname, env: { PATH: process.env.PATH, ...config.env, V8_MEMORY_REPORT: reportFile }, stdio: ['ignore', out, 'ignore'] });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    receiver.take();
    const port = await listeningPort(traceFile, child);
    const url = `http://127.0.0.1:${port}/users/42`;
    await runLoad(url, { DURATION: String(WARMUP_SECONDS) });
    await runLoad(url, { AMOUNT: String(REQUESTS) });
    child.kill('SIGUSR2');
    const report = await reportOf(reportFile, child);
    child.kill('SIGKILL');
    await exited;
    return { ...report, ...zonePeak(fs.readFileSync(traceFile, 'utf8')) };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    fs.rmSync(traceFile, { force: true });
    fs.rmSync(reportFile, { force: true });
  }
}

async function reportOf(file, child) {
  const started = Date.now();
  for (;;) {
    if (fs.existsSync(file)) {
      const line = fs.readFileSync(file, 'utf8').trim();
      if (line.endsWith('}')) return JSON.parse(line);
    }
    if (child.exitCode !== null || Date.now() - started > 10000) throw new Error('compile memory: the app wrote no memory report');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The most zone memory V8 held at once, how many Maglev compilation jobs' zones that was, and when (s after the first trace line). */
function zonePeak(text) {
  let peak = { zoneMB: 0, maglevJobs: 0, atSeconds: 0 };
  let first;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"type": "v8-zone-trace"')) continue;
    let stats;
    try {
      stats = JSON.parse(line).stats;
    } catch {
      continue;
    }
    first ??= stats.time;
    if (stats.allocated / MB <= peak.zoneMB) continue;
    const maglevJobs = stats.zones.filter((zone) => zone.name === 'maglev-compilation-job-zone').length;
    peak = { zoneMB: stats.allocated / MB, maglevJobs, atSeconds: (stats.time - first) / 1000 };
  }
  return peak;
}

const FIGURES = [
  ['rss', 'RSS', MB],
  ['heapPhysical', "V8's heap", MB],
  ['external', 'external', MB],
  ['peakMalloced', "V8's malloc peak", MB],
  ['zoneMB', 'zone peak', 1],
  ['maglevJobs', 'Maglev jobs at the peak', 1],
];

async function main() {
  const log = (text) => process.stderr.write(`${text}\n`);
  const builds = requiredNodeBuilds(MAJORS);
  const receiver = await startReceiver();
  const compared = hoptraceAndNoAgent(receiver.url);
  const results = {};
  for (const { major, bin, version } of builds) {
    results[major] = { version, runs: Object.fromEntries(compared.map((c) => [c.name, []])) };
    for (let run = 1; run <= RUNS; run++) {
      for (const config of run % 2 ? compared : [...compared].reverse()) {
        log(`compile memory ${version}, run ${run} of ${RUNS}: ${config.name}`);
        results[major].runs[config.name].push(await measure(config, bin, receiver));
      }
    }
  }
  await receiver.close();
  fs.writeFileSync(path.join(__dirname, 'COMPILE-MEMORY.json'), `${JSON.stringify({ requests: REQUESTS, results }, null, 1)}\n`);
  fs.writeFileSync(path.join(__dirname, 'COMPILE-MEMORY.md'), report(results));
  log('wrote bench/COMPILE-MEMORY.md');
}

function report(results) {
  const lines = [
    '# Where the RSS hoptrace adds comes from',
    '',
    'Written by `npm run bench -- --compile-memory` (bench/compile-memory.js): the express benchmark app (`GET /users/:id`,',
    `every request traced and exported) pinned to one core, young generation pinned at ${SEMI_SPACE_MB} MB semi-spaces, after ${WARMUP_SECONDS} s of warm-up and`,
    `${REQUESTS.toLocaleString('en-US')} requests; no agent and hoptrace interleaved, ${RUNS} runs each, medians (MB unless said). V8's own account`,
    'from inside the app (heap, external memory, and the most it ever had from malloc at once) beside RSS, and the',
    "most memory its compilers' zones held at once (`--trace-zone-stats`) with the number of Maglev compilation jobs",
    'whose zones that was. Memory V8 took from malloc and gave back stays in RSS: the C library keeps it.',
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'CPU'}.`,
    '',
  ];
  for (const { version, runs } of Object.values(results)) {
    lines.push(`## Node ${version}`, '', `| | ${FIGURES.map(([, label]) => label).join(' | ')} |`, `|---|${FIGURES.map(() => '---|').join('')}`);
    const medians = {};
    for (const [name, list] of Object.entries(runs)) {
      medians[name] = Object.fromEntries(FIGURES.map(([key, , unit]) => [key, median(list.map((r) => r[key] / unit))]));
      lines.push(`| ${name} | ${FIGURES.map(([key]) => medians[name][key].toFixed(key === 'maglevJobs' ? 0 : 1)).join(' | ')} |`);
    }
    if (medians['no agent'] && medians.hoptrace) {
      lines.push(`| hoptrace added | ${FIGURES.map(([key]) => signed(medians.hoptrace[key] - medians['no agent'][key], key === 'maglevJobs' ? 0 : 1)).join(' | ')} |`);
    }
    lines.push('', `Runs, RSS (MB): ${Object.entries(runs).map(([name, list]) => `${name} ${list.map((r) => (r.rss / MB).toFixed(1)).join(', ')}`).join('; ')}. The zone peak came ${Object.values(runs).flat().map((r) => r.atSeconds.toFixed(1)).join(', ')} s after start.`, '');
  }
  return `${lines.join('\n')}\n`;
}

function signed(value, digits) {
  return `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(digits)}`;
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

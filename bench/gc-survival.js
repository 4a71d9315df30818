'use strict';
// Bytes surviving each young-generation collection (a scavenge) of the express app under load, for
// bench/memory.js. V8 grows the young generation once the bytes that survived its scavenges since
// it last grew exceed its size, and RSS grows with it; so what an agent keeps alive across a
// scavenge (a request's context that outlives the request, say) shows in RSS as V8 sizes the heap,
// tens of MB, though the objects themselves add up to a few hundred KB. Read from V8's own line
// per collection (--trace-gc-nvp: new_space_survived + promoted), written to a file: V8 writes it
// through the C library, which buffers a pipe and loses nothing it has flushed to a file (the last
// few lines, unflushed when the app is stopped, are not needed for a median).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runLoad } = require('./run');

/** Median KB surviving a scavenge over `requests` requests after a warm-up of `warmupSeconds`, and how often the young generation grew. */
async function survivalRun(config, bin, { warmupSeconds, requests }) {
  const file = path.join(os.tmpdir(), `hoptrace-bench-gc-${process.pid}-${Date.now()}.txt`);
  const out = fs.openSync(file, 'w');
  const child = spawn('taskset', ['-c', '0', bin, '--trace-gc-nvp', ...config.preload, path.join(__dirname, 'apps', 'http-app.js')], {
    cwd: __dirname,
    env: { PATH: process.env.PATH, ...config.env },
    stdio: ['ignore', out, 'ignore'],
  });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    const port = await listeningPort(file, child);
    const url = `http://127.0.0.1:${port}/users/42`;
    await runLoad(url, { DURATION: String(warmupSeconds) });
    const from = scavenges(fs.readFileSync(file, 'utf8')).length;
    await runLoad(url, { AMOUNT: String(requests) });
    child.kill('SIGKILL');
    await exited;
    const measured = scavenges(fs.readFileSync(file, 'utf8')).slice(from);
    if (measured.length < 10) throw new Error(`gc survival, ${config.name}: ${measured.length} scavenges seen; too few for a figure`);
    const survived = measured.map((s) => s.survived + s.promoted).sort((a, b) => a - b);
    const capacities = measured.map((s) => s.capacity);
    return {
      scavenges: measured.length,
      medianSurvivedKB: survived[Math.floor(survived.length / 2)] / 1024,
      youngGenerationMB: { first: capacities[0] / 1048576, last: capacities[capacities.length - 1] / 1048576 },
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    fs.rmSync(file, { force: true });
  }
}

/** The port the app says it listens on, in the file its output goes to. */
async function listeningPort(file, child) {
  const started = Date.now();
  for (;;) {
    const match = fs.readFileSync(file, 'utf8').match(/listening (\d+)/);
    if (match) return Number(match[1]);
    if (child.exitCode !== null || Date.now() - started > 30000) throw new Error(`bench: the app did not start listening (its output: ${file})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * V8's --trace-gc-nvp lines for scavenges, as numbers: `name=value` pairs up to Node 24, one JSON
 * object after `GC: ` from Node 26 on.
 */
function scavenges(text) {
  const lines = [];
  for (const line of text.split('\n')) {
    const json = line.indexOf('GC: {');
    let fields;
    if (json >= 0) {
      try {
        fields = JSON.parse(line.slice(json + 4));
      } catch {
        continue;
      }
    } else if (line.includes(' gc=s ')) {
      fields = Object.fromEntries(line.split(/\s+/).map((pair) => pair.split('=')));
      fields.gc = 's';
    } else continue;
    if (fields.gc !== 's') continue;
    const entry = { survived: Number(fields.new_space_survived), promoted: Number(fields.promoted), capacity: Number(fields.new_space_capacity) };
    if (Object.values(entry).every(Number.isFinite)) lines.push(entry);
  }
  return lines;
}

module.exports = { survivalRun, listeningPort };

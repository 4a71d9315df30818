'use strict';
// The Node builds a bench runs on: this Node and every other major CI tests on (test/infra/node/,
// which installs them on first use), each as `{ major, bin, version }`, in order of major.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');

/** Every build, or those of `majors`. */
function nodeBuilds(majors) {
  const found = [{ major: process.versions.node.split('.')[0], bin: process.execPath }];
  const listed = execFileSync('bash', [path.join(REPO, 'test/infra/node/install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of listed.trim().split('\n')) {
    const [major, bin] = line.split(' ');
    if (major && bin && !found.some((n) => n.major === major)) found.push({ major, bin });
  }
  return found
    .filter((n) => !majors || majors.includes(n.major))
    .sort((a, b) => Number(a.major) - Number(b.major))
    .map((n) => ({ ...n, version: execFileSync(n.bin, ['--version'], { encoding: 'utf8' }).trim() }));
}

/** nodeBuilds(majors), every one of them there: a run that asked for a major it cannot run fails before it starts. */
function requiredNodeBuilds(majors) {
  const builds = nodeBuilds(majors);
  const missing = majors.filter((major) => !builds.some((node) => node.major === major));
  if (missing.length > 0) throw new Error(`bench: no Node ${missing.join(', ')} build (test/infra/node/package.json lists the majors it installs)`);
  return builds;
}

/**
 * `measure(build)` on each build in turn, with the bench's apps started on it (BENCH_NODE, read by
 * run.js's startApp) while it runs; resolves to `{ [major]: { version, results } }`.
 */
async function onEachBuild(builds, measure) {
  const byMajor = {};
  try {
    for (const build of builds) {
      process.env.BENCH_NODE = build.bin;
      byMajor[build.major] = { version: build.version, results: await measure(build) };
    }
  } finally {
    delete process.env.BENCH_NODE;
  }
  return byMajor;
}

module.exports = { nodeBuilds, requiredNodeBuilds, onEachBuild };

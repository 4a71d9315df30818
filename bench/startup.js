'use strict';
// `npm run bench -- --startup`: what hoptrace adds to start-up on every supported Node major, as
// users get it: the package packed and built by the machine's Node, installed into a fresh folder,
// then started on each Node (the official builds in test/infra/node/). Per Node: `node -e 0`, and
// the express benchmark app until it listens, as a CommonJS app (`--require`) and as an ES module
// app (`--import`); each against the same command without hoptrace, runs interleaved. The first
// start on a Node other than the builder's makes hoptrace's local code cache; like any user's
// second start, the measured runs come after it (three warm-up runs each). Writes
// bench/STARTUP.md and bench/STARTUP.json.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { nodeBuilds } = require('./node-builds');
const { median } = require('./report');

const REPO = path.resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 5 : 20;
const WARMUP = 3;
const APP_CPU = '0';
const log = (text) => process.stderr.write(`${text}\n`);

function installPackage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-startup-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').pop();
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'startup-bench', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, tarball)], { cwd: dir, stdio: 'pipe' });
  // `npm pack` builds the package (its prepare script) with the Node running this bench.
  return { dir, register: path.join(dir, 'node_modules/hoptrace/register.js'), builtBy: process.version };
}

/** Wall time of one `node -e 0`, in ms. */
function exitRun(node, preload) {
  const started = process.hrtime.bigint();
  spawnSync('taskset', ['-c', APP_CPU, node, ...preload, '-e', '0'], { env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none' } });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Wall time from spawn until the app prints `listening`, in ms. */
function listenRun(node, preload, app) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('taskset', ['-c', APP_CPU, node, ...preload, path.join(__dirname, 'apps', app)], {
      env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill('SIGKILL');
        child.on('close', () => resolve(ms));
      }
    });
    child.on('error', reject);
  });
}

async function measure(run) {
  const without = [];
  const withAgent = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const a = await run(false);
    const b = await run(true);
    if (i >= WARMUP) (without.push(a), withAgent.push(b));
  }
  return { without: median(without), with: median(withAgent), added: median(withAgent) - median(without) };
}

async function main() {
  const { dir, register, builtBy } = installPackage();
  const results = [];
  try {
    for (const { bin: node, version } of nodeBuilds()) {
      log(`start-up on node ${version}`);
      const row = { node: version };
      row.exit = await measure(async (agent) => exitRun(node, agent ? ['--require', register] : []));
      row.exitImport = await measure(async (agent) => exitRun(node, agent ? ['--import', register] : []));
      row.commonjs = await measure((agent) => listenRun(node, agent ? ['--require', register] : [], 'http-app.js'));
      row.esm = await measure((agent) => listenRun(node, agent ? ['--import', register] : [], 'http-app.mjs'));
      const probe = spawnSync(node, ['--require', register, '-e', `process.stdout.write(String(require(${JSON.stringify(path.join(dir, 'node_modules/hoptrace/dist/loader.js'))}).codeCache))`], {
        env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none' },
        encoding: 'utf8',
      });
      row.codeCache = probe.stdout;
      results.push(row);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ms = (x) => x.toFixed(1);
  const lines = [
    `# hoptrace start-up per Node major${QUICK ? ' (quick run: a smoke test, not numbers to quote)' : ''}`,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench -- --startup${QUICK ? ' --quick' : ''}\` (bench/startup.js): the package packed and built on Node ${builtBy}, installed from the tarball, started on each Node pinned to one core; medians of ${RUNS} runs after ${WARMUP} warm-up runs, with and without hoptrace interleaved. Exporting off (\`OTEL_TRACES_EXPORTER=none\`), so only start-up is measured. Goals: at most +12 ms added to \`node -e 0\` and +15 ms to the express app, on every major, \`--require\` and \`--import\` alike.`,
    '',
    '| Node | code cache used | `node -e 0` | added by `--require` | added by `--import` | express app until it listens (CommonJS, `--require`) | added | express app as an ES module (`--import`) | added |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.node} | ${r.codeCache} | ${ms(r.exit.without)} ms | +${ms(r.exit.added)} ms | +${ms(r.exitImport.added)} ms | ${ms(r.commonjs.without)} ms | +${ms(r.commonjs.added)} ms | ${ms(r.esm.without)} ms | +${ms(r.esm.added)} ms |`),
    '',
    'Code cache `local`: the one hoptrace made on that Node, in that folder, at its first start (see agent/code-cache-store.ts; none is shipped); `none` or `rejected`: the bundle was compiled. A clean environment (only `PATH` and the variable above): no `NODE_EXTRA_CA_CERTS`, whose certificates would add to both sides of every start. `--import` counts as an ES module app: on Node 20 hoptrace loads and patches `http` and `https` when it starts (from Node 22.12 they are traced through Node\'s channels and hoptrace loads neither), and Node starts its ES module loader for the flag.',
    '',
  ];
  const file = path.join(__dirname, QUICK ? 'STARTUP-quick.md' : 'STARTUP.md');
  fs.writeFileSync(file, lines.join('\n'));
  fs.writeFileSync(file.replace(/\.md$/, '.json'), JSON.stringify({ builtBy, runs: RUNS, results }, null, 1));
  log(`wrote ${path.relative(REPO, file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

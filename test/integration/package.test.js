'use strict';
// How users meet hoptrace: `npm pack`, install the tarball into a fresh app, start it with
// `node -r hoptrace/register` (and through NODE_OPTIONS): spans arrive.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { withReceiver } = require('../support/traced-run');
const { REPO } = require('../support/run-fixture');

let appDir;

before(test, () => {
  appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-user-app-'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', appDir], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').pop();
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'orders', version: '2.0.0', private: true }));
  fs.writeFileSync(
    path.join(appDir, 'app.js'),
    `const http = require('node:http');
const server = http.createServer((req, res) => res.end('hi'));
server.listen(0, '127.0.0.1', () => {
  http.get('http://127.0.0.1:' + server.address().port + '/orders/7', (res) => {
    res.resume();
    res.on('end', () => server.close());
  });
});
`,
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(appDir, packed)], { cwd: appDir, stdio: 'pipe' });
});

test.after(() => fs.rmSync(appDir, { recursive: true, force: true }));

function runApp(args, extraEnv) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args, 'app.js'], {
      cwd: appDir,
      env: { PATH: process.env.PATH, OTEL_BSP_SCHEDULE_DELAY: '50', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stderr })));
  });
}

test('the installed package links `hoptrace doctor` as a command the app can run with npx', async () => {
  const bin = path.join(appDir, 'node_modules/.bin/hoptrace');
  const result = spawnSync(bin, ['doctor', '--', process.execPath, '--require', 'hoptrace/register', 'app.js'], {
    cwd: appDir,
    env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none' },
    encoding: 'utf8',
  });
  assert.is(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, `hoptrace doctor: ${fs.realpathSync(appDir)}`);
  assert.match(result.stdout, '✓ service: orders');
  assert.match(result.stdout, /✓ started; instrumentations: /);
  assert.match(result.stdout, 'No problem found.');
});

/** Runs the app preloaded with hoptrace against a fresh receiver; the app must exit cleanly and quietly. */
async function runTraced(args, extraEnv = {}) {
  return withReceiver(async (receiver) => {
    const result = await runApp(args, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...extraEnv });
    assert.is(result.code, 0, result.stderr);
    assert.is(result.stderr, '');
    return await receiver.waitFor((s) => s.length >= 2);
  });
}

test('the packed tarball holds what it needs and nothing from the repo around it', () => {
  const files = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' });
  const names = JSON.parse(files)[0].files.map((f) => f.path);
  assert.ok(names.includes('register.js'));
  assert.ok(names.includes('dist/agent/index.js'));
  assert.ok(names.includes('dist/hoptrace.js'));
  assert.ok(names.includes('dist/post-sync.js'));
  assert.ok(names.includes('dist/instrumentations/http/index.js'));
  assert.ok(names.includes('LICENSE'));
  // No code cache: one fits only the Node version and folder that made it (agent/bundle-loader.ts).
  assert.not.ok(names.some((n) => n.startsWith('test/') || n.startsWith('agent/') || n.endsWith('.cache') || n.includes('code-cache/') || n.endsWith('.ts') && !n.endsWith('.d.ts')), names.join(', '));
});

test('node -r hoptrace/register app.js: spans arrive, named after the app', async () => {
  const spans = await runTraced(['-r', 'hoptrace/register']);
  assert.is(spans[0].resource['service.name'], 'orders');
  assert.is(spans[0].resource['service.version'], '2.0.0');
  assert.equal(spans.map((s) => s.kind).sort(), ['CLIENT', 'SERVER']);
});

test('NODE_OPTIONS="--require hoptrace/register" works the same', async () => {
  const spans = await runTraced([], { NODE_OPTIONS: '--require hoptrace/register', OTEL_SERVICE_NAME: 'orders-via-node-options' });
  assert.is(spans[0].resource['service.name'], 'orders-via-node-options');
});

test('a broken install says "not instrumented" once and the app still runs', async () => {
  const bundle = path.join(appDir, 'node_modules/hoptrace/dist/hoptrace.js');
  const saved = fs.readFileSync(bundle);
  fs.writeFileSync(bundle, 'throw new Error("simulated broken install")');
  try {
    const result = await runApp(['-r', 'hoptrace/register'], {});
    assert.is(result.code, 0);
    assert.is(result.stderr, 'hoptrace: not instrumented: simulated broken install\n');
  } finally {
    fs.writeFileSync(bundle, saved);
  }
});

/** Starts probe.js (written by the caller) preloaded with hoptrace; resolves with its exit code. */
function runProbe(source, env = {}) {
  const probe = path.join(appDir, 'probe.js');
  fs.writeFileSync(probe, source);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'hoptrace/register', 'probe.js'], {
      cwd: appDir,
      env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('close', (code) => (fs.rmSync(probe), resolve(code)));
  });
}

const reportCodeCache = `process.exitCode = { rejected: 11, none: 12, local: 14 }[require(require.resolve('hoptrace').replace(/hoptrace\\.js$/, 'loader.js')).codeCache] ?? 13;`;
const [REJECTED, NONE, LOCAL] = [11, 12, 14];
const installedDist = () => path.join(appDir, 'node_modules/hoptrace/dist');
const localCaches = () => path.join(installedDist(), 'code-cache');
const forgetLocalCaches = () => fs.rmSync(localCaches(), { recursive: true, force: true });

test('the code cache: an installed package makes its own at the first start, uses it from the second, and its stack frames name the installed file', async () => {
  forgetLocalCaches();
  // A frame of hoptrace's own: Node's error for an invalid URL passes through the patched http.request.
  const frameProbe = `${reportCodeCache}
try { require('node:http').request('http://exa mple.com/'); } catch (error) {
  const frame = error.stack.split('\\n').find((line) => line.includes('hoptrace.js'));
  if (!frame || !frame.includes(require.resolve('hoptrace'))) process.exitCode = 30;
}`;
  assert.is(await runProbe(frameProbe), NONE, 'nothing is installed with the package');
  const [made] = fs.readdirSync(localCaches());
  const buildId = /^\/\* hoptrace build ([0-9a-f]+) \*\//.exec(fs.readFileSync(path.join(installedDist(), 'hoptrace.js'), 'latin1'))[1];
  assert.ok(made.startsWith(`hoptrace-${buildId}-${process.version}-${process.arch}-`), made);
  assert.is(await runProbe(frameProbe), LOCAL, 'the second start uses the cache the first made; its frames name the installed file');
  forgetLocalCaches();
});

test('a code cache that does not fit is ignored: the agent compiles and traces as usual', async () => {
  forgetLocalCaches();
  assert.is(await runProbe(reportCodeCache), NONE);
  const [name] = fs.readdirSync(localCaches());
  const cacheFile = path.join(localCaches(), name);
  const anotherBuild = path.join(localCaches(), name.replace(/^hoptrace-[0-9a-f]+-/, 'hoptrace-0123456789abcdef-'));
  const cases = [
    [() => fs.writeFileSync(cacheFile, Buffer.alloc(4096, 7)), REJECTED], // this build's name, bytes V8 refuses
    [() => fs.renameSync(cacheFile, anotherBuild), NONE], // another build's cache is not read
    [() => fs.writeFileSync(cacheFile, Buffer.alloc(0)), REJECTED], // empty
  ];
  try {
    for (const [spoil, expected] of cases) {
      forgetLocalCaches();
      assert.is(await runProbe(reportCodeCache), NONE);
      spoil();
      assert.is(await runProbe(reportCodeCache), expected);
      const spans = await runTraced(['-r', 'hoptrace/register']);
      assert.equal(spans.map((s) => s.kind).sort(), ['CLIENT', 'SERVER']);
    }
  } finally {
    forgetLocalCaches();
  }
});

test('local code caches: in a folder of the user\'s own when the package is read-only; no folder at all changes nothing', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-tmpdir-'));
  const userFolder = path.join(tmp, `hoptrace-code-cache-${process.getuid()}`);
  try {
    forgetLocalCaches();
    fs.writeFileSync(localCaches(), 'a file where the folder would go: nothing can be written there');
    assert.is(await runProbe(reportCodeCache, { TMPDIR: tmp }), NONE);
    assert.is(await runProbe(reportCodeCache, { TMPDIR: tmp }), LOCAL, 'the second start uses the cache the first made');
    assert.is(fs.statSync(userFolder).mode & 0o777, 0o700);
    assert.equal(fs.readdirSync(userFolder).length, 1);

    fs.rmSync(userFolder, { recursive: true });
    fs.writeFileSync(userFolder, 'not a folder either');
    for (let run = 0; run < 2; run++) assert.is(await runProbe(reportCodeCache, { TMPDIR: tmp }), NONE);
    const spans = await runTraced(['-r', 'hoptrace/register'], { TMPDIR: tmp });
    assert.equal(spans.map((s) => s.kind).sort(), ['CLIENT', 'SERVER']);

    fs.rmSync(userFolder);
    fs.mkdirSync(userFolder, { mode: 0o777 });
    fs.chmodSync(userFolder, 0o777);
    for (let run = 0; run < 2; run++) assert.is(await runProbe(reportCodeCache, { TMPDIR: tmp }), NONE, 'a folder others can write to is not trusted');
    assert.equal(fs.readdirSync(userFolder), []);
  } finally {
    forgetLocalCaches();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("require('hoptrace') in a preloaded app is the running agent, not a second copy", async () => {
  const code = await runProbe(`const file = require.resolve('hoptrace');
const preloaded = require.cache[file];
if (!preloaded || require('hoptrace') !== preloaded.exports || !require('hoptrace').start().started) process.exit(3);
`);
  assert.is(code, 0);
});

test("require('hoptrace/control') in an installed app reaches the running agent's instrumentations", async () => {
  const code = await runProbe(`const control = require('hoptrace/control');
const before = control.instrumentationStates();
if (before.http !== true || before.kafkajs !== true) process.exit(3);
if (control.disableInstrumentation('http') !== true || control.instrumentationStates().http !== false) process.exit(4);
if (control.instrumentationStates().express !== false) process.exit(5);
if (control.enableInstrumentation('http') !== true || control.instrumentationStates().express !== true) process.exit(6);
`);
  assert.is(code, 0);
});

test.run();

'use strict';
// What hoptrace cannot trace is said once, at the default log level, naming the package, its
// version and what is missing; the app runs as it would without hoptrace. (A package loaded before
// hoptrace started: bad-config.test.js.)
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const net = require('node:net');
const { once } = require('node:events');
const os = require('node:os');
const path = require('node:path');
const { runFixture } = require('../support/run-fixture');
const { withReceiver } = require('../support/traced-run');
const { get } = require('../support/http');

// kafkajs 1.3 is older than the supported range (1.4, the first release writing message headers by
// default, up to 2.x; kafkajs 1.x itself is traced: kafkajs1.test.js).
const KAFKAJS13 = 'hoptrace: warn: kafkajs@1.3.1 is not traced: hoptrace supports kafkajs >=1.4.0 <3; Kafka producer and consumer spans and trace context across Kafka are missing\n';

for (const [script, preload] of [['kafkajs1.3/app.js', 'require'], ['kafkajs1.3/app.js', 'import'], ['kafkajs1.3/app.mjs', 'require'], ['kafkajs1.3/app.mjs', 'import']]) {
  test(`kafkajs 1.3 (${script}, --${preload}): runs untraced, one warning`, async () => {
    const result = await runFixture(script, { preload, env: { OTEL_TRACES_EXPORTER: 'none' } }).exited;
    assert.is(result.code, 0, result.stderr);
    assert.is(result.stdout, 'ran\n');
    assert.is(result.stderr, KAFKAJS13);
  });
}

test('a package required by its path, absolute or relative, folder or entry file, is the package: its version checked, said once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-by-path-'));
  fs.mkdirSync(path.join(dir, 'node_modules/kafkajs'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules/kafkajs/package.json'), JSON.stringify({ name: 'kafkajs', version: '1.3.1', main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'node_modules/kafkajs/index.js'), 'exports.Kafka = class Kafka {};\n');
  const forms = [path.join(dir, 'node_modules/kafkajs'), './node_modules/kafkajs', './node_modules/kafkajs/', path.join(dir, 'node_modules/kafkajs/index.js')];
  try {
    for (const form of forms) {
      fs.writeFileSync(path.join(dir, 'app.js'), `require(${JSON.stringify(form)}); console.log('ran');\n`);
      const result = await runFixture(path.join(dir, 'app.js'), { cwd: dir, env: { OTEL_TRACES_EXPORTER: 'none' } }).exited;
      assert.is(result.code, 0, result.stderr);
      assert.is(result.stdout, 'ran\n');
      assert.is(result.stderr, KAFKAJS13, form);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('require() of a watched package that is an ES module: not patched, one warning (where Node can require ES modules)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-esm-only-'));
  fs.mkdirSync(path.join(dir, 'node_modules/express'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules/express/package.json'), JSON.stringify({ name: 'express', version: '5.3.0', type: 'module', main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'node_modules/express/index.js'), 'export default function express() { return "esm express"; }\n');
  fs.writeFileSync(path.join(dir, 'app.cjs'), "console.log(require('express').default());\n");
  const env = { OTEL_TRACES_EXPORTER: 'none', NODE_OPTIONS: '--no-warnings' };
  const traced = await runFixture(path.join(dir, 'app.cjs'), { cwd: dir, env }).exited;
  const plain = await runFixture(path.join(dir, 'app.cjs'), { cwd: dir, env, agent: false }).exited;
  fs.rmSync(dir, { recursive: true, force: true });
  assert.is(traced.code, plain.code);
  assert.is(traced.stdout, plain.stdout);
  if (process.features.require_module) {
    assert.is(traced.stdout, 'esm express\n');
    assert.is(
      traced.stderr,
      'hoptrace: warn: express@5.3.0 is not traced: it was loaded as an ES module, whose exports hoptrace cannot patch; route names (`http.route`) and handler errors on server spans are missing\n',
    );
  } else {
    // Node 20 cannot require() an ES module at all: the app fails the same way with and without hoptrace.
    assert.match(traced.stderr, /ERR_REQUIRE_ESM/);
    assert.match(plain.stderr, /ERR_REQUIRE_ESM/);
  }
});

// Where Node publishes its HTTP channels (22.12 on), http is traced through them: nothing is patched,
// and nothing comes late. The patched way (Node 20, or HOPTRACE_HTTP_VIA=patching) is what these tests see.
const PATCHING = { HOPTRACE_HTTP_VIA: 'patching' };

test('--require, a CommonJS entry that reaches node:http only through an ES module: on the patched way, patched a second after start, and said', async () => {
  const app = runFixture('esm-through-import.cjs', { env: { OTEL_TRACES_EXPORTER: 'none', ...PATCHING } });
  await app.waitForOutput(/listening (\d+)/);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  app.child.kill('SIGTERM');
  const { stderr } = await app.exited;
  assert.match(
    stderr,
    /^hoptrace: warn: node:http was loaded without require\(\) \(by an ES module's import\), so hoptrace traced it only from \d+ ms after start; start the app with `node --import hoptrace\/register` to trace it from the first call\n$/,
  );
});

test('… and traced from then on, named imports included: a REST hop after the first second', async () => {
  await withReceiver(async (receiver, track) => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...PATCHING };
    const b = track(runFixture('esm-through-import.cjs', { env: { ...env, OTEL_SERVICE_NAME: 'b' } }));
    const a = track(runFixture('esm-through-import.cjs', { env: { ...env, OTEL_SERVICE_NAME: 'a' } }));
    const [[, portA], [, portB]] = await Promise.all([a.waitForOutput(/listening (\d+)/), b.waitForOutput(/listening (\d+)/)]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await get(Number(portA), `/call?port=${portB}&path=/headers`);
    const spans = await receiver.waitFor((s) => s.length === 3);
    const client = spans.find((s) => s.kind === 'CLIENT');
    assert.ok(client, 'the named import `get` is traced');
    assert.is(spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'b').parentSpanId, client.spanId);
  });
});

const [major, minor] = process.versions.node.split('.').map(Number);
const NODE_HAS_HTTP_CHANNELS = major > 22 || (major === 22 && minor >= 12);

test('the same app as it starts by default: through the channels (Node 22.12 on), a REST hop in its first second traced and nothing said; on older Node, patched late and said', async () => {
  await withReceiver(async (receiver, track) => {
    // The default, named: .ci/run also runs this suite with HOPTRACE_HTTP_VIA=patching set for every app.
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, HOPTRACE_HTTP_VIA: 'channels' };
    const b = track(runFixture('esm-through-import.cjs', { env: { ...env, OTEL_SERVICE_NAME: 'b' } }));
    const a = track(runFixture('esm-through-import.cjs', { env: { ...env, OTEL_SERVICE_NAME: 'a' } }));
    const [[, portA], [, portB]] = await Promise.all([a.waitForOutput(/listening (\d+)/), b.waitForOutput(/listening (\d+)/)]);
    if (!NODE_HAS_HTTP_CHANNELS) await new Promise((resolve) => setTimeout(resolve, 1500));
    await get(Number(portA), `/call?port=${portB}&path=/headers`);
    const spans = await receiver.waitFor((s) => s.length === 3);
    const client = spans.find((s) => s.kind === 'CLIENT');
    assert.ok(client, 'the named import `get` is traced');
    assert.is(spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'b').parentSpanId, client.spanId);
    a.child.kill('SIGTERM');
    const { stderr } = await a.exited;
    if (NODE_HAS_HTTP_CHANNELS) assert.is(stderr, '');
    else assert.match(stderr, /node:http was loaded without require\(\)/);
  });
});

// Node's own fetch loads node:http for itself, as an ES module's import would; a CommonJS app that
// fetches in its first second has nothing untraced to be told about (the demo's worker did, on a
// busy machine, and was told).
test('--require, a CommonJS app whose only HTTP is fetch in its first second: traced, and nothing said', async () => {
  await withReceiver(async (receiver, track) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-fetch-early-'));
    const script = path.join(dir, 'app.cjs');
    // A port nothing listens on refuses at once; the process lives past the one-second check.
    fs.writeFileSync(script, "fetch(process.env.CLOSED_URL).catch(() => console.log('refused; node:http loaded:', process.moduleLoadList.includes('NativeModule http')));\nsetTimeout(() => {}, 1500);\n");
    const port = await closedPort();
    try {
      const app = track(runFixture(script, { cwd: dir, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, CLOSED_URL: `http://127.0.0.1:${port}/` } }));
      const { code, stdout, stderr } = await app.exited;
      assert.is(code, 0, stderr);
      assert.is(stdout, 'refused; node:http loaded: true\n', 'the case under test: fetch loaded node:http without require()');
      assert.is(stderr, '');
      const spans = await receiver.waitFor((s) => s.some((span) => span.kind === 'CLIENT'));
      assert.is(spans.find((span) => span.kind === 'CLIENT').attributes['server.port'], port);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test.run();

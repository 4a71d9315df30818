'use strict';
// `hoptrace doctor` on the examples and on deliberately broken set-ups: what it says, and its exit
// code (1 when something asked for cannot work).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startReceiver } = require('../support/otlp-receiver');
const { REPO, REGISTER, FIXTURES } = require('../support/run-fixture');

const DOCTOR = path.join(REPO, 'dist/agent/doctor/cli.js');
const EXAMPLES = path.join(REPO, 'examples');

/** Runs the doctor in `cwd` with only `env` (and PATH) set; resolves with its output and exit code. */
function doctor(cwd, env, args = []) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DOCTOR, 'doctor', ...args], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('the examples, exporter up: every section fine, exit 0', async () => {
  const receiver = await startReceiver();
  try {
    const { code, stdout, stderr } = await doctor(EXAMPLES, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    assert.is(code, 0, stdout + stderr);
    assert.match(stdout, 'hoptrace doctor: ');
    assert.match(stdout, '✓ a CommonJS app: start it with node --require hoptrace/register');
    assert.match(stdout, '✓ service: hoptrace-examples');
    assert.match(stdout, /✓ exporter: otlp http\/protobuf → http:\/\/127\.0\.0\.1:\d+\/v1\/traces answers \(HTTP \d{3}\)/);
    assert.match(stdout, /✓ express 5\.\d+\.\d+ \(CommonJS\): traced/);
    assert.match(stdout, '✓ kafkajs 2.2.4 (CommonJS): traced');
    assert.match(stdout, '· fastify: not installed');
    assert.match(stdout, '\nNo problem found.\n');
  } finally {
    await receiver.close();
  }
});

test('a wrong endpoint and a refused setting: said as the agent says them, exit 1', async () => {
  const { code, stdout } = await doctor(EXAMPLES, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_TRACES_SAMPLER: 'sometimes' });
  assert.is(code, 1, stdout);
  assert.match(stdout, '✗ exporter: otlp http/protobuf → http://127.0.0.1:9/v1/traces does not answer (ECONNREFUSED): spans will be dropped');
  assert.match(stdout, '✗ OTEL_TRACES_SAMPLER="sometimes" is not valid');
  assert.match(stdout, '\n2 problems found (✗).\n');
});

test('an unsupported kafkajs: not traced, with what is supported and what is lost; exit 1', async () => {
  const { code, stdout } = await doctor(path.join(FIXTURES, 'kafkajs1.3'), { OTEL_TRACES_EXPORTER: 'none' });
  assert.is(code, 1, stdout);
  assert.match(stdout, '✗ kafkajs 1.3.1: not traced: hoptrace supports kafkajs >=1.4.0 <3; Kafka producer and consumer spans and trace context across Kafka will be missing');
  assert.match(stdout, '· exporter: none (OTEL_TRACES_EXPORTER=none)');
});

test('-- the start command: hoptrace started and what it patched; exit 0', async () => {
  const { code, stdout } = await doctor(EXAMPLES, { OTEL_TRACES_EXPORTER: 'none', PORT: '0' }, ['--seconds', '3', '--', process.execPath, '--require', REGISTER, 'inventory.js']);
  assert.is(code, 0, stdout);
  assert.match(stdout, /✓ started; instrumentations: http, express, fastify, koa, fetch, kafkajs/);
  assert.match(stdout, /✓ patched express@5\.\d+\.\d+/);
});

test('-- a command where express is loaded before hoptrace, and one without hoptrace: each said, exit 1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-doctor-'));
  const early = path.join(dir, 'load-express-first.js');
  fs.writeFileSync(early, `require(${JSON.stringify(path.join(EXAMPLES, 'node_modules/express'))});\n`);
  try {
    const loadedFirst = await doctor(EXAMPLES, { OTEL_TRACES_EXPORTER: 'none', PORT: '0' }, ['--seconds', '3', '--', process.execPath, '--require', early, '--require', REGISTER, 'inventory.js']);
    assert.is(loadedFirst.code, 1, loadedFirst.stdout);
    assert.match(loadedFirst.stdout, /✗ express@5\.\d+\.\d+ was loaded before hoptrace started/);
    const without = await doctor(EXAMPLES, { OTEL_TRACES_EXPORTER: 'none', PORT: '0' }, ['--seconds', '2', '--', process.execPath, 'inventory.js']);
    assert.is(without.code, 1, without.stdout);
    assert.match(without.stdout, '✗ hoptrace did not start in this command: add --require hoptrace/register');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("remote sampling: the strategy Jaeger's endpoint gives now, or that it gives none", async () => {
  const http = require('node:http');
  const server = http.createServer((req, res) => res.end(JSON.stringify({ strategyType: 1, rateLimitingSampling: { maxTracesPerSecond: 5 } })));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const env = { OTEL_TRACES_EXPORTER: 'none', OTEL_TRACES_SAMPLER: 'jaeger_remote' };
    const up = await doctor(EXAMPLES, { ...env, OTEL_TRACES_SAMPLER_ARG: `endpoint=http://127.0.0.1:${server.address().port}` });
    assert.is(up.code, 0, up.stdout);
    assert.match(up.stdout, `✓ remote sampling: http://127.0.0.1:${server.address().port}/sampling says rate limiting 5/s`);
    const down = await doctor(EXAMPLES, { ...env, OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://127.0.0.1:9,initialSamplingRate=0.1' });
    assert.is(down.code, 1, down.stdout);
    assert.match(down.stdout, '✗ remote sampling: http://127.0.0.1:9/sampling gives no strategy (ECONNREFUSED): new traces are sampled at the initial rate 0.1');
  } finally {
    server.close();
  }
});

test('usage: an unknown option, or no subcommand: exit 2 with the usage line', async () => {
  const unknown = await doctor(EXAMPLES, {}, ['--fast']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, 'hoptrace doctor: unknown option --fast\nusage: hoptrace doctor');
});

test.run();

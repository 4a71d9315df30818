'use strict';
// OTLP over TLS into the real Jaeger: its OTLP/HTTP receiver configured for TLS, then for mTLS
// (certificates made here with openssl), in Jaeger instances of this test's own on free ports,
// beside the one the suite shares. Spans arrive with the right CA and client certificate; without
// them they are refused and said, and the app runs as it would.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { getJson } = require('../support/jaeger');
const { runFixture } = require('../support/run-fixture');
const { makeCertificateAuthority } = require('../support/tls');

const JAEGER_BIN = path.join(process.env.HOPTRACE_CACHE || path.join(os.homedir(), '.cache', 'hoptrace'), 'jaeger', 'jaeger');
const { file } = makeCertificateAuthority();

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Jaeger with only an OTLP/HTTP receiver, over TLS (and asking for a client certificate with `mtls`). */
async function startJaeger(mtls) {
  if (!fs.existsSync(JAEGER_BIN)) throw new Error(`no Jaeger binary at ${JAEGER_BIN}; build it with \`npm run jaeger:start\``);
  const [otlp, query, queryGrpc, health, healthGrpc] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const config = file(`jaeger-${mtls ? 'mtls' : 'tls'}.yaml`);
  fs.writeFileSync(config, `
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 1000
  jaeger_query:
    storage:
      traces: memstore
    enable_tracing: false
    http:
      endpoint: "127.0.0.1:${query}"
    grpc:
      endpoint: "127.0.0.1:${queryGrpc}"
  healthcheckv2:
    use_v2: true
    http:
      endpoint: "127.0.0.1:${health}"
    grpc:
      endpoint: "127.0.0.1:${healthGrpc}"
receivers:
  otlp:
    protocols:
      http:
        endpoint: "127.0.0.1:${otlp}"
        tls:
          cert_file: ${file('server.pem')}
          key_file: ${file('server.key')}
${mtls ? `          client_ca_file: ${file('ca.pem')}\n` : ''}processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`);
  const child = spawn(JAEGER_BIN, ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const queryUrl = `http://127.0.0.1:${query}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      await getJson(`${queryUrl}/api/services`);
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Jaeger (${mtls ? 'mTLS' : 'TLS'}) did not start: ${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { otlpUrl: `https://127.0.0.1:${otlp}`, queryUrl, stop: () => (child.kill('SIGTERM'), new Promise((r) => child.once('exit', r))) };
}

async function spansIn(jaeger, service, count, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await getJson(`${jaeger.queryUrl}/api/traces?service=${service}&lookback=1h`);
    const spans = data.flatMap((t) => t.spans);
    if (spans.length >= count || Date.now() > deadline) return spans;
    await new Promise((r) => setTimeout(r, 300));
  }
}

function run(jaeger, service, how, env) {
  return runFixture('exit-paths.js', { env: { OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpUrl, FIXTURE_EXIT: how, ...env }, timeoutMs: 30000 }).exited;
}

const TRUST = { OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem') };
const CLIENT = { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: file('client.pem'), OTEL_EXPORTER_OTLP_CLIENT_KEY: file('client.key') };

test('Jaeger over TLS: with the CA, spans arrive (while running and at process.exit()); without it, refused and said', async () => {
  const jaeger = await startJaeger(false);
  try {
    for (const how of ['natural', 'exit']) {
      const service = `tls-${how}`;
      const result = await run(jaeger, service, how, TRUST);
      assert.is(result.code, how === 'exit' ? 3 : 0, result.stderr);
      assert.is(result.stderr, '');
      assert.is((await spansIn(jaeger, service, 2)).length, 2, `${how}: client and server spans in Jaeger`);
    }
    const untrusted = await run(jaeger, 'tls-untrusted', 'natural', {});
    assert.is(untrusted.code, 0);
    assert.is(untrusted.stdout, 'round trip done\n');
    assert.match(untrusted.stderr, /hoptrace: warn: /);
    assert.is((await spansIn(jaeger, 'tls-untrusted', 1, 2000)).length, 0);
  } finally {
    await jaeger.stop();
  }
});

test('Jaeger over mTLS: with the client certificate, spans arrive (while running and at process.exit()); without it, refused', async () => {
  const jaeger = await startJaeger(true);
  try {
    for (const how of ['natural', 'exit']) {
      const service = `mtls-${how}`;
      const result = await run(jaeger, service, how, { ...TRUST, ...CLIENT });
      assert.is(result.code, how === 'exit' ? 3 : 0, result.stderr);
      assert.is(result.stderr, '');
      assert.is((await spansIn(jaeger, service, 2)).length, 2, `${how}: client and server spans in Jaeger`);
    }
    const anonymous = await run(jaeger, 'mtls-anonymous', 'natural', TRUST);
    assert.is(anonymous.code, 0);
    assert.match(anonymous.stderr, /hoptrace: warn: /);
    assert.is((await spansIn(jaeger, 'mtls-anonymous', 1, 2000)).length, 0);
  } finally {
    await jaeger.stop();
  }
});

test.run();

'use strict';
// OTLP over https as collectors demand it: a private CA (OTEL_EXPORTER_OTLP_CERTIFICATE) and a client
// certificate (…_CLIENT_CERTIFICATE, …_CLIENT_KEY) for a collector that asks for one (mTLS), while
// the app runs and in the exit-time delivery of process.exit(). Certificates are made here with
// openssl; the receiver is an https server that refuses connections without a certificate of the CA.
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const { startReceiver } = require('../support/otlp-receiver');
const { runFixture } = require('../support/run-fixture');
const { makeCertificateAuthority } = require('../support/tls');

const { file } = makeCertificateAuthority();
const read = (name) => fs.readFileSync(file(name));
const MTLS = { key: read('server.key'), cert: read('server.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true };
const TRUST = { OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem') };
const CLIENT = { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: file('client.pem'), OTEL_EXPORTER_OTLP_CLIENT_KEY: file('client.key') };

async function run(receiver, how, env) {
  return runFixture('exit-paths.js', {
    env: { OTEL_SERVICE_NAME: 'tls-app', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, FIXTURE_EXIT: how, ...env },
    timeoutMs: 30000,
  }).exited;
}

for (const how of ['natural', 'exit']) {
  test(`mTLS, the app ending ${how === 'exit' ? 'by process.exit(3) (delivered at exit, from a worker)' : 'on its own'}: the CA and the client certificate from the OTEL_* files, spans delivered`, async () => {
    const receiver = await startReceiver({ tls: MTLS });
    try {
      const result = await run(receiver, how, { ...TRUST, ...CLIENT });
      assert.is(result.code, how === 'exit' ? 3 : 0, result.stderr);
      assert.is(result.stdout, 'round trip done\n');
      assert.is(result.stderr, '');
      const spans = await receiver.waitFor((s) => s.length >= 2);
      assert.equal(spans.map((s) => s.kind).sort(), ['CLIENT', 'SERVER']);
    } finally {
      await receiver.close();
    }
  });
}

test('the traces-specific variables win; without the client certificate the collector refuses: spans lost and said, the app unchanged', async () => {
  const receiver = await startReceiver({ tls: MTLS });
  try {
    const withSpecific = await run(receiver, 'natural', {
      OTEL_EXPORTER_OTLP_CERTIFICATE: file('missing.pem'),
      OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: file('ca.pem'),
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: file('client.pem'),
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: file('client.key'),
    });
    assert.is(withSpecific.stderr, '');
    await receiver.waitFor((s) => s.length >= 2);
    const before = receiver.spans.length;
    const refused = await run(receiver, 'natural', TRUST);
    assert.is(refused.code, 0);
    assert.is(refused.stdout, 'round trip done\n');
    assert.match(refused.stderr, /hoptrace: warn: .*(lost|dropped|could not deliver)/i);
    assert.is(receiver.spans.length, before, 'nothing arrived without a client certificate');
  } finally {
    await receiver.close();
  }
});

test('without the CA, a collector whose certificate is from a private CA is not trusted (unless NODE_TLS_REJECT_UNAUTHORIZED=0, at exit too)', async () => {
  const receiver = await startReceiver({ tls: { key: read('server.key'), cert: read('server.pem') } });
  try {
    const untrusted = await run(receiver, 'exit', {});
    assert.is(untrusted.code, 3);
    assert.is(receiver.spans.length, 0);
    const told = await run(receiver, 'exit', { NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_OPTIONS: '--no-warnings' });
    assert.is(told.code, 3, told.stderr);
    await receiver.waitFor((s) => s.length >= 2);
  } finally {
    await receiver.close();
  }
});

test('an unreadable file: one warning naming the setting, the app runs', async () => {
  const receiver = await startReceiver();
  try {
    const result = await run(receiver, 'natural', { OTEL_EXPORTER_OTLP_CERTIFICATE: file('nope.pem') });
    assert.is(result.code, 0);
    assert.is(result.stderr, `hoptrace: warn: OTEL_EXPORTER_OTLP_CERTIFICATE=${JSON.stringify(file('nope.pem'))} is not valid (the file cannot be read: ENOENT); it is not used\n`);
    await receiver.waitFor((s) => s.length >= 2);
  } finally {
    await receiver.close();
  }
});

test.run();

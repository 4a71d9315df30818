'use strict';
// Throwaway certificates made with openssl, removed when the test process exits: a self-signed one
// for 127.0.0.1 (the HTTPS fixtures), and a private CA with a server certificate for 127.0.0.1 and
// a client certificate signed by it (TLS and mTLS collectors).
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

let made;

function makeCertificate() {
  if (made) return made;
  const dir = mkdtempSync(path.join(tmpdir(), 'hoptrace-tls-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'pipe' });
  made = { TLS_KEY: key, TLS_CERT: cert };
  return made;
}

let authority;

/** Paths of ca.pem, server.pem/.key and client.pem/.key in a folder of their own; made once per process. */
function makeCertificateAuthority() {
  if (authority) return authority;
  const dir = mkdtempSync(path.join(tmpdir(), 'hoptrace-ca-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=hoptrace test CA');
  for (const [name, extension] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']]) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(path.join(dir, `${name}.ext`), `${extension}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  }
  const file = (name) => path.join(dir, name);
  authority = { ca: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key'), clientCert: file('client.pem'), clientKey: file('client.key'), file };
  return authority;
}

module.exports = { makeCertificate, makeCertificateAuthority };

'use strict';
// A throwaway self-signed certificate for 127.0.0.1, made with openssl for the HTTPS fixtures: one
// per test process, removed when it exits.
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
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

module.exports = { makeCertificate };

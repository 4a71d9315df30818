'use strict';
// The real Jaeger that `npm run jaeger:start` (and .ci/run) starts. Tests that need it fail,
// loudly and with the reason, when it is not there: they are never skipped.
const http = require('node:http');

const JAEGER_QUERY_URL = process.env.JAEGER_QUERY_URL || 'http://127.0.0.1:16686';
const JAEGER_OTLP_URL = process.env.JAEGER_OTLP_URL || 'http://127.0.0.1:4318';

function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

async function requireJaeger() {
  try {
    await getJson(`${JAEGER_QUERY_URL}/api/services`);
  } catch (error) {
    throw new Error(`Jaeger is not running at ${JAEGER_QUERY_URL} (${error.message}); start it with \`npm run jaeger:start\``);
  }
}

module.exports = { JAEGER_QUERY_URL, JAEGER_OTLP_URL, getJson, requireJaeger };

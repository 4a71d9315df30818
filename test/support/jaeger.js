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

/** Jaeger serving the real UI (ui-build.sh's build), not the placeholder page of a binary built without it. */
async function requireJaegerUi() {
  await requireJaeger();
  const page = await new Promise((resolve, reject) => {
    http
      .get(`${JAEGER_QUERY_URL}/`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  if (!page.includes('id="jaeger-ui-root"')) {
    throw new Error(
      `Jaeger at ${JAEGER_QUERY_URL} serves no UI, only its placeholder page: build it with \`bash test/infra/jaeger/ui-build.sh\` ` +
        '(JAEGER_UI_SRC names its source; README: "The Jaeger UI"), then restart Jaeger (`npm run jaeger:stop && npm run jaeger:start`)',
    );
  }
}

module.exports = { JAEGER_QUERY_URL, JAEGER_OTLP_URL, getJson, requireJaeger, requireJaegerUi };

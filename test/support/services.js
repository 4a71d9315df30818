'use strict';
const { runFixture } = require('./run-fixture');

/**
 * Starts the HTTP service fixture as `serviceName`, exporting to `receiver`; resolves once it
 * listens. `esm`: the ES module app (esm/http-service.js); `script`: another entry of the same app;
 * `preload`: 'require' or 'import'.
 */
async function startHttpService(serviceName, receiver, env = {}, { esm = false, script, preload } = {}) {
  const app = runFixture(script || (esm ? 'esm/http-service.js' : 'http-service.js'), {
    preload,
    env: {
      OTEL_SERVICE_NAME: serviceName,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver ? receiver.url : 'http://127.0.0.1:9',
      ...env,
    },
  });
  const [, port] = await app.waitForOutput(/listening (\d+)/);
  return { ...app, port: Number(port), stop: () => (app.child.kill('SIGTERM'), app.exited) };
}

module.exports = { startHttpService };

const path = require('node:path');
const { FIXTURES } = require('./run-fixture');

/**
 * The express fixture app on express 4 or 5 (`version`: 'express4' | 'express5'); `esm`: as an ES
 * module app (express4|5/app.mjs); `preload`: 'require' or 'import'.
 */
async function startExpressApp(version, serviceName, receiver, env = {}, { esm = false, preload } = {}) {
  const app = runFixture(esm ? `${version}/app.mjs` : 'express-app.js', {
    agent: env.NO_AGENT !== '1',
    preload,
    env: {
      NODE_PATH: path.join(FIXTURES, version, 'node_modules'),
      NODE_ENV: 'production',
      OTEL_SERVICE_NAME: serviceName,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver ? receiver.url : 'http://127.0.0.1:9',
      ...env,
    },
  });
  const [, port, major] = await app.waitForOutput(/listening (\d+) (express\d)/);
  if (major !== version) throw new Error(`the fixture loaded ${major}, not ${version}`);
  return { ...app, port: Number(port), stop: () => (app.child.kill('SIGTERM'), app.exited) };
}

module.exports.startExpressApp = startExpressApp;

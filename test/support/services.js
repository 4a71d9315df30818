'use strict';
const { runFixture } = require('./run-fixture');

/** Starts test/fixtures/http-service.js as `serviceName`, exporting to `receiver`; resolves once it listens. */
async function startHttpService(serviceName, receiver, env = {}) {
  const app = runFixture('http-service.js', {
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

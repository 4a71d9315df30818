'use strict';
// Starts a framework fixture app (fastify-app.js, koa-app.js) on the library version installed in
// one fixture folder (test/fixtures/<folder>/node_modules, put on NODE_PATH), and waits until it
// listens. The app prints `listening <port> <label>`; the label names what it loaded, and must be
// what the test asked for.
const path = require('node:path');
const { runFixture, FIXTURES } = require('./run-fixture');

async function startFrameworkApp({ script, folder, label, serviceName, receiver, env = {} }) {
  const app = runFixture(script, {
    agent: env.NO_AGENT !== '1',
    env: {
      NODE_PATH: path.join(FIXTURES, folder, 'node_modules'),
      NODE_ENV: 'production',
      OTEL_SERVICE_NAME: serviceName,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver ? receiver.url : 'http://127.0.0.1:9',
      ...env,
    },
  });
  const [, port, loaded] = await app.waitForOutput(/listening (\d+) (.+)\n/);
  if (loaded !== label) throw new Error(`the fixture loaded ${loaded}, not ${label}`);
  return { ...app, port: Number(port), stop: () => (app.child.kill('SIGTERM'), app.exited) };
}

module.exports = { startFrameworkApp };

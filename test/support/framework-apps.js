'use strict';
// Starts a framework fixture app (fastify-app.js, koa-app.js) on the library version installed in
// one fixture folder (test/fixtures/<folder>/node_modules, put on NODE_PATH), and waits until it
// listens. The app prints `listening <port> <label>`; the label names what it loaded, and must be
// what the test asked for.
const path = require('node:path');
const assert = require('uvu/assert');
const { runFixture, FIXTURES } = require('./run-fixture');
const { get } = require('./http');

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

/**
 * GETs `path` from `app` with a query marker of its own, and returns the response and the SERVER
 * span the receiver got for that very request.
 */
async function serverSpanOf(app, receiver, path) {
  const marker = `m=${Math.random().toString(36).slice(2)}`;
  const response = await get(app.port, `${path}${path.includes('?') ? '&' : '?'}${marker}`);
  const isIt = (x) => x.kind === 'SERVER' && x.attributes['url.query']?.endsWith(marker);
  const spans = await receiver.waitFor((s) => s.some(isIt));
  return { response, span: spans.find(isIt) };
}

/**
 * Waits until every span that ended before now has arrived, instead of sleeping and hoping: one more
 * request (a marker), and its SERVER span; spans leave the exporter in the order they ended, so
 * everything that ended earlier is in by then. The marker's own spans are taken out of the
 * receiver's list again, so that what a test counts is its own.
 */
async function settledAfter(app, receiver) {
  const { span } = await serverSpanOf(app, receiver, '/users/settled');
  for (let i = receiver.spans.length - 1; i >= 0; i--) if (receiver.spans[i].traceId === span.traceId) receiver.spans.splice(i, 1);
}

/**
 * The gateway → fetch → service scenario every framework's fixture app serves (`/downstream` calls
 * the service's `/users/7`): asserts one trace with the right parents and route-named SERVER spans,
 * and returns the three spans for a framework's own further checks.
 */
async function assertFetchChain(receiver, gateway, service) {
  const response = await get(gateway.port, `/downstream?port=${service.port}`);
  assert.is(response.status, 200);
  assert.equal(JSON.parse(response.body), { id: '7' });
  const spans = await receiver.waitFor((s) => s.length >= 3);
  const gatewayServer = spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'gateway');
  const fetchClient = spans.find((s) => s.kind === 'CLIENT');
  const serviceServer = spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'users-service');
  assert.is(gatewayServer.name, 'GET /downstream');
  assert.is(fetchClient.scope, '@hoptrace/fetch');
  assert.is(fetchClient.parentSpanId, gatewayServer.spanId);
  assert.is(serviceServer.parentSpanId, fetchClient.spanId);
  assert.is(serviceServer.traceId, gatewayServer.traceId);
  assert.is(serviceServer.name, 'GET /users/:id');
  return { gatewayServer, fetchClient, serviceServer };
}

module.exports = { settledAfter, startFrameworkApp, serverSpanOf, assertFetchChain };

'use strict';
// fastify 4 and 5: SERVER spans named by the full route template (prefixes, plugins, nested
// plugins), errors from handlers and hooks recorded, responses as without the agent, optional
// handler and hook spans, and a gateway → fetch → service trace.
const { suite } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { startReceiver } = require('../support/otlp-receiver');
const { withReceiver } = require('../support/traced-run');
const { assertFetchChain, serverSpanOf, settledAfter, startFrameworkApp } = require('../support/framework-apps');
const { get } = require('../support/http');

const startFastifyApp = (version, serviceName, receiver, env) =>
  startFrameworkApp({ script: 'fastify-app.js', folder: version, label: version, serviceName, receiver, env });

const ROUTES = [
  ['/users/42', 'GET /users/:id'],
  ['/api/v1/orders/9', 'GET /api/v1/orders/:orderId'],
  ['/api/v1', 'GET /api/v1'],
  ['/api/v1/tenants/acme/items/3', 'GET /api/v1/tenants/:tenant/items/:item'],
];

const ERRORS = [
  ['/throw', 500, 'TypeError', 'thrown in a handler'],
  ['/async-reject', 500, 'SyntaxError', 'rejected in an async handler'],
  ['/send-error', 500, 'RangeError', 'passed to reply.send'],
  ['/hooks/on-request', 500, 'EvalError', 'thrown in an onRequest hook'],
  ['/hooks/pre-handler', 500, 'URIError', 'rejected in a preHandler hook'],
];

for (const version of ['fastify4', 'fastify5']) {
  const t = suite(version);
  let receiver;
  let app;
  let plain;
  before(t, async () => {
    receiver = await startReceiver();
    [app, plain] = await Promise.all([
      startFastifyApp(version, `svc-${version}`, receiver),
      startFastifyApp(version, 'untraced', undefined, { NO_AGENT: '1' }),
    ]);
  });
  t.after(async () => {
    await Promise.all([app.stop(), plain.stop()]);
    await receiver.close();
  });

  const serverSpanFor = (path) => serverSpanOf(app, receiver, path);

  for (const [path, name] of ROUTES) {
    t(`${path} → "${name}"`, async () => {
      const { response, span } = await serverSpanFor(path);
      assert.is(response.status, 200);
      assert.is(span.name, name);
      assert.is(span.attributes['http.route'], name.slice(4));
      assert.is(span.status.code, 'UNSET');
    });
  }

  t('an unmatched request (404) keeps the method-only name, and fastify answers as without the agent', async () => {
    const { response, span } = await serverSpanFor('/no/such/thing');
    const without = await get(plain.port, '/no/such/thing');
    assert.is(response.status, 404);
    assert.is(span.name, 'GET');
    assert.is(span.attributes['http.route'], undefined);
    assert.is(response.body.replace(/\?m=\w+/, ''), without.body);
  });

  t('no second root span and no handler spans by default', async () => {
    const before = receiver.spans.length;
    await serverSpanFor('/users/1');
    await settledAfter(app, receiver);
    const added = receiver.spans.slice(before);
    assert.equal(added.map((s) => s.kind), ['SERVER']);
  });

  for (const [path, status, type, message] of ERRORS) {
    t(`${path}: recorded as ${type}, response identical to one without the agent`, async () => {
      const { response, span } = await serverSpanFor(path);
      const without = await get(plain.port, path);
      assert.is(response.status, status);
      assert.is(response.status, without.status);
      assert.is(response.body, without.body);
      assert.is(response.headers['content-type'], without.headers['content-type']);
      assert.is(span.status.code, 'ERROR');
      assert.is(span.attributes['error.type'], type);
      const exceptions = span.events.filter((e) => e.name === 'exception');
      assert.is(exceptions.length, 1, 'one exception event');
      assert.is(exceptions[0].attributes['exception.type'], type);
      assert.is(exceptions[0].attributes['exception.message'], message);
      assert.is(span.name, `GET ${path}`, 'the route is kept when it failed');
    });
  }

  t('a 4xx error is recorded but is not a server error; the response is as without the agent', async () => {
    const { response, span } = await serverSpanFor('/bad-request');
    const without = await get(plain.port, '/bad-request');
    assert.is(response.status, 400);
    assert.is(response.body, without.body);
    assert.is(span.status.code, 'UNSET');
    assert.is(span.attributes['error.type'], undefined);
    assert.ok(span.events.some((e) => e.name === 'exception'));
  });

  t('the agent said nothing: no internal error, no warning', () => {
    assert.is(app.output().stderr, '');
  });

  t.run();
}

const chain = suite('gateway (fastify 5) → fetch → service (fastify 4)');
chain('one trace, right parents, route-named spans', async () => {
  await withReceiver(async (receiver, track) => {
    const [service, gateway] = await Promise.all([
      startFastifyApp('fastify4', 'users-service', receiver),
      startFastifyApp('fastify5', 'gateway', receiver),
    ]);
    track(service, gateway);
    await assertFetchChain(receiver, gateway, service);
  });
});
chain.run();

for (const version of ['fastify4', 'fastify5']) {
  const spans = suite(`${version}: HOPTRACE_HANDLER_SPANS=middleware`);
  spans('INTERNAL spans per hook and route handler, children of the SERVER span, covering async work; failures on the hook that failed', async () => {
    await withReceiver(async (receiver, track) => {
      const app = track(await startFastifyApp(version, 'spans', receiver, { HOPTRACE_HANDLER_SPANS: 'middleware' }));
      await get(app.port, '/slow-async');
      const slow = await receiver.waitFor((s) => s.some((x) => x.kind === 'SERVER'));
      await settledAfter(app, receiver);
      const server = slow.find((s) => s.kind === 'SERVER');
      const internal = receiver.spans.filter((s) => s.kind === 'INTERNAL');
      assert.equal(internal.map((s) => s.name).sort(), ['hook onRequest - logger', 'request handler - /slow-async']);
      assert.ok(internal.every((s) => s.parentSpanId === server.spanId && s.traceId === server.traceId && s.scope === '@hoptrace/fastify'));
      const handler = internal.find((s) => s.name.startsWith('request handler'));
      assert.is(handler.attributes['http.route'], '/slow-async');
      const durationMs = Number(handler.endTimeUnixNano - handler.startTimeUnixNano) / 1e6;
      assert.ok(durationMs >= 25, `the handler span covers the awaited work (${durationMs} ms)`);

      const before = receiver.spans.length;
      assert.is((await get(app.port, '/hooks/pre-handler')).status, 500);
      await receiver.waitFor((s) => s.slice(before).some((x) => x.kind === 'SERVER'));
      await settledAfter(app, receiver);
      const added = receiver.spans.slice(before);
      const failing = added.find((s) => s.name === 'hook preHandler - failingPreHandler');
      assert.ok(failing, `a span for the route's own hook; got ${added.map((s) => s.name)}`);
      assert.is(failing.status.code, 'ERROR');
      assert.is(failing.attributes['error.type'], 'URIError');
      assert.ok(added.some((s) => s.name === 'hook onRequest - failingOnRequest' && s.status.code === 'UNSET'));
      assert.not.ok(added.some((s) => s.name.startsWith('request handler')), 'the handler never ran');
    });
  });
  spans.run();
}

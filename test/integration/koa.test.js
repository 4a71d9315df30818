'use strict';
// koa 2 and 3 with @koa/router, and koa 2 with koa-router: SERVER spans named by the full route
// template (prefixes, nested routers on parameterized mounts), errors from middleware and handlers
// recorded whoever answers them, responses as without the agent, optional middleware spans, and a
// gateway → fetch → service trace.
const { suite } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { startReceiver } = require('../support/otlp-receiver');
const { withReceiver } = require('../support/traced-run');
const { assertFetchChain, serverSpanOf, settledAfter, startFrameworkApp } = require('../support/framework-apps');
const { get } = require('../support/http');

const SETUPS = [
  { folder: 'koa2', router: '@koa/router' },
  { folder: 'koa2', router: 'koa-router' },
  { folder: 'koa3', router: '@koa/router' },
];

const startKoaApp = ({ folder, router }, serviceName, receiver, env = {}) =>
  startFrameworkApp({ script: 'koa-app.js', folder, label: `${folder} ${router}`, serviceName, receiver, env: { KOA_ROUTER: router, ...env } });

const ROUTES = [
  ['/users/42', 'GET /users/:id'],
  ['/api/v1/orders/9', 'GET /api/v1/orders/:orderId'],
  ['/api/v1/tenants/acme/items/3', 'GET /api/v1/tenants/:tenant/items/:item'],
];

const ERRORS = [
  // [path, status, error.type, message, route or undefined]
  ['/throw', 500, 'TypeError', 'thrown in a handler', '/throw'],
  ['/async-reject', 500, 'SyntaxError', 'rejected in an async handler', '/async-reject'],
  ['/ctx-throw', 500, 'InternalServerError', 'thrown with ctx.throw', '/ctx-throw'],
  ['/guarded', 500, 'EvalError', 'thrown in a middleware', undefined],
  ['/handled-emit/fail', 502, 'RangeError', 'answered by an error middleware and emitted', '/handled-emit/fail'],
];

for (const setup of SETUPS) {
  const t = suite(`${setup.folder} with ${setup.router}`);
  let receiver;
  let app;
  let plain;
  before(t, async () => {
    receiver = await startReceiver();
    [app, plain] = await Promise.all([
      startKoaApp(setup, `svc-${setup.folder}`, receiver),
      startKoaApp(setup, 'untraced', undefined, { NO_AGENT: '1' }),
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

  t('an unmatched request (404) keeps the method-only name', async () => {
    for (const path of ['/no/such/thing', '/api/v1/nothing']) {
      const { response, span } = await serverSpanFor(path);
      assert.is(response.status, 404);
      assert.is(span.name, 'GET', path);
      assert.is(span.attributes['http.route'], undefined);
    }
  });

  t('a router middleware that answers before any route is reached: method-only, as express', async () => {
    const { response, span } = await serverSpanFor('/api/v1/orders/9?deny=1');
    assert.is(response.status, 401);
    assert.is(span.name, 'GET');
  });

  t('no second root span and no middleware spans by default', async () => {
    const before = receiver.spans.length;
    await serverSpanFor('/users/1');
    await settledAfter(app, receiver);
    const added = receiver.spans.slice(before);
    assert.equal(added.map((s) => s.kind), ['SERVER']);
  });

  for (const [path, status, type, message, route] of ERRORS) {
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
      assert.is(exceptions.length, 1, 'one exception event, however many middleware the error passed');
      assert.is(exceptions[0].attributes['exception.type'], type);
      assert.is(exceptions[0].attributes['exception.message'], message);
      assert.is(span.name, route ? `GET ${route}` : 'GET');
    });
  }

  t('an error the app answers itself without emitting it: the span fails by its 5xx status, with no exception event', async () => {
    const { response, span } = await serverSpanFor('/handled/fail');
    assert.is(response.status, 502);
    assert.is(span.status.code, 'ERROR');
    assert.is(span.attributes['error.type'], '502');
    assert.is(span.events.filter((e) => e.name === 'exception').length, 0);
    assert.is(span.name, 'GET /handled/fail');
  });

  t("an error's stack is the app's own: the same as without the agent, no hoptrace frame in it", async () => {
    const traced = await get(app.port, '/stack');
    const untraced = await get(plain.port, '/stack');
    assert.is(traced.status, 200);
    assert.not.match(traced.body, /dist\/hoptrace|middlewareWithTracing/);
    // The frames the app's code and koa's make, line for line (the first line is the message).
    assert.is(traced.body.split('\n').length, untraced.body.split('\n').length);
    assert.is(traced.body, untraced.body);
  });

  t('a 4xx ctx.throw is recorded but is not a server error; the response is as without the agent', async () => {
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

const chain = suite('gateway (koa 3) → fetch → service (koa 2, koa-router)');
chain('one trace, right parents, route-named spans', async () => {
  await withReceiver(async (receiver, track) => {
    const [service, gateway] = await Promise.all([
      startKoaApp(SETUPS[1], 'users-service', receiver),
      startKoaApp(SETUPS[2], 'gateway', receiver),
    ]);
    track(service, gateway);
    await assertFetchChain(receiver, gateway, service);
  });
});
chain.run();

for (const setup of SETUPS) {
  const spans = suite(`${setup.folder} with ${setup.router}: HOPTRACE_HANDLER_SPANS=middleware`);
  spans('INTERNAL spans per middleware and route handler, children of the SERVER span, covering async work; the failure on the handler that threw', async () => {
    await withReceiver(async (receiver, track) => {
      const app = track(await startKoaApp(setup, 'spans', receiver, { HOPTRACE_HANDLER_SPANS: 'middleware' }));
      await get(app.port, '/slow-async');
      const first = await receiver.waitFor((s) => s.some((x) => x.kind === 'SERVER'));
      await settledAfter(app, receiver);
      const server = first.find((s) => s.kind === 'SERVER');
      const internal = receiver.spans.filter((s) => s.kind === 'INTERNAL');
      assert.equal(internal.map((s) => s.name).sort(), ['middleware - errorHandler', 'middleware - guard', 'middleware - logger', 'request handler - /slow-async']);
      assert.ok(internal.every((s) => s.parentSpanId === server.spanId && s.traceId === server.traceId && s.scope === '@hoptrace/koa'));
      const handler = internal.find((s) => s.name.startsWith('request handler'));
      assert.is(handler.attributes['http.route'], '/slow-async');
      const durationMs = Number(handler.endTimeUnixNano - handler.startTimeUnixNano) / 1e6;
      assert.ok(durationMs >= 25, `the handler span covers the awaited work (${durationMs} ms)`);

      const before = receiver.spans.length;
      assert.is((await get(app.port, '/api/v1/tenants/acme/items/3')).status, 200);
      assert.is((await get(app.port, '/throw')).status, 500);
      await receiver.waitFor((s) => s.slice(before).filter((x) => x.kind === 'SERVER').length === 2);
      await settledAfter(app, receiver);
      const added = receiver.spans.slice(before).filter((s) => s.kind === 'INTERNAL');
      assert.ok(added.some((s) => s.name === 'middleware - auth'), `router.use's middleware; got ${added.map((s) => s.name)}`);
      assert.ok(added.some((s) => s.name === 'request handler - /api/v1/tenants/:tenant/items/:item'));
      const thrower = added.find((s) => s.name === 'request handler - /throw');
      assert.is(thrower.status.code, 'ERROR');
      assert.is(thrower.attributes['error.type'], 'TypeError');
      assert.ok(added.filter((s) => s.name.startsWith('middleware - ')).every((s) => s.status.code === 'UNSET'), 'only the function that threw failed');
    });
  });
  spans.run();
}

const fetchChild = suite('koa: a fetch from a handler is a child of the SERVER span (no handler spans)');
fetchChild('the CLIENT span\'s parent is the SERVER span', async () => {
  await withReceiver(async (receiver, track) => {
    const [service, gateway] = await Promise.all([startKoaApp(SETUPS[0], 'svc', receiver), startKoaApp(SETUPS[0], 'gw', receiver)]);
    track(service, gateway);
    assert.is((await get(gateway.port, `/downstream?port=${service.port}`)).status, 200);
    const spans = await receiver.waitFor((s) => s.length >= 3);
    const server = spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'gw');
    assert.is(spans.find((s) => s.kind === 'CLIENT').parentSpanId, server.spanId);
  });
});
fetchChild.run();

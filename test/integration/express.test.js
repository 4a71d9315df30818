'use strict';
// express 4 and 5: SERVER spans named by the full route template, errors recorded, responses as
// without the agent, optional middleware spans, and a gateway → fetch → service trace.
const { suite } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { startReceiver } = require('../support/otlp-receiver');
const { withReceiver } = require('../support/traced-run');
const { startExpressApp } = require('../support/services');
const { assertFetchChain, serverSpanOf, settledAfter } = require('../support/framework-apps');
const { get } = require('../support/http');

const ROUTES = [
  ['/users/42', 'GET /users/:id'],
  ['/api/v1/orders/9', 'GET /api/v1/orders/:orderId'],
  ['/api/v1', 'GET /api/v1'],
  ['/tenants/acme/items/3', 'GET /tenants/:tenant/items/:item'],
  ['/mirror-a/ping/1', 'GET /mirror-a/ping/:n'],
  ['/mirror-b/ping/2', 'GET /mirror-b/ping/:n'],
  ['/mirror-a/ping/3', 'GET /mirror-a/ping/:n'],
  ['/beta', 'GET /alpha,/beta'],
  ['/regex', 'GET /^\\/re(g|x)ex$/'],
  ['/books', 'GET /books'],
  ['/skip', 'GET /skip'],
];

const ERRORS = [
  ['/throw', 500, 'TypeError', 'thrown in a handler'],
  ['/next-error', 500, 'RangeError', 'passed to next'],
];

for (const version of ['express4', 'express5']) {
  const t = suite(version);
  let receiver;
  let app;
  let plain;
  before(t, async () => {
    receiver = await startReceiver();
    app = await startExpressApp(version, `svc-${version}`, receiver);
    plain = await startExpressApp(version, 'untraced', undefined, { NO_AGENT: '1' });
  });
  t.after(async () => {
    await Promise.all([app.stop(), plain.stop()]);
    await receiver.close();
  });

  const serverSpanFor = (path) => serverSpanOf(app, receiver, path);

  for (const [path, name] of ROUTES) {
    t(`${path} → "${name}"`, async () => {
      const { response, span } = await serverSpanFor(path);
      assert.ok(response.status < 300, `status ${response.status}`);
      assert.is(span.name, name);
      assert.is(span.attributes['http.route'], name.slice(4));
    });
  }

  t('an unmatched request (404) keeps the method-only name', async () => {
    const { response, span } = await serverSpanFor('/no/such/thing');
    assert.is(response.status, 404);
    assert.is(span.name, 'GET');
    assert.is(span.attributes['http.route'], undefined);
  });

  t('no second root span and no middleware spans by default', async () => {
    const before = receiver.spans.length;
    await serverSpanFor('/users/1');
    await settledAfter(app, receiver);
    const added = receiver.spans.slice(before);
    assert.equal(added.map((s) => s.kind), ['SERVER']);
  });

  const errors = version === 'express5' ? [...ERRORS, ['/async-reject', 500, 'SyntaxError', 'rejected in an async handler']] : ERRORS;
  for (const [path, status, type, message] of errors) {
    t(`${path}: recorded as ${type}, response identical to one without the agent`, async () => {
      const { response, span } = await serverSpanFor(path);
      const without = await get(plain.port, path);
      assert.is(response.status, status);
      assert.is(response.status, without.status);
      assert.is(response.body, without.body);
      assert.is(response.headers['content-type'], without.headers['content-type']);
      assert.is(span.status.code, 'ERROR');
      assert.is(span.attributes['error.type'], type);
      const exception = span.events.find((e) => e.name === 'exception');
      assert.ok(exception, 'an exception event');
      assert.is(exception.attributes['exception.type'], type);
      assert.is(exception.attributes['exception.message'], message);
      assert.is(span.name, `GET ${path}`, 'the route is kept when it failed');
    });
  }

  t('a 4xx error passed to next is recorded but is not a server error', async () => {
    const { response, span } = await serverSpanFor('/bad-request');
    assert.is(response.status, 400);
    assert.is(span.status.code, 'UNSET');
    assert.ok(span.events.some((e) => e.name === 'exception'));
  });

  t.run();
}

const chain = suite('gateway (express 5) → fetch → service (express 4)');
chain('one trace, right parents, route-named spans, fetch headers in place', async () => {
  await withReceiver(async (receiver, track) => {
    const service = track(await startExpressApp('express4', 'users-service', receiver));
    const gateway = track(await startExpressApp('express5', 'gateway', receiver));
    const { fetchClient } = await assertFetchChain(receiver, gateway, service);
    assert.is(fetchClient.name, 'GET');
    assert.is(fetchClient.attributes['url.full'], `http://127.0.0.1:${service.port}/users/7?token=REDACTED`);
    assert.is(fetchClient.attributes['http.response.status_code'], 200);
    assert.is(fetchClient.attributes['server.port'], service.port);
  });
});
chain.run();

// HOPTRACE_HANDLER_SPANS is the name for every framework; HOPTRACE_EXPRESS_SPANS, express's own, still works.
for (const variable of ['HOPTRACE_EXPRESS_SPANS', 'HOPTRACE_HANDLER_SPANS']) {
  const middleware = suite(`${variable}=middleware`);
  middleware('INTERNAL spans per middleware and handler, children of the SERVER span, covering async work', async () => {
    await withReceiver(async (receiver, track) => {
      const app = track(await startExpressApp('express5', 'mw', receiver, { [variable]: 'middleware' }));
      await get(app.port, '/slow-async');
      const spans = await receiver.waitFor((s) => s.some((x) => x.kind === 'SERVER'));
      await settledAfter(app, receiver);
      const server = spans.find((s) => s.kind === 'SERVER');
      const internal = spans.filter((s) => s.kind === 'INTERNAL');
      assert.equal(internal.map((s) => s.name).sort(), ['middleware - logger', 'request handler - /slow-async']);
      assert.ok(internal.every((s) => s.parentSpanId === server.spanId && s.traceId === server.traceId));
      const handler = internal.find((s) => s.name.startsWith('request handler'));
      const durationMs = Number(handler.endTimeUnixNano - handler.startTimeUnixNano) / 1e6;
      assert.ok(durationMs >= 25, `the handler span covers the awaited work (${durationMs} ms)`);
    });
  });
  middleware.run();
}

'use strict';
// How the fastify and koa instrumentations read the route a request took, from what each framework
// leaves on its request or context (the real frameworks are in test/integration/fastify|koa.test.js).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { routeOf } = require('../../dist/instrumentations/fastify/route');
const { matchedRoute } = require('../../dist/instrumentations/koa/route');
const { satisfies } = require('../../dist/agent/version-range');
const { FASTIFY_SUPPORTED_VERSIONS } = require('../../dist/instrumentations/fastify');
const { KOA_SUPPORTED_VERSIONS, KOA_ROUTER_SUPPORTED_VERSIONS } = require('../../dist/instrumentations/koa');
const fixtureVersion = (folder, name) => require(`../fixtures/${folder}/package.json`).dependencies[name];

test('fastify: routeOptions.url where the request has it (4.10+), routerPath before', () => {
  class Request {
    get routeOptions() {
      return { url: '/api/v1/orders/:orderId' };
    }
    get routerPath() {
      throw new Error('deprecated: must not be read when routeOptions exists');
    }
  }
  assert.is(routeOf(new Request()), '/api/v1/orders/:orderId');
  assert.is(routeOf({ routerPath: '/users/:id' }), '/users/:id');
  // The 404 handler: no route.
  assert.is(routeOf({ routeOptions: { url: undefined } }), undefined);
  assert.is(routeOf({ routerPath: undefined }), undefined);
  assert.is(routeOf({ routeOptions: { url: '' } }), undefined);
});

test('koa: the router\'s _matchedRoute when it is a route\'s path, not a router middleware\'s', () => {
  const route = { path: '/api/v1/orders/:orderId', methods: ['HEAD', 'GET'] };
  const auth = { path: '/api/v1(?:\\/|$)', methods: [] };
  assert.is(matchedRoute({ _matchedRoute: route.path, matched: [auth, route] }), '/api/v1/orders/:orderId');
  // router.use(auth) answered before the route was reached.
  assert.is(matchedRoute({ _matchedRoute: auth.path, matched: [auth, route] }), undefined);
  assert.is(matchedRoute({}), undefined);
  assert.is(matchedRoute({ matched: [auth] }), undefined);
  // A router that keeps no `matched` list: its path as given.
  assert.is(matchedRoute({ _matchedRoute: '/x/:id' }), '/x/:id');
  const regex = { path: /^\/re(g|x)ex$/, methods: ['GET'] };
  assert.is(matchedRoute({ _matchedRoute: regex.path, matched: [regex] }), '/^\\/re(g|x)ex$/');
});

test('the declared ranges admit the tested versions (the fixtures\' own) and nothing outside', () => {
  const supported = (ranges, version) => ranges.some((range) => satisfies(version, range));
  for (const v of [fixtureVersion('fastify4', 'fastify'), fixtureVersion('fastify5', 'fastify'), '4.0.0', '4.9.2']) assert.ok(supported(FASTIFY_SUPPORTED_VERSIONS, v), v);
  for (const v of ['3.29.5', '6.0.0']) assert.not.ok(supported(FASTIFY_SUPPORTED_VERSIONS, v), v);
  for (const v of [fixtureVersion('koa2', 'koa'), fixtureVersion('koa3', 'koa'), '2.0.0']) assert.ok(supported(KOA_SUPPORTED_VERSIONS, v), v);
  for (const v of ['1.7.0', '4.0.0']) assert.not.ok(supported(KOA_SUPPORTED_VERSIONS, v), v);
  assert.ok(supported(KOA_ROUTER_SUPPORTED_VERSIONS['@koa/router'], fixtureVersion('koa3', '@koa/router')));
  assert.ok(supported(KOA_ROUTER_SUPPORTED_VERSIONS['@koa/router'], fixtureVersion('koa2', '@koa/router')));
  assert.ok(supported(KOA_ROUTER_SUPPORTED_VERSIONS['koa-router'], fixtureVersion('koa2', 'koa-router')));
});

test.run();

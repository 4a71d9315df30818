'use strict';
// The wrappers the fastify and koa instrumentations put around the app's functions, in-process
// against a stand-in SERVER span: the app's function sees the same arguments and `this`, its
// promise comes back as is, what it throws comes back as the same object, and an error passing
// several functions is recorded once. (The real frameworks: test/integration/fastify|koa.test.js.)
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, trace } = require('@opentelemetry/api');
const { attachServerRequest } = require('../../dist/instrumentations/http/server-request');
const { wrapMiddleware } = require('../../dist/instrumentations/koa/middleware');
const { wrapHook, wrapHandler } = require('../../dist/instrumentations/fastify/request-hooks');

function fakeSpan(name = 'server') {
  const span = {
    name,
    events: [],
    ended: false,
    status: undefined,
    attributes: {},
    isRecording: () => !span.ended,
    // Errors are recorded as exception events (agent/tracing/errors.ts); kept here as their message.
    addEvent: (eventName, attributes) => span.events.push(`${eventName}: ${attributes['exception.type']}: ${attributes['exception.message']}`),
    setAttribute: (key, value) => (span.attributes[key] = value),
    setStatus: (status) => (span.status = status),
    end: () => (span.ended = true),
    spanContext: () => ({ traceId: '0'.repeat(31) + '1', spanId: '0'.repeat(15) + '1', traceFlags: 1 }),
  };
  return span;
}

function tracedRequest() {
  const span = fakeSpan();
  const req = {};
  const state = { span, context: trace.setSpan(ROOT_CONTEXT, span), method: 'GET' };
  attachServerRequest(req, state);
  const started = [];
  const tracer = () => ({ startSpan: (name) => started[started.push(fakeSpan(name)) - 1] });
  return { req, state, started, tracer };
}

test('koa: name and length kept, same promise back, same error object, recorded once across middleware', async () => {
  const { req, state } = tracedRequest();
  const ctx = { req, _matchedRoute: '/users/:id', matched: [{ path: '/users/:id', methods: ['GET'] }] };
  const boom = new TypeError('boom');
  const inner = async function handler() {
    throw boom;
  };
  const wrappedInner = wrapMiddleware(inner, 'middleware', undefined);
  assert.is(wrappedInner.name, 'handler');
  assert.is(wrappedInner.length, 0);
  assert.is(wrapMiddleware(wrappedInner, 'middleware', undefined), wrappedInner, 'never wrapped twice');
  const outer = wrapMiddleware(async function outer(c, next) {
    await next();
  }, 'middleware', undefined);
  const caught = await outer(ctx, () => wrappedInner(ctx, () => {})).catch((error) => error);
  assert.is(caught, boom);
  await new Promise((r) => setImmediate(r));
  assert.equal(state.span.events, [`exception: ${boom.constructor.name}: ${boom.message}`]);
  assert.is(state.errorType, 'TypeError');
  assert.is(state.route, '/users/:id');

  const promise = Promise.resolve(7);
  assert.is(wrapMiddleware(() => promise, 'middleware', undefined)(ctx, () => {}), promise);
  const syncError = new RangeError('sync');
  assert.throws(() => wrapMiddleware(() => { throw syncError; }, 'middleware', undefined)(ctx, () => {}), (error) => error === syncError);
  assert.is(state.span.events.length, 2);
});

test('koa: untraced requests go straight to the app', () => {
  let seen;
  const fn = function (ctx, next) {
    seen = [this, ctx, next];
    return 'done';
  };
  const self = {};
  const ctx = { req: {} };
  const next = () => {};
  assert.is(wrapMiddleware(fn, 'middleware', undefined).call(self, ctx, next), 'done');
  assert.equal(seen, [self, ctx, next]);
});

test('koa: handler spans end when the middleware settles; the one that threw fails', async () => {
  const { req, state, started, tracer } = tracedRequest();
  const ctx = { req, _matchedRoute: '/x', matched: [{ path: '/x', methods: ['GET'] }] };
  const error = new SyntaxError('nope');
  const handler = wrapMiddleware(async function route() {
    throw error;
  }, 'handler', tracer);
  await handler(ctx, () => {}).catch(() => {});
  await new Promise((r) => setImmediate(r));
  assert.equal(started.map((s) => s.name), ['request handler - /x']);
  assert.ok(started[0].ended);
  assert.is(started[0].attributes['error.type'], 'SyntaxError');
  assert.equal(state.childSpans, started);
});

test('fastify: a hook keeps name and length, ends its span on done, and invalid async hooks are left for fastify to refuse', () => {
  const { req, started, tracer } = tracedRequest();
  const request = { raw: req };
  let doneCalled = 0;
  const hook = wrapHook('onRequest', function check(rq, reply, done) {
    done();
  }, tracer);
  assert.is(hook.name, 'check');
  assert.is(hook.length, 3);
  hook(request, {}, () => doneCalled++);
  assert.is(doneCalled, 1);
  assert.equal(started.map((s) => [s.name, s.ended]), [['hook onRequest - check', true]]);
  const invalid = async function tooMany(rq, reply, done) {};
  assert.is(wrapHook('onRequest', invalid, tracer), invalid);
  const asyncOnSend = async function fine(rq, reply, payload) {};
  assert.is.not(wrapHook('onSend', asyncOnSend, tracer), asyncOnSend);
});

test('fastify: a handler gets its promise back as is and its throw as the same object', async () => {
  const { req, started, tracer } = tracedRequest();
  const request = { raw: req };
  const promise = Promise.resolve({ ok: true });
  assert.is(wrapHandler(() => promise, tracer)(request, {}), promise);
  const error = new EvalError('x');
  assert.throws(() => wrapHandler(() => { throw error; }, tracer)(request, {}), (thrown) => thrown === error);
  await new Promise((r) => setImmediate(r));
  assert.ok(started.every((s) => s.ended));
  assert.is(started[1].attributes['error.type'], 'EvalError');
});

test.run();

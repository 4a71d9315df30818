/**
 * What happens each time koa (or a router) calls one of the app's middleware functions: the
 * errors it throws or rejects with are recorded on the SERVER span (once each, however many
 * middleware they pass on their way out, and whether an error-handling middleware upstream
 * answers them or koa's default handler does); the route the router took is handed to the SERVER
 * span as the middleware settles (before koa responds); optionally an INTERNAL span covers the call.
 */
import { stateOf } from './request-state';
import { type Span, type Tracer, context, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { recordFailure } from '../../agent/tracing/errors';
import { ShapeByRoute, handlerSpanShape } from '../http/handler-span-shape';
import { type ServerRequestState, recordRequestError, startHandlerSpan } from '../http/server-request';
import type { KoaContext, Middleware } from './internal-types';
import { matchedRoute } from './route';

/**
 * `middleware`: a function given to app.use or router.use; `handler`: a route's function
 * (router.get & co.), its span named after the route; `router`: a router's dispatcher, plumbing
 * that gets no span of its own.
 */
export type MiddlewareKind = 'middleware' | 'handler' | 'router';

const wrappers = new WeakSet<object>();

export function wrapMiddleware(fn: unknown, kind: MiddlewareKind, tracer: (() => Tracer) | undefined): unknown {
  if (typeof fn !== 'function' || wrappers.has(fn)) return fn;
  const middleware = fn as Middleware;
  const name = middleware.name || '<anonymous>';
  const spanTracer = kind === 'router' ? undefined : tracer;
  // Only for middleware that gets spans: routers' dispatchers never do.
  const shapes = spanTracer ? new ShapeByRoute((route) => middlewareSpanShape(kind, name, route)) : undefined;
  const wrapped = function middlewareWithTracing(this: unknown, ctx: KoaContext, next: unknown): unknown {
    const state = stateOf(ctx);
    if (!state) return middleware.call(this, ctx, next);
    let span: Span | undefined;
    if (spanTracer) {
      try {
        // A route's function: the router has just entered this route's layer, so its path is the one being handled.
        span = startHandlerSpan(spanTracer(), state, shapes!.for(kind === 'handler' ? matchedRoute(ctx) : undefined));
      } catch (error) {
        reportAgentError('koa', error);
      }
    }
    let result: unknown;
    try {
      result = span ? context.with(trace.setSpan(state.context, span), middleware, this, ctx, next) : middleware.call(this, ctx, next);
    } catch (error) {
      // Never uncaught: koa-compose turns a middleware's throw into a rejection, so a rethrow here
      // cannot become the origin line Node prints (see agent/observe-throw.ts).
      settle(ctx, state, span, error, true);
      throw error;
    }
    if (isThenable(result)) {
      // Observed on a side branch: koa gets the app's own promise.
      result.then(
        () => settle(ctx, state, span, undefined, false),
        (error: unknown) => settle(ctx, state, span, error, true),
      );
    } else {
      settle(ctx, state, span, undefined, false);
    }
    return result;
  };
  wrappers.add(wrapped);
  Object.defineProperty(wrapped, 'name', { value: middleware.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: middleware.length, configurable: true });
  return wrapped;
}

function middlewareSpanShape(kind: MiddlewareKind, name: string, route: string | undefined) {
  if (kind !== 'handler') return handlerSpanShape(`middleware - ${name}`, { 'koa.type': 'middleware', 'koa.name': name });
  return handlerSpanShape(`request handler - ${route ?? name}`, { 'koa.type': 'router', 'koa.name': name, ...(route ? { 'http.route': route } : {}) });
}

function settle(ctx: KoaContext, state: ServerRequestState, span: Span | undefined, error: unknown, failed: boolean): void {
  try {
    const route = matchedRoute(ctx);
    if (route !== undefined) state.route = route;
    if (failed && recordRequestError(state, error) && span) recordFailure(span, error);
    span?.end();
  } catch (agentError) {
    reportAgentError('koa', agentError);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

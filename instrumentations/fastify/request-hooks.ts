/**
 * What hoptrace adds to each fastify instance, through fastify's own public hooks: an `onRequest`
 * hook that hands the matched route to the SERVER span, an `onError` hook that records the errors
 * the app raises (a handler that throws or rejects, `reply.send(error)`, a hook that fails: fastify
 * runs `onError` for each before its error handler answers), and optionally INTERNAL spans for each
 * route handler and request hook of the app's.
 *
 * Each runs first for every route: added as the instance is created, before any plugin of the app
 * (fastify copies an instance's hooks into every plugin registered after them).
 */
import { switchOf } from '../../agent/instrumentation-switches';
import { type Span, type Tracer, context, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { recordFailure } from '../../agent/tracing/errors';
import { ShapeByRoute, handlerSpanShape } from '../http/handler-span-shape';
import { type ServerRequestState, recordRequestError, serverRequestOf, startHandlerSpan } from '../http/server-request';
import type { FastifyRequest, HookFunction, RouteHandler, RouteOptions } from './internal-types';
import { routeOf } from './route';

/** Off (hoptrace/control), or http's off: every hook and handler runs as without hoptrace. */
const FASTIFY_SWITCH = switchOf('fastify', 'http');

/** The request's SERVER span state, when there is one to add to (and fastify is traced). */
function stateOf(request: FastifyRequest | undefined): ServerRequestState | undefined {
  if (!FASTIFY_SWITCH.on) return undefined;
  const raw = request?.raw;
  const state = raw ? serverRequestOf(raw) : undefined;
  return state && !state.ended && state.span.isRecording() ? state : undefined;
}

export function hoptraceRoute(this: unknown, request: FastifyRequest, reply: unknown, done: () => void): void {
  try {
    const state = stateOf(request);
    if (state) {
      const route = routeOf(request);
      if (route !== undefined) state.route = route;
    }
  } catch (error) {
    reportAgentError('fastify', error);
  }
  done();
}

export function hoptraceError(this: unknown, request: FastifyRequest, reply: unknown, error: unknown, done: () => void): void {
  try {
    const state = stateOf(request);
    if (state) recordRequestError(state, error);
  } catch (agentError) {
    reportAgentError('fastify', agentError);
  }
  done();
}

/**
 * The request hooks that run while the response is being made, and how many arguments their
 * callback form takes (`done` last). fastify refuses an async function declaring that many; such a
 * hook is left unwrapped so that fastify still refuses it the same way.
 */
const HOOK_ARITY: Readonly<Record<string, number>> = {
  onRequest: 3,
  preParsing: 4,
  preValidation: 3,
  preHandler: 3,
  preSerialization: 4,
  onSend: 4,
  onError: 4,
};

const wrappedFunctions = new WeakSet<object>();

export function isSpannedHook(name: unknown): name is string {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(HOOK_ARITY, name);
}

/** An app's hook as fastify will see it: same name and length, an INTERNAL span around each call. */
export function wrapHook(hookName: string, fn: unknown, tracer: () => Tracer): unknown {
  if (typeof fn !== 'function' || wrappedFunctions.has(fn)) return fn;
  const hook = fn as HookFunction;
  if (hook.constructor?.name === 'AsyncFunction' && hook.length === HOOK_ARITY[hookName]) return fn;
  const name = hook.name || '<anonymous>';
  const shape = handlerSpanShape(`hook ${hookName} - ${name}`, { 'fastify.type': 'hook', 'fastify.hook': hookName, 'fastify.name': name });
  const wrapped = function hookWithSpan(this: unknown, ...args: unknown[]): unknown {
    const state = stateOf(args[0] as FastifyRequest);
    if (!state) return hook.apply(this, args);
    let span: Span;
    try {
      span = startHandlerSpan(tracer(), state, shape);
      const last = args.length - 1;
      if (typeof args[last] === 'function') args[last] = endOnCallback(span, args[last] as (...a: unknown[]) => unknown);
    } catch (error) {
      reportAgentError('fastify', error);
      return hook.apply(this, args);
    }
    return callWithSpan(this, hook, args, state, span, false);
  };
  return preserveIdentity(wrapped, hook);
}

/** A route handler as fastify will see it, in an INTERNAL span named after its route. */
export function wrapHandler(fn: unknown, tracer: () => Tracer): unknown {
  if (typeof fn !== 'function' || wrappedFunctions.has(fn)) return fn;
  const handler = fn as RouteHandler;
  const name = handler.name || '<anonymous>';
  const shapes = new ShapeByRoute((route) =>
    handlerSpanShape(`request handler - ${route ?? name}`, { 'fastify.type': 'request_handler', 'fastify.name': name, ...(route ? { 'http.route': route } : {}) }),
  );
  const wrapped = function handlerWithSpan(this: unknown, request: FastifyRequest, reply: unknown): unknown {
    const state = stateOf(request);
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (!state) return handler.apply(this, args as [FastifyRequest, unknown]);
    let span: Span;
    try {
      span = startHandlerSpan(tracer(), state, shapes.for(state.route));
    } catch (error) {
      reportAgentError('fastify', error);
      return handler.apply(this, args as [FastifyRequest, unknown]);
    }
    return callWithSpan(this, handler as HookFunction, args, state, span, true);
  };
  return preserveIdentity(wrapped, handler);
}

/** onRoute hook: the route's handler and its own hooks (route options) get spans. */
export function spanRouteHandlers(tracer: () => Tracer) {
  return function hoptraceRouteSpans(this: unknown, routeOptions: RouteOptions): void {
    try {
      if (!routeOptions || typeof routeOptions !== 'object') return;
      routeOptions.handler = wrapHandler(routeOptions.handler, tracer);
      for (const hookName of Object.keys(HOOK_ARITY)) {
        const hooks = routeOptions[hookName];
        // A new array: the one in the app's route options may be shared with other routes.
        if (Array.isArray(hooks)) routeOptions[hookName] = hooks.map((fn) => wrapHook(hookName, fn, tracer));
        else if (typeof hooks === 'function') routeOptions[hookName] = wrapHook(hookName, hooks, tracer);
      }
    } catch (error) {
      reportAgentError('fastify', error);
    }
  };
}

/**
 * Runs `fn` with its span active. The span ends when the returned promise settles, when the
 * function throws (fastify catches it and answers with an error), when a callback hook calls
 * `done`, or when a handler returns its payload; a handler that returns nothing answers with
 * `reply.send`, now or later, and its span ends with the request. The app's promise is returned as
 * is, observed on a side branch.
 */
function callWithSpan(self: unknown, fn: HookFunction, args: unknown[], state: ServerRequestState, span: Span, isHandler: boolean): unknown {
  let result: unknown;
  try {
    result = context.with(trace.setSpan(state.context, span), fn, self, ...args);
  } catch (error) {
    // Never uncaught: fastify's runners catch what a handler or hook throws, so a rethrow here
    // cannot become the origin line Node prints (see agent/observe-throw.ts).
    endSpan(span, error, true);
    throw error;
  }
  try {
    if (isThenable(result)) {
      result.then(
        () => endSpan(span, undefined, false),
        (error: unknown) => endSpan(span, error, true),
      );
    } else if (isHandler && result !== undefined) {
      endSpan(span, undefined, false);
    }
  } catch (error) {
    reportAgentError('fastify', error);
  }
  return result;
}

function endOnCallback(span: Span, done: (...a: unknown[]) => unknown) {
  return function done_(this: unknown, ...args: unknown[]): unknown {
    endSpan(span, args[0], args[0] !== undefined && args[0] !== null);
    return done.apply(this, args);
  };
}

function endSpan(span: Span, error: unknown, failed: boolean): void {
  try {
    if (!span.isRecording()) return;
    if (failed) recordFailure(span, error);
    span.end();
  } catch (agentError) {
    reportAgentError('fastify', agentError);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** fastify and its plugins read a hook's name and length (printRoutes, validation): keep both. */
function preserveIdentity<T extends object>(wrapped: T, original: { name: string; length: number }): T {
  wrappedFunctions.add(wrapped);
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
  return wrapped;
}

/**
 * The contract between the http instrumentation and the frameworks on top of it (express, fastify,
 * koa): http starts and ends the SERVER span; a framework tells it, while the request runs, which
 * route matched and which error the app raised (recordRequestError), and may open INTERNAL spans
 * for the app's handlers (startHandlerSpan; their names and attributes are made once per handler,
 * handler-span-shape.ts). The SERVER span's name and attributes are applied when it ends, so a
 * route that later falls through (next('route'), a 404) leaves no wrong name behind.
 */
import { type Context, type Span, type Tracer, SpanKind } from '@opentelemetry/api';
import { SERVER_REQUEST } from './markers';
import { errorType, recordRaisedError } from '../../agent/tracing/errors';
import { noAttributes, startSpanWith } from '../../agent/tracing/tracer';
import type { HandlerSpanShape } from './handler-span-shape';

export interface ServerRequestState {
  readonly span: Span;
  /** The context the request's handlers run in (the SERVER span active). */
  readonly context: Context;
  /** Normalized method, as used in the span name. */
  readonly method: string;
  /** The matched route template, full path from the app's root (`/api/users/:id`). */
  route?: string;
  /** The class of the last error the app raised for this request, for `error.type` on a 5xx. */
  errorType?: string;
  /** Set once the SERVER span has ended (by the response, or by a handler's synchronous throw). */
  ended?: boolean;
  /** The connection's async resource the request's context was entered on (Node 20 and 22: connection-context.ts). */
  connectionResource?: object;
  /** Spans a framework opened for this request that must end with it at the latest. */
  childSpans?: Span[];
  /**
   * express: the mount paths of the layers the request is inside right now, outermost first. Kept
   * here rather than on the request object: a property of hoptrace's added to the request after
   * express has added its own measured ~1 KB more per request on Node 20 and 22.
   */
  mountPaths?: string[];
  /**
   * express: the `next` handed to the layers that add nothing to the route (see
   * express/layer-handler.ts), for the one express `next` it wraps: the layers of one router, in
   * one request, are all given the same one, so one wrapper serves them all.
   */
  errorRecordingNext?: (error?: unknown) => unknown;
  errorRecordingNextFor?: (error?: unknown) => unknown;
  /**
   * For a framework that knows the route only once the request is over (koa: what its router left
   * on the context): `routeAtEnd(routeSource)` is asked when the SERVER span ends, unless `route`
   * is set by then. A module-level function and the object it reads, so nothing is made per request.
   */
  routeAtEnd?: (source: object) => string | undefined;
  routeSource?: object;
}

/**
 * A request's state with every field in place from the start: fields added later would each move
 * the object to a new shape and a new property store, on every request.
 */
export function newServerRequestState(span: Span, context: Context, method: string): ServerRequestState {
  return {
    span,
    context,
    method,
    route: undefined,
    errorType: undefined,
    ended: false,
    connectionResource: undefined,
    childSpans: undefined,
    mountPaths: undefined,
    errorRecordingNext: undefined,
    errorRecordingNextFor: undefined,
    routeAtEnd: undefined,
    routeSource: undefined,
  };
}

export function serverRequestOf(req: object): ServerRequestState | undefined {
  return (req as Record<symbol, ServerRequestState | undefined>)[SERVER_REQUEST];
}

export function attachServerRequest(req: object, state: ServerRequestState): void {
  (req as Record<symbol, ServerRequestState>)[SERVER_REQUEST] = state;
}

/** Errors already recorded: one error passes several of a framework's layers on its way out. */
const recordedErrors = new WeakSet<object>();

/**
 * An error the app raised while handling the request (thrown, rejected, passed on), as a framework
 * saw it: an exception event on the SERVER span, once per error, and its class for `error.type`
 * should the response be a 5xx (the status itself follows the response, http's rule). False when
 * this error was already recorded.
 */
export function recordRequestError(state: ServerRequestState, error: unknown): boolean {
  const isObject = (typeof error === 'object' && error !== null) || typeof error === 'function';
  if (isObject) {
    if (recordedErrors.has(error as object)) return false;
    recordedErrors.add(error as object);
  }
  recordRaisedError(state.span, error);
  state.errorType = errorType(error);
  return true;
}

/**
 * An INTERNAL span for one of the app's handlers (a middleware, a hook, a route handler): a child of
 * the SERVER span, so consecutive handlers are siblings rather than a nested chain, and ended with
 * the request at the latest.
 */
export function startHandlerSpan(tracer: Tracer, state: ServerRequestState, shape: HandlerSpanShape): Span {
  const span = startSpanWith(tracer, shape.name, SpanKind.INTERNAL, state.context, noAttributes, undefined, undefined, shape.template);
  (state.childSpans ??= []).push(span);
  return span;
}


/**
 * What happens each time express hands a request to a layer: keep track of the mount path the
 * request is inside, so that when a route layer takes it the full route template is known; record
 * errors the app passes on; optionally, a span per middleware and route handler.
 *
 * Express runs a router's layers (or a route's handlers) one after another and hands each the
 * same `next`. So one RouterWalk per router per request follows them all, and the `next` hoptrace
 * hands on in express's place is made once per router, not once per layer; each layer remembers
 * the prefix its path makes under the prefix it was entered with, so a request whose routers are
 * mounted where they were last time joins no path. (Closures per layer and a route template joined
 * per request were most of what tracing an express request allocated.)
 */
import { type Span, type Tracer, context, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { recordFailure } from '../../agent/tracing/errors';
import { EXPRESS_LAYER_PATH, EXPRESS_LAYER_PREFIX } from '../../agent/symbols';
import { type ServerRequestState, recordRequestError, serverRequestOf, startHandlerSpan } from '../http/server-request';
import type { Layer, LayerHandle, Next } from './internal-types';
import { appendPath, routeOf } from './route-template';
import type { ExpressInstrumentationOptions } from './types';

/** The prefix a layer's path made last time, under the prefix it was entered with. */
interface JoinedPrefix {
  readonly under: string;
  readonly joined: string;
}
type Tagged<T> = T & { [EXPRESS_LAYER_PATH]?: string; [EXPRESS_LAYER_PREFIX]?: JoinedPrefix };

export function patchLayerHandle(tracer: () => Tracer, options: ExpressInstrumentationOptions) {
  return (original: LayerHandle): LayerHandle =>
    function handleRequest(this: Layer, req: object, res: object, next: Next): unknown {
      const state = req && typeof next === 'function' ? serverRequestOf(req) : undefined;
      // A request whose SERVER span is not recorded: its route, its errors and spans under it
      // (children of a span not recorded are not either) would go nowhere.
      if (!state || !state.span.isRecording()) return original.call(this, req, res, next);
      let walk: RouterWalk;
      let span: Span | undefined;
      try {
        walk = routerWalkOf(state, next);
        span = walk.enter(this, options.middlewareSpans ? tracer() : undefined);
      } catch (error) {
        reportAgentError('express', error);
        return original.call(this, req, res, next);
      }
      if (!span) return original.call(this, req, res, walk.next);
      return runInLayerSpan(state, span, original, this, req, res, walk.next);
    };
}

// Apart from handleRequest, so that a layer without a span of its own makes no closure scope.
function runInLayerSpan(state: ServerRequestState, span: Span, original: LayerHandle, layer: Layer, req: object, res: object, next: Next): unknown {
  return context.with(trace.setSpan(state.context, span), () => original.call(layer, req, res, next));
}

/**
 * A request's way through express (kept in its state's `framework` slot): the mount prefix it is
 * inside now, and the routers it entered, most recent first.
 */
class RequestWalk {
  /** The layer paths the request is inside, joined ('' at the app's root). */
  prefix = '';
  routers: RouterWalk | undefined = undefined;
  constructor(readonly state: ServerRequestState) {}
}

/** The walk through the router whose `next` this is, made when the request enters that router. */
function routerWalkOf(state: ServerRequestState, routerNext: Next): RouterWalk {
  let request = state.framework instanceof RequestWalk ? state.framework : undefined;
  if (request === undefined) state.framework = request = new RequestWalk(state);
  for (let walk = request.routers; walk !== undefined; walk = walk.entered) if (walk.routerNext === routerNext) return walk;
  const walk = new RouterWalk(request, routerNext, request.routers);
  request.routers = walk;
  return walk;
}

/**
 * A request's way through one router: the layer it is in now, and what leaving that layer
 * restores or records. A layer that calls `next` twice (an app bug express does not guard
 * against either) has its second call taken as leaving the layer that came after it.
 */
class RouterWalk {
  /** What this router's layers get as `next`: leaves the current layer, then calls express's own. */
  readonly next: Next;
  private prefixBefore = '';
  private routeBefore: string | undefined;
  private isRouteLayer = false;
  private span: Span | undefined;
  private left = true;

  constructor(
    private readonly request: RequestWalk,
    readonly routerNext: Next,
    /** The router the request entered before this one. */
    readonly entered: RouterWalk | undefined,
  ) {
    const walk = this;
    this.next = function next(this: unknown, error?: unknown): unknown {
      walk.leave(error);
      // express's next takes one argument; any others are passed on all the same.
      // eslint-disable-next-line prefer-rest-params
      return arguments.length <= 1 ? routerNext.call(this, error) : routerNext.apply(this, arguments as unknown as [unknown?]);
    };
  }

  /** The request enters `layer`; its span, when handler spans are on and the layer is the app's. */
  enter(layer: Tagged<Layer>, tracer: Tracer | undefined): Span | undefined {
    const { request } = this;
    const { state } = request;
    this.prefixBefore = request.prefix;
    this.routeBefore = state.route;
    this.isRouteLayer = layer.route !== undefined && layer.route !== null;
    this.left = false;
    const path = layer[EXPRESS_LAYER_PATH];
    if (path !== undefined) {
      request.prefix = prefixUnder(layer, request.prefix, path);
      if (this.isRouteLayer) state.route = routeOf(request.prefix);
    }
    this.span = tracer && wantsSpan(layer, this.isRouteLayer) ? startLayerSpan(tracer, layer, state, path === undefined) : undefined;
    return this.span;
  }

  private leave(error: unknown): void {
    if (this.left) return;
    this.left = true;
    try {
      const { request } = this;
      request.prefix = this.prefixBefore;
      const isAppError = error !== undefined && error !== null && error !== 'route' && error !== 'router';
      if (isAppError) recordAppError(request.state, error, this.span);
      // Falling through (next() or next('route')) means this route did not handle the request.
      else if (this.isRouteLayer) request.state.route = this.routeBefore;
      this.span?.end();
    } catch (agentError) {
      reportAgentError('express', agentError);
    }
  }
}

/** `path` appended to `prefix`, joined once per layer and mount place rather than per request. */
function prefixUnder(layer: Tagged<Layer>, prefix: string, path: string): string {
  const last = layer[EXPRESS_LAYER_PREFIX];
  if (last !== undefined && last.under === prefix) return last.joined;
  const joined = appendPath(prefix, path);
  layer[EXPRESS_LAYER_PREFIX] = { under: prefix, joined };
  return joined;
}

/** Routers, mounted apps and route dispatchers are plumbing; error handlers (4 arguments) are skipped on this path by express itself. */
function wantsSpan(layer: Layer, isRouteLayer: boolean): boolean {
  const handle = layer.handle;
  if (isRouteLayer || typeof handle !== 'function' || handle.length > 3) return false;
  return !Array.isArray(handle.stack) && handle.name !== 'mounted_app';
}

function startLayerSpan(tracer: Tracer, layer: Layer, state: ServerRequestState, isRouteHandler: boolean): Span {
  const name = layer.name || layer.handle.name || '<anonymous>';
  const attributes = isRouteHandler
    ? { 'express.type': 'request_handler', 'express.name': name, ...(state.route ? { 'http.route': state.route } : {}) }
    : { 'express.type': 'middleware', 'express.name': name };
  const spanName = isRouteHandler ? `request handler - ${state.route ?? name}` : `middleware - ${name}`;
  return startHandlerSpan(tracer, state, spanName, attributes);
}

function recordAppError(state: ServerRequestState, error: unknown, layerSpan: Span | undefined): void {
  // The SERVER span's status and error.type follow the response express sends (http's 5xx rule).
  if (recordRequestError(state, error) && layerSpan) recordFailure(layerSpan, error);
}

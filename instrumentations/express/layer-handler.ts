/**
 * What happens each time express hands a request to a layer: keep track of the mount paths the
 * request is inside, so that when a route layer takes it the full route template is known; record
 * errors the app passes on; optionally, a span per middleware and route handler.
 */
import { switchOf } from '../../agent/instrumentation-switches';
import { type Span, type Tracer, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { EXPRESS_LAYER_PATH, EXPRESS_LAYER_ROUTE, EXPRESS_LAYER_SPAN_SHAPES } from './markers';
import { runInContext3 } from '../../agent/tracing/context-manager';
import { recordFailure } from '../../agent/tracing/errors';
import { ShapeByRoute, handlerSpanShape } from '../http/handler-span-shape';
import { type ServerRequestState, recordRequestError, serverRequestOf, startHandlerSpan } from '../http/server-request';
import type { Layer, LayerHandle, Next } from './internal-types';
import { joinRoute } from './route-template';
import type { ExpressInstrumentationOptions } from './types';

type Tagged<T> = T & { [EXPRESS_LAYER_PATH]?: string; [EXPRESS_LAYER_SPAN_SHAPES]?: ShapeByRoute; [EXPRESS_LAYER_ROUTE]?: RouteUnderMounts };

/** A route layer's route template and the mount paths it was made for. */
interface RouteUnderMounts {
  readonly mounts: readonly string[];
  readonly route: string;
}

/** Off (hoptrace/control), or http's off: layers run as without hoptrace. */
const EXPRESS_SWITCH = switchOf('express', 'http');

export function patchLayerHandle(tracer: () => Tracer, options: ExpressInstrumentationOptions) {
  return (original: LayerHandle): LayerHandle =>
    function handleRequest(this: Layer, req: object, res: object, next: Next): unknown {
      const state = req && typeof next === 'function' && EXPRESS_SWITCH.on ? serverRequestOf(req) : undefined;
      // A request whose SERVER span is not recorded: its route, its errors and spans under it
      // (children of a span not recorded are not either) would go nowhere.
      if (!state || !state.span.isRecording()) return original.call(this, req, res, next);
      let span: Span | undefined;
      let wrappedNext: Next;
      try {
        span = options.middlewareSpans ? layerSpan(tracer(), this, state) : undefined;
        wrappedNext = enterLayer(this, state, next, span);
      } catch (error) {
        reportAgentError('express', error);
        return original.call(this, req, res, next);
      }
      if (!span) return original.call(this, req, res, wrappedNext);
      return runInContext3(trace.setSpan(state.context, span), original, this, req, res, wrappedNext);
    };
}

/**
 * Notes where the request is (the mount paths it is inside, the route it matched) and returns the
 * `next` to hand the layer, which undoes that when the layer passes the request on, records an
 * error passed with it, and ends the layer's span. A layer mounted at the root ('/': express 4's
 * query and expressInit, app.use(fn)) or a route's own handler adds nothing to a route and takes no
 * place on the path stack: all its `next` does is record an error (errorRecordingNext).
 */
function enterLayer(layer: Tagged<Layer>, state: ServerRequestState, originalNext: Next, span: Span | undefined): Next {
  const path = layer[EXPRESS_LAYER_PATH];
  const isRouteLayer = layer.route !== undefined && layer.route !== null;
  const addsToPath = path !== undefined && path !== '/' && path !== '';
  if (!addsToPath && !isRouteLayer && span === undefined) return errorRecordingNext(state, originalNext);
  // A route layer's path is not pushed: nothing under it (its own handlers) adds to the route.
  const paths = addsToPath && !isRouteLayer ? (state.mountPaths ??= []) : undefined;
  const depth = paths ? paths.length : 0;
  const routeBefore = state.route;
  if (paths) paths.push(path!);
  if (isRouteLayer && path !== undefined) state.route = routeUnder(layer, path, state.mountPaths);

  let left = false;
  return function next(this: unknown, error?: unknown): unknown {
    if (!left) {
      left = true;
      try {
        if (paths) paths.length = depth;
        const isAppError = error !== undefined && error !== null && error !== 'route' && error !== 'router';
        if (isAppError) recordAppError(state, error, span);
        // Falling through (next() or next('route')) means this route did not handle the request.
        else if (isRouteLayer) state.route = routeBefore;
        span?.end();
      } catch (agentError) {
        reportAgentError('express', agentError);
      }
    }
    // eslint-disable-next-line prefer-rest-params
    return originalNext.apply(this, arguments as unknown as [unknown?]);
  };
}

/**
 * The `next` for layers that add nothing to the route: it records an error passed on, nothing
 * else, so every such layer of one router in one request (they are handed the same express `next`)
 * shares one. A `next` per layer was a third of what hoptrace allocated per express request. An
 * error passed twice (through two layers) is recorded once (recordRequestError).
 */
function errorRecordingNext(state: ServerRequestState, originalNext: Next): Next {
  if (state.errorRecordingNextFor === originalNext) return state.errorRecordingNext as Next;
  const next = function next(this: unknown, error?: unknown): unknown {
    if (error !== undefined && error !== null && error !== 'route' && error !== 'router') {
      try {
        recordRequestError(state, error);
      } catch (agentError) {
        reportAgentError('express', agentError);
      }
    }
    // eslint-disable-next-line prefer-rest-params
    return originalNext.apply(this, arguments as unknown as [unknown?]);
  };
  state.errorRecordingNextFor = originalNext;
  state.errorRecordingNext = next;
  return next;
}

/** The route template of a route layer under `mounts`: made once per layer and mount paths, not per request. */
function routeUnder(layer: Tagged<Layer>, path: string, mounts: readonly string[] | undefined): string {
  const known = layer[EXPRESS_LAYER_ROUTE];
  const under = mounts ?? NO_MOUNTS;
  if (known !== undefined && sameMounts(known.mounts, under)) return known.route;
  const route = joinRoute([...under, path]);
  layer[EXPRESS_LAYER_ROUTE] = { mounts: under.slice(), route };
  return route;
}

const NO_MOUNTS: readonly string[] = Object.freeze([]);

function sameMounts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The layer's own span (HOPTRACE_HANDLER_SPANS=middleware), for the layers that get one. */
function layerSpan(tracer: Tracer, layer: Tagged<Layer>, state: ServerRequestState): Span | undefined {
  const isRouteLayer = layer.route !== undefined && layer.route !== null;
  return wantsSpan(layer, isRouteLayer) ? startLayerSpan(tracer, layer, state, layer[EXPRESS_LAYER_PATH] === undefined) : undefined;
}

/** Routers, mounted apps and route dispatchers are plumbing; error handlers (4 arguments) are skipped on this path by express itself. */
function wantsSpan(layer: Layer, isRouteLayer: boolean): boolean {
  const handle = layer.handle;
  if (isRouteLayer || typeof handle !== 'function' || handle.length > 3) return false;
  return !Array.isArray(handle.stack) && handle.name !== 'mounted_app';
}

function startLayerSpan(tracer: Tracer, layer: Tagged<Layer>, state: ServerRequestState, isRouteHandler: boolean): Span {
  const shapes = (layer[EXPRESS_LAYER_SPAN_SHAPES] ??= new ShapeByRoute((route) => layerSpanShape(layer, isRouteHandler, route)));
  return startHandlerSpan(tracer, state, shapes.for(isRouteHandler ? state.route : undefined));
}

function layerSpanShape(layer: Layer, isRouteHandler: boolean, route: string | undefined) {
  const name = layer.name || layer.handle.name || '<anonymous>';
  if (!isRouteHandler) return handlerSpanShape(`middleware - ${name}`, { 'express.type': 'middleware', 'express.name': name });
  const attributes = { 'express.type': 'request_handler', 'express.name': name, ...(route ? { 'http.route': route } : {}) };
  return handlerSpanShape(`request handler - ${route ?? name}`, attributes);
}

function recordAppError(state: ServerRequestState, error: unknown, layerSpan: Span | undefined): void {
  // The SERVER span's status and error.type follow the response express sends (http's 5xx rule).
  if (recordRequestError(state, error) && layerSpan) recordFailure(layerSpan, error);
}

/**
 * Incoming requests: one SERVER span each, continuing the caller's trace, active while the app
 * handles the request, ended when the response is finished or the client goes away.
 */
import { switchOf } from '../../agent/instrumentation-switches';
import { type Context, type Tracer, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { executionAsyncResource } from 'node:async_hooks';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { reportAgentError } from '../../agent/log';
import { whenThrown } from '../../agent/observe-throw';
import { incomingHttpHeaderGetter } from '../../agent/propagation/carriers';
import { extractFromCarrier } from '../../agent/propagation/installed';
import { ROOT } from '../../agent/tracing/context';
import { enterContext } from '../../agent/tracing/context-manager';
import { recordFailure } from '../../agent/tracing/errors';
import { type AttributeRecipe, setMadeAttribute, startSpanWith } from '../../agent/tracing/tracer';
import type { TracerResolver } from '../../agent/tracing/tracers';
import { normalizeMethod, serverRequestAttributes, serverRequestOwnAttributes, spanName } from './attributes';
import { enterRequestContext, leaveConnection } from './connection-context';
import { keepIdleTimerOutOfRequests } from './idle-connection-timer';
import { createPathMatcher } from './ignore-paths';
import { endBodyInRequestContext } from './request-events';
import { type ServerRequestState, attachServerRequest, newServerRequestState, serverRequestOf } from './server-request';
import { serverTemplate } from './server-template';
import type { HttpInstrumentationOptions } from './types';
import { type UrlRedactor, splitTarget } from './url-redaction';
import { noteReceived, propagationDebug } from '../../agent/propagation/debug';

export const HTTP_SCOPE = '@hoptrace/http';
/** Off (hoptrace/control): requests are served as without hoptrace. */
export const HTTP_SWITCH = switchOf('http');

/** EventEmitter's emit signature; Server's overloads are too narrow to forward arguments through. */
type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

/** Local ports whose tracer is kept; a process serves on a handful. */
const MAX_KEPT_PORTS = 64;

/**
 * A request's SERVER span started (its handlers run in `state.context`), or undefined for an
 * ignored path, whose handlers run in IGNORED_REQUEST_CONTEXT; the same for both ways in (patched
 * emit, channels.ts). Nothing made per request beyond the state.
 */
export type BeginServerRequest = (req: IncomingMessage, res: ServerResponse) => ServerRequestState | undefined;

/** Health checks and the like: no span, and nothing they call downstream is traced either. */
export const IGNORED_REQUEST_CONTEXT: Context = suppressTracing(ROOT);

export function serverRequestStarter(tracers: TracerResolver, options: HttpInstrumentationOptions, redactor: UrlRedactor): BeginServerRequest {
  const isIgnored = createPathMatcher(options.ignoreIncomingPaths);
  // Beside its address's template, what is the request's own; without one (too many kept), all.
  const recipe: AttributeRecipe<IncomingMessage> = (req, template) =>
    template ? serverRequestOwnAttributes(req, normalizeMethod(req.method), redactor) : serverRequestAttributes(req, normalizeMethod(req.method), redactor);
  // The tracer per local port, when the port settles it (one service: always).
  const byPort = new Map<number | undefined, Tracer | undefined>();
  const tracerFor = (port: number | undefined): Tracer => {
    let tracer = byPort.get(port);
    if (tracer === undefined && !byPort.has(port)) {
      tracer = tracers.settledTracerFor(HTTP_SCOPE, { serverPort: port });
      if (byPort.size < MAX_KEPT_PORTS) byPort.set(port, tracer);
    }
    return tracer ?? tracers.tracerFor(HTTP_SCOPE, { serverPort: port });
  };
  return (req, res) => {
    // Every request leaves a context on its connection's idle timer (traced, unsampled or ignored alike).
    keepIdleTimerOutOfRequests(req.socket);
    return isIgnored?.(req.url) ? undefined : startServerSpan(tracerFor(req.socket?.localPort), req, res, recipe, redactor);
  };
}

/** The patched way in (Node 20, or HOPTRACE_HTTP_VIA=patching): Server.prototype.emit('request'). */
export function patchServerEmit(begin: BeginServerRequest) {
  return (originalEmit: Emit): Emit =>
    function emit(this: Server, event: string | symbol): boolean {
      // `arguments` as it came: every event of every server passes through here, so no copies.
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as Parameters<Emit>;
      if (event !== 'request') return originalEmit.apply(this, args);
      const req = args[1] as IncomingMessage;
      const res = args[2] as ServerResponse;
      if (!HTTP_SWITCH.on) {
        // As without hoptrace: no context, not the last traced request's left on the connection.
        if (isEmittedByParser(req)) enterContext(ROOT);
        return originalEmit.apply(this, args);
      }
      let state: ServerRequestState | undefined;
      let requestContext: Context = ROOT;
      try {
        state = begin(req, res);
        requestContext = state ? state.context : IGNORED_REQUEST_CONTEXT;
      } catch (error) {
        reportAgentError('http server', error);
      }
      if (!isEmittedByParser(req)) {
        return context.with(requestContext, () => callHandlers(this, originalEmit, args, state));
      }
      // The handler, and what the same parser call emits after it, run in the request's context:
      // made the current one, at the cost of one property write; the next request on the
      // connection replaces it, and on Node 20 and 22 the response's end takes it off
      // (connection-context.ts). Body events from later reads: request-events.ts.
      enterRequestContext(requestContext, state);
      if (!state) return originalEmit.apply(this, args);
      // The app's handler may throw synchronously: recorded, and passed on untouched (observe-throw.ts).
      let threw = true;
      try {
        const handled = originalEmit.apply(this, args);
        threw = false;
        return handled;
      } finally {
        if (threw) whenThrown(failRequest(state));
      }
    };
}

function callHandlers(server: Server, originalEmit: Emit, args: Parameters<Emit>, state: ServerRequestState | undefined): boolean {
  if (!state) return originalEmit.apply(server, args);
  let threw = true;
  try {
    const handled = originalEmit.apply(server, args);
    threw = false;
    return handled;
  } finally {
    if (threw) whenThrown(failRequest(state));
  }
}

export function failRequest(state: ServerRequestState): (error: unknown) => void {
  return (error) => {
    recordFailure(state.span, error);
    endServerSpan(state, undefined);
  };
}

/**
 * True when Node's HTTP parser is emitting the request, inside the per-connection async resource
 * it runs under; false when someone calls `server.emit('request', …)` themselves, whose async
 * context hoptrace must not change beyond the call.
 */
function isEmittedByParser(req: IncomingMessage): boolean {
  const resource = executionAsyncResource() as { socket?: unknown };
  return req.socket !== undefined && req.socket !== null && resource?.socket === req.socket;
}

function startServerSpan(tracer: Tracer, req: IncomingMessage, res: ServerResponse, recipe: AttributeRecipe<IncomingMessage>, redactor: UrlRedactor): ServerRequestState {
  const method = normalizeMethod(req.method);
  const parent = extractFromCarrier(ROOT, req.headers, incomingHttpHeaderGetter);
  if (propagationDebug.on) noteReceived('HTTP request', `${method.method} ${splitTarget(req.url ?? '', redactor).path}`, req.headers, parent);
  const span = startSpanWith(tracer, spanName(method.method), SpanKind.SERVER, parent, recipe, req, undefined, serverTemplate);
  const state = newServerRequestState(span, trace.setSpan(parent, span), method.method);
  attachServerRequest(req, state);
  endBodyInRequestContext(req);
  // A span that is not recorded has nothing to note when the response ends. A response Node made
  // for this request finds the state through `res.req`; one made by hand, without it, gets its own.
  if (span.isRecording()) {
    if ((res as { req?: unknown }).req === req) res.on('close', onResponseClose);
    else res.on('close', () => closeRequest(res, state));
  }
  return state;
}

/**
 * One passive 'close' listener per recorded request (it changes nothing for the app, unlike an
 * 'error' one would), the same function for all.
 */
function onResponseClose(this: ServerResponse): void {
  const state = serverRequestOf(this.req);
  if (state) closeRequest(this, state);
}

/** 'close' follows 'finish' within the same turn; without 'finish' before it, the client went away before the response was complete. */
function closeRequest(res: ServerResponse, state: ServerRequestState): void {
  try {
    if (!res.writableFinished) {
      state.span.setAttribute('error.type', 'aborted');
      state.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection before the response was complete' });
      endServerSpan(state, res.headersSent ? res.statusCode : undefined);
    } else endServerSpan(state, res.statusCode);
    leaveConnection(state);
  } catch (error) {
    reportAgentError('http server', error);
  }
}

function endServerSpan(state: ServerRequestState, statusCode: number | undefined): void {
  if (state.ended) return;
  state.ended = true;
  const { span } = state;
  if (state.route === undefined && state.routeAtEnd !== undefined && state.routeSource !== undefined) {
    try {
      state.route = state.routeAtEnd(state.routeSource);
    } catch (error) {
      reportAgentError('http server route', error);
    }
  }
  if (state.route !== undefined) {
    span.updateName(spanName(state.method, state.route));
    setMadeAttribute(span, 'http.route', state.route);
  }
  if (statusCode !== undefined) {
    setMadeAttribute(span, 'http.response.status_code', statusCode);
    // Server spans are errors only for 5xx: a 4xx is the client's mistake, not the service's.
    if (statusCode >= 500) {
      span.setAttribute('error.type', state.errorType ?? String(statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  if (state.childSpans) for (const child of state.childSpans) if (child.isRecording()) child.end();
  span.end();
}

/**
 * Incoming requests: one SERVER span each, continuing the caller's trace, active while the app
 * handles the request, ended when the response is finished or the client goes away.
 */
import { type Tracer, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { reportAgentError } from '../../agent/log';
import { incomingHttpHeaderGetter } from '../../agent/propagation/carriers';
import type { TracerResolver } from '../../agent/tracing/tracers';
import { normalizeMethod, serverRequestAttributes, spanName } from './attributes';
import { recordError } from './errors';
import { createPathMatcher } from './ignore-paths';
import { type ServerRequestState, attachServerRequest } from './server-request';
import type { HttpInstrumentationOptions } from './types';

export const HTTP_SCOPE = '@hoptrace/http';

/** EventEmitter's emit signature; Server's overloads are too narrow to forward arguments through. */
type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

export function patchServerEmit(tracers: TracerResolver, options: HttpInstrumentationOptions) {
  const isIgnored = createPathMatcher(options.ignoreIncomingPaths);
  return (originalEmit: Emit): Emit =>
    function emit(this: Server, event: string | symbol): boolean {
      // `arguments` as it came: every event of every server passes through here, so no copies.
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as Parameters<Emit>;
      if (event !== 'request') return originalEmit.apply(this, args);
      const req = args[1] as IncomingMessage;
      const res = args[2] as ServerResponse;
      let state: ServerRequestState;
      try {
        if (isIgnored?.(req.url)) {
          // Health checks and the like: no span, and nothing they call downstream is traced either.
          return context.with(suppressTracing(ROOT_CONTEXT), () => originalEmit.apply(this, args));
        }
        state = startServerSpan(tracers.tracerFor(HTTP_SCOPE, { serverPort: req.socket?.localPort }), req, res);
        // Stream events ('data', 'end', 'finish') fire from the socket's own async context, not
        // from this call; binding the emitters makes their listeners run inside the request's.
        context.bind(state.context, req);
        context.bind(state.context, res);
      } catch (error) {
        reportAgentError('http server', error);
        return originalEmit.apply(this, args);
      }
      try {
        return context.with(state.context, () => originalEmit.apply(this, args));
      } catch (error) {
        // The app's handler threw synchronously: record it, then let it go on exactly as before.
        recordError(state.span, error);
        state.span.setStatus({ code: SpanStatusCode.ERROR });
        endServerSpan(state, undefined);
        throw error;
      }
    };
}

function startServerSpan(tracer: Tracer, req: IncomingMessage, res: ServerResponse): ServerRequestState {
  const method = normalizeMethod(req.method);
  const parent = propagation.extract(ROOT_CONTEXT, req.headers, incomingHttpHeaderGetter);
  const span = tracer.startSpan(
    spanName(method.method),
    { kind: SpanKind.SERVER, attributes: serverRequestAttributes(req, method) },
    parent,
  );
  const state: ServerRequestState = { span, context: trace.setSpan(parent, span), method: method.method };
  attachServerRequest(req, state);
  // 'finish' and 'close' listeners change nothing for the app (unlike an 'error' listener would).
  res.once('finish', () => endServerSpan(state, res.statusCode));
  res.once('close', () => {
    if (ended.has(state)) return;
    // 'close' before 'finish': the client went away before the response was complete.
    span.setAttribute('error.type', 'aborted');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection before the response was complete' });
    endServerSpan(state, res.headersSent ? res.statusCode : undefined);
  });
  return state;
}

const ended = new WeakSet<ServerRequestState>();

function endServerSpan(state: ServerRequestState, statusCode: number | undefined): void {
  if (ended.has(state)) return;
  ended.add(state);
  const { span } = state;
  if (state.route !== undefined) {
    span.updateName(spanName(state.method, state.route));
    span.setAttribute('http.route', state.route);
  }
  if (statusCode !== undefined) {
    span.setAttribute('http.response.status_code', statusCode);
    // Server spans are errors only for 5xx: a 4xx is the client's mistake, not the service's.
    if (statusCode >= 500) {
      span.setAttribute('error.type', state.errorType ?? String(statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  if (state.childSpans) for (const child of state.childSpans) if (child.isRecording()) child.end();
  span.end();
}

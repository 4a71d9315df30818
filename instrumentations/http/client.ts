/**
 * Outgoing requests: one CLIENT span each, its context written into the request's headers (never
 * into the caller's options object), ended when the response has been read, or on error or abort.
 */
import { type Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { reportAgentError } from '../../agent/log';
import { recordSetter } from '../../agent/propagation/carriers';
import type { TracerResolver } from '../../agent/tracing/tracers';
import { clientRequestAttributes, normalizeMethod, spanName } from './attributes';
import { recordError } from './errors';
import { observeEvents } from './observe-events';
import { readOutgoingTarget } from './outgoing-target';
import { HTTP_SCOPE } from './server';

type Request = typeof httpRequest;

export function patchRequest(tracers: TracerResolver, scheme: 'http' | 'https') {
  return (original: Request): Request =>
    function request(this: unknown, ...args: unknown[]): ClientRequest {
      if (isTracingSuppressed(context.active())) return original.apply(this, args as Parameters<Request>);
      let span: Span | undefined;
      try {
        span = startClientSpan(tracers, args, scheme);
      } catch (error) {
        reportAgentError('http client', error);
      }
      if (!span) return original.apply(this, args as Parameters<Request>);
      let req: ClientRequest;
      try {
        req = original.apply(this, args as Parameters<Request>);
      } catch (error) {
        // Invalid arguments: Node's own error, unchanged.
        recordError(span, error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw error;
      }
      try {
        injectContext(req, span);
        watchRequest(req, span);
      } catch (error) {
        reportAgentError('http client', error);
      }
      return req;
    } as Request;
}

/** http.get is request + end; rebuilt on the patched request so headers go in before end() sends them. */
export function patchGet(moduleExports: { request: Request }) {
  return (_original: Request): Request =>
    function get(this: unknown, ...args: unknown[]): ClientRequest {
      const req = moduleExports.request.apply(this, args as Parameters<Request>);
      req.end();
      return req;
    } as Request;
}

function startClientSpan(tracers: TracerResolver, args: unknown[], scheme: 'http' | 'https'): Span | undefined {
  const target = readOutgoingTarget(args, scheme);
  if (!target) return undefined;
  const method = normalizeMethod(target.method);
  return tracers
    .tracerFor(HTTP_SCOPE)
    .startSpan(spanName(method.method), { kind: SpanKind.CLIENT, attributes: clientRequestAttributes(target, method) });
}

function injectContext(req: ClientRequest, span: Span): void {
  // Headers given as an array, or `Expect: 100-continue`, are written at construction; then it is too late.
  if (req.headersSent || (req as unknown as { _header?: unknown })._header) return;
  const headers: Record<string, unknown> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers, recordSetter);
  for (const name in headers) req.setHeader(name, headers[name] as string);
}

function watchRequest(req: ClientRequest, span: Span): void {
  let ended = false;
  const end = () => {
    ended = true;
    span.end();
  };
  observeEvents(req, (event, arg) => {
    if (ended) return;
    if (event === 'response') {
      watchResponse(arg as IncomingMessage, span, () => ended, end);
    } else if (event === 'error') {
      recordError(span, arg);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (arg as Error)?.message });
      end();
    } else if (event === 'close' && !(req as unknown as { res?: unknown }).res) {
      span.setAttribute('error.type', 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the request was closed before a response arrived' });
      end();
    }
  });
}

function watchResponse(res: IncomingMessage, span: Span, isEnded: () => boolean, end: () => void): void {
  const status = res.statusCode ?? 0;
  span.setAttribute('http.response.status_code', status);
  span.setAttribute('network.protocol.version', res.httpVersion);
  // Client spans are errors from 4xx on: the call did not get what it asked for.
  if (status >= 400) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  observeEvents(res, (event, arg) => {
    if (isEnded()) return;
    if (event === 'end') end();
    else if (event === 'error' || (event === 'close' && !res.complete)) {
      if (event === 'error') recordError(span, arg);
      else span.setAttribute('error.type', 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the response was cut off' });
      end();
    } else if (event === 'close') end();
  });
}

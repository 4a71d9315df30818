/**
 * Outgoing requests: one CLIENT span each, its context written into the request's headers (never
 * into the caller's options object), ended when the response has been read, or on error or abort.
 */
import { type Attributes, type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { reportAgentError } from '../../agent/log';
import { whenThrown } from '../../agent/observe-throw';
import { recordSetter } from '../../agent/propagation/carriers';
import { injectIntoCarrier } from '../../agent/propagation/installed';
import { CLIENT_CALL } from './markers';
import { activeContext } from '../../agent/tracing/context-manager';
import { recordFailure } from '../../agent/tracing/errors';
import { type AttributeRecipe, type SpanTemplate, setMadeAttribute, startSpanWith } from '../../agent/tracing/tracer';
import type { TracerResolver } from '../../agent/tracing/tracers';
import { type OutgoingTarget, clientRequestAttributes, clientRequestOwnAttributes, normalizeMethod, spanName } from './attributes';
import { clientTemplate } from './client-template';
import { hasMethodAndPath, readOutgoingTarget, targetOfClientRequest } from './outgoing-target';
import { HTTP_SCOPE, HTTP_SWITCH } from './server';
import { type UrlRedactor, splitTarget } from './url-redaction';
import { noteSent, propagationDebug } from '../../agent/propagation/debug';

type Request = typeof httpRequest;

export function patchRequest(tracers: TracerResolver, scheme: 'http' | 'https', redactor: UrlRedactor) {
  const recipe: AttributeRecipe<OutgoingTarget> = (target, template) => callAttributes(target, template, redactor);
  return (original: Request): Request =>
    function request(this: unknown, ...args: unknown[]): ClientRequest {
      if (!HTTP_SWITCH.on || isTracingSuppressed(context.active())) return original.apply(this, args as Parameters<Request>);
      let span: Span | undefined;
      try {
        span = startClientSpan(tracers, args, scheme, recipe);
      } catch (error) {
        reportAgentError('http client', error);
      }
      if (!span) return original.apply(this, args as Parameters<Request>);
      const started = span;
      let req: ClientRequest;
      // Invalid arguments: Node's own error, passed on untouched (observe-throw.ts).
      let threw = true;
      try {
        req = original.apply(this, args as Parameters<Request>);
        threw = false;
      } finally {
        if (threw) {
          whenThrown((error) => {
            recordFailure(started, error);
            started.end();
          });
        }
      }
      try {
        injectContext(req, span, redactor);
        // A span that is not recorded has nothing to note when the call ends.
        if (span.isRecording()) watchRequest(req, span);
      } catch (error) {
        reportAgentError('http client', error);
      }
      return req;
    } as Request;
}

/**
 * The channel way in (channels.ts): a CLIENT span for a request Node has just made, published in
 * the caller's own call (the active context is the caller's) before its headers go out.
 */
export function traceCreatedRequests(tracers: TracerResolver, redactor: UrlRedactor): (message: unknown) => void {
  // Where the request goes is read only for a span that is recorded (the request Node made has it
  // all), once: by the template, then taken by the recipe the tracer calls next.
  const template: SpanTemplate<ClientRequest> = (req) => clientTemplate(readTargetOf(req));
  const recipe: AttributeRecipe<ClientRequest> = (req, found) => callAttributes(takeTargetOf(req), found, redactor);
  return guarded((message) => {
    if (!HTTP_SWITCH.on) return;
    const active = activeContext();
    if (isTracingSuppressed(active)) return;
    const req = (message as { request: ClientRequest }).request;
    if (!hasMethodAndPath(req)) return;
    const span = startSpanWith(tracers.tracerFor(HTTP_SCOPE), spanName(normalizeMethod(req.method).method), SpanKind.CLIENT, active, recipe, req, undefined, template);
    injectContext(req, span, redactor);
    if (span.isRecording()) watchRequest(req, span);
  });
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

function startClientSpan(tracers: TracerResolver, args: unknown[], scheme: 'http' | 'https', recipe: AttributeRecipe<OutgoingTarget>): Span | undefined {
  const target = readOutgoingTarget(args, scheme);
  if (!target) return undefined;
  return startSpanWith(tracers.tracerFor(HTTP_SCOPE), spanName(normalizeMethod(target.method).method), SpanKind.CLIENT, activeContext(), recipe, target, undefined, clientTemplate);
}

/** A call's attributes beside its server's template (client-template.ts), or all of them when it has none. */
function callAttributes(target: OutgoingTarget, template: Attributes | undefined, redactor: UrlRedactor): Attributes {
  const method = normalizeMethod(target.method);
  return template === undefined ? clientRequestAttributes(target, method, redactor) : clientRequestOwnAttributes(target, method, redactor);
}

/**
 * The target the channel way's template read, kept for its recipe, which the tracer calls right
 * after it for the same request: read once, and let go when taken.
 */
let readRequest: ClientRequest | undefined;
let readTarget: OutgoingTarget | undefined;

function readTargetOf(req: ClientRequest): OutgoingTarget {
  readRequest = req;
  readTarget = targetOfClientRequest(req)!;
  return readTarget;
}

function takeTargetOf(req: ClientRequest): OutgoingTarget {
  const target = req === readRequest && readTarget !== undefined ? readTarget : targetOfClientRequest(req)!;
  readRequest = undefined;
  readTarget = undefined;
  return target;
}

function injectContext(req: ClientRequest, span: Span, redactor: UrlRedactor): void {
  // Headers given as an array, or `Expect: 100-continue`, are written at construction; then it is too late.
  if (req.headersSent || (req as unknown as { _header?: unknown })._header) {
    if (propagationDebug.on) noteSent('HTTP request', describeRequest(req, redactor), {}, trace.setSpan(context.active(), span), 'its headers were sent before hoptrace could add any');
    return;
  }
  const headers: Record<string, unknown> = {};
  const sent = trace.setSpan(context.active(), span);
  injectIntoCarrier(sent, headers, recordSetter);
  for (const name in headers) req.setHeader(name, headers[name] as string);
  if (propagationDebug.on) noteSent('HTTP request', describeRequest(req, redactor), headers, sent);
}

/** `GET to host/path` as a debug line shows a call: the path redacted as its span's is, no query. */
function describeRequest(req: ClientRequest, redactor: UrlRedactor): string {
  const { method, host, path } = req as unknown as { method?: string; host?: string; path?: string };
  return `${method ?? 'GET'} to ${host ?? ''}${splitTarget(path ?? '', redactor).path}`;
}

interface ClientCall {
  readonly span: Span;
  ended: boolean;
}

function endCall(call: ClientCall): void {
  if (call.ended) return;
  call.ended = true;
  call.span.end();
}

function watchRequest(req: ClientRequest, span: Span): void {
  const call: ClientCall = { span, ended: false };
  (req as unknown as Record<symbol, ClientCall>)[CLIENT_CALL] = call;
  // Listeners for 'close' and 'end' change nothing for the app; 'response' and 'error' would
  // (see onClientResponse), so those arrive through diagnostics channels instead.
  req.once('close', () => {
    if (call.ended || (req as unknown as { res?: unknown }).res) return;
    span.setAttribute('error.type', 'aborted');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the request was closed before a response arrived' });
    endCall(call);
  });
}

function callOf(request: unknown): ClientCall | undefined {
  return (request as Record<symbol, ClientCall> | undefined)?.[CLIENT_CALL];
}

/**
 * Node publishes `http.client.response.finish` when a response's headers arrive, just before it
 * emits 'response'. Listening to 'response' instead would keep Node from discarding a body the app
 * never reads, and the socket would never be freed.
 */
function onClientResponse(message: unknown): void {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const call = callOf(request);
  if (!call || call.ended) return;
  const { span } = call;
  const status = response.statusCode ?? 0;
  setMadeAttribute(span, 'http.response.status_code', status);
  setMadeAttribute(span, 'network.protocol.version', response.httpVersion);
  // Client spans are errors from 4xx on: the call did not get what it asked for.
  if (status >= 400) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  response.once('end', () => endCall(call));
  response.once('close', () => {
    if (call.ended) return;
    if (!response.complete) {
      span.setAttribute('error.type', 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the response was cut off' });
    }
    endCall(call);
  });
}

/** An 'error' listener would swallow errors Node throws when the app has none; the channel does not. */
function onClientError(message: unknown): void {
  const { request, error } = message as { request: ClientRequest; error: unknown };
  const call = callOf(request);
  if (!call || call.ended) return;
  recordFailure(call.span, error);
  endCall(call);
}

let subscribed = false;

/** Subscribes once per process; calls hoptrace did not start carry no CLIENT_CALL and are ignored. */
export function subscribeToClientChannels(): void {
  if (subscribed) return;
  subscribed = true;
  diagnosticsChannel.subscribe('http.client.response.finish', guarded(onClientResponse));
  diagnosticsChannel.subscribe('http.client.request.error', guarded(onClientError));
}

function guarded(handler: (message: unknown) => void): (message: unknown) => void {
  return (message) => {
    try {
      handler(message);
    } catch (error) {
      reportAgentError('http client', error);
    }
  };
}

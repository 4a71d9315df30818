/**
 * The global fetch() (and the undici package): one CLIENT span per request, with the same
 * attributes, propagation headers and error handling as http client spans.
 *
 * fetch runs on undici, not on node:http, so patching http never sees it. undici publishes
 * diagnostics channels for every request it makes; subscribing needs no module to be required
 * first, so this works whether or not the app ever loads http, and it changes nothing in the
 * app's own Request or Headers objects: trace headers go onto undici's internal request.
 *
 * The span ends when the response headers arrive (or on error): waiting for the body would leave
 * a span open forever whenever an app never reads one.
 */
import { switchOf } from '../../agent/instrumentation-switches';
import { type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { log, reportAgentError } from '../../agent/log';
import type { HoptraceInstrumentation, ModuleDefinition } from '../../agent/module-hooks';
import { recordSetter } from '../../agent/propagation/carriers';
import { injectIntoCarrier } from '../../agent/propagation/installed';
import { recordFailure } from '../../agent/tracing/errors';
import { setMadeAttribute } from '../../agent/tracing/tracer';
import type { TracerResolver } from '../../agent/tracing/tracers';
import type { HttpInstrumentationOptions } from '../http/types';
import { clientRequestAttributes, normalizeMethod, spanName } from '../http/attributes';
import { UrlRedactor, splitTarget } from '../http/url-redaction';
import { noteSent, propagationDebug } from '../../agent/propagation/debug';
import type { UndiciRequest, UndiciResponse } from './internal-types';
import { removeHeaders, targetOfUndiciRequest } from './request-target';

export const FETCH_SCOPE = '@hoptrace/fetch';
/** Off (hoptrace/control): requests made while it is off get no span and no trace headers. */
const FETCH_SWITCH = switchOf('fetch');

type Handler = (message: unknown) => void;

export class FetchInstrumentation implements HoptraceInstrumentation {
  readonly instrumentationName = FETCH_SCOPE;
  private readonly spans = new WeakMap<UndiciRequest, Span>();
  private readonly subscriptions: Array<[string, Handler]> = [
    ['undici:request:create', this.guard((m) => this.onCreate(m as { request: UndiciRequest }))],
    ['undici:request:headers', this.guard((m) => this.onHeaders(m as { request: UndiciRequest; response: UndiciResponse }))],
    ['undici:request:error', this.guard((m) => this.onError(m as { request: UndiciRequest; error: unknown }))],
  ];
  private subscribed = false;

  private readonly redactor: UrlRedactor;

  /** Takes the http configuration: URLs are recorded by the same rules. */
  constructor(
    private readonly tracers: TracerResolver,
    httpConfig: Pick<HttpInstrumentationOptions, 'redactQueryParams' | 'redactPaths'>,
  ) {
    this.redactor = new UrlRedactor(httpConfig.redactQueryParams, httpConfig.redactPaths);
  }

  /** fetch is Node's own undici, observed through its diagnostics channels: no module to patch. */
  modules(): ModuleDefinition[] {
    return [];
  }

  enable(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    for (const [name, handler] of this.subscriptions) diagnosticsChannel.subscribe(name, handler);
    log.debug('fetch: subscribed to undici diagnostics channels');
  }

  private guard(handler: Handler): Handler {
    return (message) => {
      try {
        handler(message);
      } catch (error) {
        reportAgentError('fetch', error);
      }
    };
  }

  /** Published synchronously inside the app's call chain, so the active context is the caller's. */
  private onCreate({ request }: { request: UndiciRequest }): void {
    if (!FETCH_SWITCH.on) return;
    const active = context.active();
    if (isTracingSuppressed(active)) return;
    const target = targetOfUndiciRequest(request);
    if (!target) return;
    const method = normalizeMethod(target.method);
    const span = this.tracers
      .tracerFor(FETCH_SCOPE)
      .startSpan(spanName(method.method), { kind: SpanKind.CLIENT, attributes: clientRequestAttributes(target, method, this.redactor) }, active);
    this.spans.set(request, span);
    const headers: Record<string, string> = {};
    const sent = trace.setSpan(active, span);
    injectIntoCarrier(sent, headers, recordSetter);
    if (Array.isArray(request.headers)) removeHeaders(request.headers, new Set(Object.keys(headers)));
    for (const name in headers) request.addHeader(name, headers[name]);
    if (propagationDebug.on) noteSent('fetch', `${method.method} to ${target.address}${splitTarget(target.target, this.redactor).path}`, headers, sent);
  }

  private onHeaders({ request, response }: { request: UndiciRequest; response: UndiciResponse }): void {
    const span = this.spans.get(request);
    if (!span) return;
    this.spans.delete(request);
    const status = response.statusCode;
    setMadeAttribute(span, 'http.response.status_code', status);
    if (status >= 400) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }

  private onError({ request, error }: { request: UndiciRequest; error: unknown }): void {
    const span = this.spans.get(request);
    if (!span) return;
    this.spans.delete(request);
    recordFailure(span, error);
    span.end();
  }
}

/**
 * The contract between the http instrumentation and the frameworks on top of it (express): http
 * starts and ends the SERVER span; a framework tells it, while the request runs, which route
 * matched and which error the app raised. The name and attributes are applied when the span ends,
 * so a route that later falls through (next('route'), a 404) leaves no wrong name behind.
 */
import type { Context, Span } from '@opentelemetry/api';
import { SERVER_REQUEST } from '../../agent/symbols';

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
  /** Spans a framework opened for this request that must end with it at the latest. */
  childSpans?: Span[];
}

export function serverRequestOf(req: object): ServerRequestState | undefined {
  return (req as Record<symbol, ServerRequestState | undefined>)[SERVER_REQUEST];
}

export function attachServerRequest(req: object, state: ServerRequestState): void {
  (req as Record<symbol, ServerRequestState>)[SERVER_REQUEST] = state;
}

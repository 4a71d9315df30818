/**
 * The one way hoptrace records an error on a span, for every instrumentation.
 *
 * - `error.type` (semantic conventions): the error's well-known code when it carries one as a
 *   string (Node's system errors: `ECONNREFUSED`, `ECONNRESET`), else its class name (`TypeError`,
 *   `KafkaJSProtocolError`), else `_OTHER` (a thrown string, a plain object).
 * - The exception event: the Error itself, or the thrown value as text.
 * - Status ERROR, with the error's message: when the error is the operation's outcome
 *   (`recordFailure`: a send that rejected, a handler that threw, a request that failed). An error
 *   the app raised and then answered (express's error handling) is recorded with
 *   `recordRaisedError` and leaves status and `error.type` to the outcome (http's 5xx rule).
 */
import { type Span, SpanStatusCode } from '@opentelemetry/api';

export function errorType(error: unknown): string {
  if (!(error instanceof Error)) return '_OTHER';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  return error.constructor?.name || 'Error';
}

/** The exception event alone. */
export function recordRaisedError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
}

/** The operation failed with `error`: exception event, `error.type`, status ERROR. */
export function recordFailure(span: Span, error: unknown): void {
  recordRaisedError(span, error);
  span.setAttribute('error.type', errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
}

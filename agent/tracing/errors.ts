/**
 * The one way hoptrace records an error on a span, for every instrumentation.
 *
 * - `error.type` (semantic conventions): the error's well-known code when it carries one as a
 *   string (Node's system errors: `ECONNREFUSED`, `ECONNRESET`), else its class name (`TypeError`,
 *   `KafkaJSProtocolError`), else `_OTHER` (a thrown string, a plain object).
 * - The exception event: `exception.type` by the same rule (an Error's type is the same in both
 *   places), its message and stack; a thrown value that is no Error, as text.
 * - Status ERROR, with the error's message: when the error is the operation's outcome
 *   (`recordFailure`: a send that rejected, a handler that threw, a request that failed). An error
 *   the app raised and then answered (express's error handling) is recorded with
 *   `recordRaisedError` and leaves status and `error.type` to the outcome (http's 5xx rule).
 */
import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';

/**
 * Exception text kept at most, in characters: a message can carry a whole payload (a failed
 * request's body, a query with its values), and every recorded error is exported. Node's default
 * stack of 10 frames is 1–2 KB; a longer text is cut, saying how much was left out.
 */
export const MAX_EXCEPTION_MESSAGE_LENGTH = 2048;
export const MAX_EXCEPTION_STACK_LENGTH = 8192;

function capped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export function errorType(error: unknown): string {
  if (!(error instanceof Error)) return '_OTHER';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  return error.constructor?.name || 'Error';
}

/**
 * The exception event's attributes, by the same rule as `error.type`: an Error's type is
 * errorType() in both places (OpenTelemetry's SDK would put a KafkaJSProtocolError's numeric
 * `code: 3` in `exception.type` and its class in `error.type`). A value that is no Error has no
 * type of its own: its text is the message (an object of the API's Exception shape gives its own
 * fields).
 */
export function exceptionAttributes(exception: unknown): Attributes {
  const attributes: Attributes = {};
  if (exception instanceof Error) {
    attributes['exception.type'] = errorType(exception);
    if (exception.message) attributes['exception.message'] = capped(exception.message, MAX_EXCEPTION_MESSAGE_LENGTH);
    if (exception.stack) attributes['exception.stacktrace'] = capped(exception.stack, MAX_EXCEPTION_STACK_LENGTH);
  } else if (exception !== null && typeof exception === 'object') {
    const { name, message, stack } = exception as { name?: unknown; message?: unknown; stack?: unknown };
    if (typeof name === 'string' && name !== '') attributes['exception.type'] = name;
    if (typeof message === 'string' && message !== '') attributes['exception.message'] = capped(message, MAX_EXCEPTION_MESSAGE_LENGTH);
    if (typeof stack === 'string' && stack !== '') attributes['exception.stacktrace'] = capped(stack, MAX_EXCEPTION_STACK_LENGTH);
  } else if (exception !== undefined) {
    attributes['exception.message'] = capped(String(exception), MAX_EXCEPTION_MESSAGE_LENGTH);
  }
  return attributes;
}

/** The exception event alone. */
export function recordRaisedError(span: Span, error: unknown): void {
  const attributes = exceptionAttributes(error);
  // The semantic conventions want a type or a message on every exception event.
  if (attributes['exception.type'] === undefined && attributes['exception.message'] === undefined) attributes['exception.message'] = capped(String(error), MAX_EXCEPTION_MESSAGE_LENGTH);
  span.addEvent('exception', attributes);
}

/** The operation failed with `error`: exception event, `error.type`, status ERROR. */
export function recordFailure(span: Span, error: unknown): void {
  recordRaisedError(span, error);
  span.setAttribute('error.type', errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error && typeof error.message === 'string' ? capped(error.message, MAX_EXCEPTION_MESSAGE_LENGTH) : undefined });
}

import type { Span } from '@opentelemetry/api';

/** Records a thrown value as an exception event and `error.type`: its code (ECONNREFUSED) or class name. */
export function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    const code = (error as { code?: unknown }).code;
    span.setAttribute('error.type', typeof code === 'string' && code !== '' ? code : error.constructor?.name || 'Error');
  } else {
    span.recordException(String(error));
    span.setAttribute('error.type', '_OTHER');
  }
}

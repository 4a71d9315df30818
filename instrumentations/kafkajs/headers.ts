/**
 * Trace context in Kafka message headers: read with the agent's any-shape getter, written into a
 * copy of the message's headers so the caller's objects stay as they were.
 */
import { type Context, ROOT_CONTEXT, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { anyCaseHeaderGetter, recordSetter } from '../../agent/propagation/carriers';
import type { KafkaHeaders } from './internal-types';

/** Every header some propagator writes; a copy drops them before hoptrace writes its own. */
const TRACE_HEADERS = new Set(['traceparent', 'tracestate', 'uber-trace-id', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags']);

/** The trace context a message carries; undefined when it carries none that is valid. */
export function extractMessageContext(headers: KafkaHeaders | undefined): Context | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, headers, anyCaseHeaderGetter);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext && isSpanContextValid(spanContext) ? extracted : undefined;
}

/** A copy of `headers` carrying `ctx`'s trace context in place of any it had. */
export function headersWithContext(headers: KafkaHeaders | undefined, ctx: Context): KafkaHeaders {
  const copy: KafkaHeaders = {};
  if (headers && typeof headers === 'object') {
    for (const key of Object.keys(headers)) {
      if (!TRACE_HEADERS.has(key.toLowerCase())) copy[key] = headers[key];
    }
  }
  propagation.inject(ctx, copy, recordSetter);
  return copy;
}

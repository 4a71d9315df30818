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

/**
 * Whether kafkajs takes `headers` as a header map: absent, or an object. Anything else (null, a
 * string, an array) is left for kafkajs to reject or handle exactly as it would without hoptrace.
 */
export function isHeaderMap(headers: unknown): headers is KafkaHeaders | undefined {
  return headers === undefined || (typeof headers === 'object' && headers !== null && !Array.isArray(headers));
}

/**
 * A copy of `headers` carrying `ctx`'s trace context in place of any it had. The other headers
 * are copied as property descriptors, not read: a header named `__proto__` stays a header, and a
 * getter is left for kafkajs to call, as it would have.
 */
export function headersWithContext(headers: KafkaHeaders | undefined, ctx: Context): KafkaHeaders {
  const copy: KafkaHeaders = {};
  if (headers) {
    const descriptors: Record<string, PropertyDescriptor> = Object.getOwnPropertyDescriptors(headers);
    for (const key of Object.keys(descriptors)) {
      if (TRACE_HEADERS.has(key.toLowerCase())) delete descriptors[key];
    }
    Object.defineProperties(copy, descriptors);
  }
  propagation.inject(ctx, copy, recordSetter);
  return copy;
}

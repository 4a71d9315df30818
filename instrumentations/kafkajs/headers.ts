/**
 * Trace context in Kafka message headers: read with the agent's any-shape getter, written into a
 * copy of the message's headers so the caller's objects stay as they were.
 */
import { type Context, trace } from '@opentelemetry/api';
import { anyCaseHeaderGetter, recordSetter } from '../../agent/propagation/carriers';
import { extractFromCarrier, injectIntoCarrier } from '../../agent/propagation/installed';
import { ROOT } from '../../agent/tracing/context';
import { isValidSpanContext } from '../../agent/tracing/span-context';
import type { KafkaHeaders } from './internal-types';

/** Every header some propagator writes; a copy drops them before hoptrace writes its own. */
const TRACE_HEADERS = new Set(['traceparent', 'tracestate', 'uber-trace-id', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags']);

/** The trace context a message carries; undefined when it carries none that is valid. */
export function extractMessageContext(headers: KafkaHeaders | undefined): Context | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const extracted = extractFromCarrier(ROOT, headers, anyCaseHeaderGetter);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext && isValidSpanContext(spanContext) ? extracted : undefined;
}

/**
 * Whether kafkajs takes `headers` as a header map: absent, or an object. Anything else (null, a
 * string, an array) is left for kafkajs to reject or handle exactly as it would without hoptrace.
 */
export function isHeaderMap(headers: unknown): headers is KafkaHeaders | undefined {
  return headers === undefined || (typeof headers === 'object' && headers !== null && !Array.isArray(headers));
}

/**
 * A copy of `headers` carrying `ctx`'s trace context in place of any it had: the headers kafkajs
 * sends (own enumerable string keys; it reads no others), each as it was. Data properties are
 * copied as values, so the copy stays an ordinary fast object for kafkajs to walk; a getter is
 * copied as a getter (left for kafkajs to call, as it would have), and a header named `__proto__`
 * stays a header.
 */
export function headersWithContext(headers: KafkaHeaders | undefined, ctx: Context): KafkaHeaders {
  const copy: KafkaHeaders = {};
  if (headers) {
    for (const key in headers) {
      if (!Object.prototype.hasOwnProperty.call(headers, key) || isTraceHeader(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(headers, key)!;
      if (key === '__proto__' || !('value' in descriptor)) Object.defineProperty(copy, key, descriptor);
      else copy[key] = descriptor.value as KafkaHeaders[string];
    }
  }
  injectIntoCarrier(ctx, copy, recordSetter);
  return copy;
}

function isTraceHeader(key: string): boolean {
  return TRACE_HEADERS.has(key) || TRACE_HEADERS.has(key.toLowerCase());
}

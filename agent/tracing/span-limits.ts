/**
 * The limits OpenTelemetry's variables set on what a span keeps (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
 * OTEL_SPAN_EVENT_COUNT_LIMIT, OTEL_SPAN_LINK_COUNT_LIMIT, OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
 * OTEL_LINK_ATTRIBUTE_COUNT_LIMIT, OTEL_(SPAN_)ATTRIBUTE_VALUE_LENGTH_LIMIT), with their defaults
 * where unset: 128 of each, string values unbounded. One set per process, read with the
 * configuration (load-config.ts) and set before the first span.
 */
export interface SpanLimits {
  readonly attributeCount: number;
  readonly attributeValueLength: number;
  readonly eventCount: number;
  readonly linkCount: number;
  readonly eventAttributeCount: number;
  readonly linkAttributeCount: number;
}

export const DEFAULT_SPAN_LIMITS: SpanLimits = Object.freeze({
  attributeCount: 128,
  attributeValueLength: Infinity,
  eventCount: 128,
  linkCount: 128,
  eventAttributeCount: 128,
  linkAttributeCount: 128,
});

export let spanLimits: SpanLimits = DEFAULT_SPAN_LIMITS;

export function setSpanLimits(limits: SpanLimits): void {
  spanLimits = limits;
}

/** A value cut to the value length limit, as the SDK cuts it: strings, and the strings of an array. */
export function truncatedValue<T>(value: T, limit: number): T {
  if (typeof value === 'string') return (value.length > limit ? value.slice(0, limit) : value) as T;
  if (Array.isArray(value) && value.some((item) => typeof item === 'string' && item.length > limit)) {
    return value.map((item) => (typeof item === 'string' && item.length > limit ? item.slice(0, limit) : item)) as T;
  }
  return value;
}

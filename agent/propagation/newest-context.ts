/**
 * Which hop a carrier names when its trace formats disagree.
 *
 * Every message and request hoptrace writes carries the same span in two formats (W3C and
 * Jaeger). A hop that speaks only one of them updates only that one, and leaves the other behind,
 * stale:
 * - a relay traced by the OpenTelemetry Java agent rewrites `traceparent` and leaves hoptrace's
 *   `uber-trace-id`;
 * - a relay on the OpenTracing Kafka clients with jaeger-client appends `uber-trace-id` values
 *   (its consumer's span, then its producer's) and leaves hoptrace's `traceparent`.
 *
 * The rule: W3C wins, as it always has (then Jaeger, then B3), unless the W3C context is one of
 * Jaeger's older values: then a Jaeger-speaking hop came after it, and Jaeger's newest value is
 * the newest hop. Values of one header are in wire order, newest last; formats that agree, or
 * disagree with no history to tell which is newer, keep the precedence.
 */
export interface HopContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
}

export type ContextFormat = 'w3c' | 'jaeger';

const sameHop = (a: HopContext, b: HopContext) => a.spanId === b.spanId && a.traceId === b.traceId;

/** `w3c` and `jaeger`: the valid values of each format, in wire order. */
export function newestContext(
  w3c: readonly HopContext[],
  jaeger: readonly HopContext[],
): { context: HopContext; format: ContextFormat } | undefined {
  const newestW3c = w3c[w3c.length - 1];
  const newestJaeger = jaeger[jaeger.length - 1];
  if (!newestW3c) return newestJaeger && { context: newestJaeger, format: 'jaeger' };
  if (!newestJaeger || sameHop(newestW3c, newestJaeger)) return { context: newestW3c, format: 'w3c' };
  for (let i = 0; i < jaeger.length - 1; i++) {
    if (sameHop(jaeger[i], newestW3c)) return { context: newestJaeger, format: 'jaeger' };
  }
  return { context: newestW3c, format: 'w3c' };
}

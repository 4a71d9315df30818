/**
 * Jaeger's `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}` and `uberctx-*` baggage.
 * Written here rather than taken from @opentelemetry/propagator-jaeger because real peers send
 * shapes that one accepts unchecked: ids that are not hex, or longer than they may be.
 * Spec: https://www.jaegertracing.io/docs/1.76/client-libraries/#tracespan-identity
 */
import {
  type BaggageEntry,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  isSpanContextValid,
  propagation,
  trace,
} from '@opentelemetry/api';

const TRACE_HEADER = 'uber-trace-id';
const BAGGAGE_PREFIX = 'uberctx-';
const TRACE_ID = /^[0-9a-f]{1,32}$/;
const SPAN_ID = /^[0-9a-f]{1,16}$/;
const FLAGS = /^[0-9a-f]{1,2}$/;

export function parseUberTraceId(header: string): { traceId: string; spanId: string; sampled: boolean } | undefined {
  let decoded = header;
  // Some HTTP stacks URL-encode the colons (`%3A`).
  if (header.includes('%')) {
    try {
      decoded = decodeURIComponent(header);
    } catch {
      return undefined;
    }
  }
  const parts = decoded.trim().toLowerCase().split(':');
  if (parts.length !== 4) return undefined;
  const [traceId, spanId, , flags] = parts;
  if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId) || !FLAGS.test(flags)) return undefined;
  // Jaeger clients write 64-bit trace ids as 16 hex digits or fewer, without leading zeros.
  const context = { traceId: traceId.padStart(32, '0'), spanId: spanId.padStart(16, '0') };
  if (!isSpanContextValid({ ...context, traceFlags: 0 })) return undefined;
  return { ...context, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export class JaegerPropagator implements TextMapPropagator {
  private readonly writeBaggage: boolean;

  constructor({ writeBaggage = true } = {}) {
    this.writeBaggage = writeBaggage;
  }

  /** `baggageBudget`: bytes the `uberctx-*` headers may take, names included (see injectBaggage). */
  inject(context: Context, carrier: unknown, setter: TextMapSetter, baggageBudget = MAX_BAGGAGE_LENGTH): void {
    const spanContext = trace.getSpanContext(context);
    if (spanContext && isSpanContextValid(spanContext)) {
      const flags = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00';
      setter.set(carrier, TRACE_HEADER, `${spanContext.traceId}:${spanContext.spanId}:0:${flags}`);
    }
    const baggage = propagation.getBaggage(context);
    if (baggage && this.writeBaggage) injectBaggage(baggage.getAllEntries(), carrier, setter, baggageBudget);
  }

  /** The span context only; `uberctx-*` baggage is read by extractBaggage. */
  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = getter.get(carrier, TRACE_HEADER);
    const parsed = typeof header === 'string' ? parseUberTraceId(header) : undefined;
    if (!parsed) return context;
    return trace.setSpanContext(context, {
      traceId: parsed.traceId,
      spanId: parsed.spanId,
      traceFlags: parsed.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true,
    });
  }

  extractBaggage(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return extractBaggage(context, carrier, getter);
  }

  fields(): string[] {
    return [TRACE_HEADER];
  }
}

/** The limits W3C sets for baggage (https://www.w3.org/TR/baggage/#limits), applied to `uberctx-*` too. */
export const MAX_BAGGAGE_ENTRIES = 180;
export const MAX_BAGGAGE_ENTRY_LENGTH = 4096;
export const MAX_BAGGAGE_LENGTH = 8192;
/** An HTTP header name's characters (RFC 9110 `token`): anything else makes Node's setHeader throw. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * One `uberctx-<key>` header per entry, within W3C's limits, as the W3C writer keeps `baggage`:
 * without them, one inbound `baggage` of 8 KB went out as ~18 KB of headers (a Node peer answers
 * 431, nginx 400) and into every Kafka message on the way. The headers' size, names included, stays
 * within `budget`: what W3C's `baggage` header left of its 8 KiB when both are written, so that
 * baggage in both formats together is no larger than W3C allows one. An entry whose key is no header
 * name, or that would pass a limit, is left out; the entries after it are still written if they fit.
 */
function injectBaggage(entries: ReadonlyArray<[string, BaggageEntry]>, carrier: unknown, setter: TextMapSetter, budget: number): void {
  let count = 0;
  let length = 0;
  for (const [key, entry] of entries) {
    if (count === MAX_BAGGAGE_ENTRIES) return;
    if (!HTTP_TOKEN.test(key)) continue;
    const value = encodeURIComponent(entry.value);
    const entryLength = BAGGAGE_PREFIX.length + key.length + value.length;
    if (entryLength > MAX_BAGGAGE_ENTRY_LENGTH || length + entryLength > budget) continue;
    setter.set(carrier, BAGGAGE_PREFIX + key, value);
    count++;
    length += entryLength;
  }
}

function extractBaggage(context: Context, carrier: unknown, getter: TextMapGetter): Context {
  const existing = propagation.getBaggage(context);
  const entries: Record<string, BaggageEntry> = Object.create(null);
  let count = 0;
  let length = 0;
  for (const key of getter.keys(carrier)) {
    // The first letter first: most headers are not baggage, and are passed over without a copy.
    if (key.length <= BAGGAGE_PREFIX.length || (key.charCodeAt(0) | 0x20) !== 0x75 || key.slice(0, BAGGAGE_PREFIX.length).toLowerCase() !== BAGGAGE_PREFIX) continue;
    const name = key.slice(BAGGAGE_PREFIX.length).toLowerCase();
    if (existing?.getEntry(name) || entries[name]) continue; // W3C baggage, read first, wins.
    const value = getter.get(carrier, key);
    if (typeof value !== 'string') continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      continue;
    }
    length += name.length + decoded.length;
    if (++count > MAX_BAGGAGE_ENTRIES || length > MAX_BAGGAGE_LENGTH) break;
    entries[name] = { value: decoded };
  }
  if (count === 0) return context;
  const merged = existing ? Object.assign(entries, Object.fromEntries(existing.getAllEntries())) : entries;
  return propagation.setBaggage(context, propagation.createBaggage(merged));
}

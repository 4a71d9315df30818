/**
 * The common case, read in one pass: a carrier with no trace header at all (a first hop), or with
 * nothing but one `traceparent` and at most one `uber-trace-id` (what every hoptrace hop, and most
 * W3C peers, write). One walk over the carrier's own keys, no copy of its key list, no lookup per
 * format; anything else trace-related (baggage, `tracestate`, B3, Jaeger history, a repeated or
 * malformed `traceparent`) is left to the full reader in propagator.ts, which knows every shape.
 *
 * For a carrier this accepts, the result is the one the full reader gives: with one W3C value and
 * no Jaeger history, the W3C context stands (newest-context.ts).
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import { type Context, TraceFlags, trace } from '@opentelemetry/api';
import { CheckedSpanContext } from '../tracing/span-context';
import { parseTraceparent, parseTraceparentBytes } from './w3c';

/** Something only the full reader handles. */
const FULL_READ = 1;
/** No trace header of any format. */
const NONE = 0;

const TRACEPARENT = 'traceparent';
const JAEGER = 'uber-trace-id';
/** Longer than any valid `traceparent` of a known version; longer ones take the full reader. */
const MAX_FAST_VALUE_LENGTH = 256;

/**
 * The context `carrier` names, `context` itself when it carries no trace header, or undefined when
 * the full reader must decide. `keysAreLowercase`: Node's incoming HTTP headers, where repeated
 * headers arrive joined by commas.
 */
export function extractOwnHop(context: Context, carrier: unknown, keysAreLowercase: boolean): Context | undefined {
  if (!carrier || typeof carrier !== 'object') return context;
  const found = findTraceparent(carrier as Record<string, unknown>, keysAreLowercase);
  if (found === NONE) return context;
  if (found === FULL_READ) return undefined;
  const value = (carrier as Record<string, unknown>)[found];
  if (typeof value === 'string') {
    if (value.length > MAX_FAST_VALUE_LENGTH || (keysAreLowercase && value.includes(','))) return undefined;
    const hop = parseTraceparent(value);
    return hop && trace.setSpanContext(context, new CheckedSpanContext(hop.traceId, hop.spanId, hop.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, undefined, true));
  }
  if (!Buffer.isBuffer(value) || value.length > MAX_FAST_VALUE_LENGTH) return undefined;
  const parsed = parseTraceparentBytes(value);
  return parsed && trace.setSpanContext(context, parsed);
}

/** The key `traceparent` stands under; NONE; or FULL_READ when anything else trace-related is there. */
function findTraceparent(carrier: Record<string, unknown>, keysAreLowercase: boolean): string | typeof NONE | typeof FULL_READ {
  let traceparentKey: string | undefined;
  let jaegerSeen = false;
  for (const key in carrier) {
    if (!Object.prototype.hasOwnProperty.call(carrier, key)) continue;
    switch (traceHeaderOf(key, keysAreLowercase)) {
      case 'none':
        continue;
      case TRACEPARENT:
        if (traceparentKey !== undefined) return FULL_READ; // the same header in two cases
        traceparentKey = key;
        continue;
      case JAEGER:
        if (!isSingleValue(carrier[key], keysAreLowercase)) return FULL_READ; // Jaeger history to weigh
        jaegerSeen = true;
        continue;
      default:
        return FULL_READ;
    }
  }
  // Jaeger alone: its value needs the full reader's decoding (URL-encoded colons, short ids).
  if (traceparentKey === undefined) return jaegerSeen ? FULL_READ : NONE;
  return traceparentKey;
}

function isSingleValue(value: unknown, keysAreLowercase: boolean): boolean {
  if (Array.isArray(value)) return value.length <= 1;
  return !(keysAreLowercase && typeof value === 'string' && value.includes(','));
}

/**
 * Which trace header `key` is, in any case: 'none' for the headers no format reads. The first
 * letter and the length go first, so most keys are passed over without a copy.
 */
function traceHeaderOf(key: string, keysAreLowercase: boolean): 'none' | 'traceparent' | 'uber-trace-id' | 'other' {
  const first = key.charCodeAt(0) | 0x20;
  switch (first) {
    case 0x74: // t: traceparent, tracestate
      if (key.length === 11 && is(key, TRACEPARENT, keysAreLowercase)) return TRACEPARENT;
      return key.length === 10 && is(key, 'tracestate', keysAreLowercase) ? 'other' : 'none';
    case 0x75: // u: uber-trace-id, uberctx-*
      if (key.length === 13 && is(key, JAEGER, keysAreLowercase)) return JAEGER;
      return key.length > 8 && startsAs(key, 'uberctx-') ? 'other' : 'none';
    case 0x62: // b: baggage, b3
      return (key.length === 7 && is(key, 'baggage', keysAreLowercase)) || (key.length === 2 && is(key, 'b3', keysAreLowercase)) ? 'other' : 'none';
    case 0x78: // x: x-b3-*
      return key.length > 5 && startsAs(key, 'x-b3-') ? 'other' : 'none';
    case 0x73: // s: second_span_uber-trace-id (Jaeger's older name)
      return key.length === 25 && is(key, 'second_span_uber-trace-id', keysAreLowercase) ? 'other' : 'none';
    default:
      return 'none';
  }
}

/**
 * Whether `key` begins with `lowerPrefix` in any case, without a copy (`user-agent` is on every
 * request). Letters compare case-blind; a rare false match of another character only sends the
 * carrier to the full reader, which decides exactly.
 */
function startsAs(key: string, lowerPrefix: string): boolean {
  for (let i = 0; i < lowerPrefix.length; i++) if ((key.charCodeAt(i) | 0x20) !== lowerPrefix.charCodeAt(i)) return false;
  return true;
}

function is(key: string, lowerName: string, keysAreLowercase: boolean): boolean {
  return key === lowerName || (!keysAreLowercase && key.toLowerCase() === lowerName);
}

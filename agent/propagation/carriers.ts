/**
 * Getters and setters for the header maps trace context travels in: Node's incoming HTTP headers
 * and Kafka message headers. They read every shape real peers send, so that a trace survives
 * whichever client wrote it.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/**
 * Longer values are ignored (a fresh trace starts). 8 KiB is the largest `baggage` header W3C
 * asks implementations to accept; trace ids and span ids are far shorter.
 */
export const MAX_HEADER_VALUE_LENGTH = 8192;

/** A header value as HTTP servers and Kafka clients hand it over. */
export type HeaderValue = string | number | Buffer | Uint8Array | null | undefined | readonly HeaderValue[];
export type HeaderCarrier = Readonly<Record<string, HeaderValue>>;

/**
 * Jaeger clients that had been handed an already-used header sometimes sent the span context
 * under this older name; it is read only when `uber-trace-id` is absent.
 */
const LEGACY_JAEGER_HEADER = 'second_span_uber-trace-id';

/** Turns one header value into text: the last of repeated values wins, as Java clients read them. */
export function headerValueToString(value: HeaderValue): string | undefined {
  // Repeated headers arrive as one array of values; nothing sends arrays of arrays.
  return Array.isArray(value) ? (value.length > 0 ? scalarToString(value[value.length - 1]) : undefined) : scalarToString(value);
}

function scalarToString(value: HeaderValue): string | undefined {
  if (typeof value === 'string') return value.length <= MAX_HEADER_VALUE_LENGTH ? value : undefined;
  if (typeof value === 'number') return String(value);
  if (value instanceof Uint8Array) {
    return value.length <= MAX_HEADER_VALUE_LENGTH ? Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf8') : undefined;
  }
  return undefined;
}

/** Own properties only: a header map never inherits headers (a polluted Object.prototype must not add any). */
function ownValue(carrier: HeaderCarrier, key: string): HeaderValue {
  return Object.prototype.hasOwnProperty.call(carrier, key) ? carrier[key] : undefined;
}

function findKeyIgnoringCase(carrier: HeaderCarrier, lowerKey: string): string | undefined {
  for (const key of Object.keys(carrier)) {
    if (key.length === lowerKey.length && key.toLowerCase() === lowerKey) return key;
  }
  return undefined;
}

/**
 * Headers whose value is a comma-separated list by definition. Node joins repeated HTTP headers
 * with ", "; for every other trace header that join can only come from duplicates, and the last
 * one wins.
 */
const LIST_HEADERS = new Set(['baggage', 'tracestate']);

/**
 * Values past this many are not read: no peer sends more than a handful, and a hostile carrier
 * must cost bounded work. The newest are kept (values are in wire order, newest last).
 */
export const MAX_VALUES_PER_HEADER = 32;

/** A getter that can also hand over every value of a repeated header, in wire order (oldest first). */
export interface MultiValueGetter<Carrier = HeaderCarrier> extends TextMapGetter<Carrier> {
  getAll(carrier: Carrier, key: string): string[];
  /** Whether the header is there at all, and whether more than once; nothing is decoded. */
  presence(carrier: Carrier, key: string): 'none' | 'one' | 'several';
}

function lastOfJoined(key: string, value: string | undefined): string | undefined {
  if (value === undefined || LIST_HEADERS.has(key)) return value;
  const comma = value.lastIndexOf(',');
  return comma < 0 ? value : value.slice(comma + 1).trim();
}

/**
 * `keys()` gives the carrier's own keys as written, and `get()` finds a key as given first, so a
 * caller walking keys() (Jaeger baggage) costs one lookup per key; only a name asked for in
 * another case than written costs a walk over the keys.
 */
function createHeaderGetter(keysAreLowercase: boolean): MultiValueGetter {
  function lookup(carrier: HeaderCarrier, key: string, lowerKey: string): HeaderValue {
    const direct = ownValue(carrier, key);
    if (direct !== undefined || keysAreLowercase) return direct;
    if (key !== lowerKey) {
      const lower = ownValue(carrier, lowerKey);
      if (lower !== undefined) return lower;
    }
    const found = findKeyIgnoringCase(carrier, lowerKey);
    return found === undefined ? undefined : carrier[found];
  }
  function find(carrier: HeaderCarrier, key: string): HeaderValue {
    if (!carrier || typeof carrier !== 'object') return undefined;
    const lowerKey = key.toLowerCase();
    let value = lookup(carrier, keysAreLowercase ? lowerKey : key, lowerKey);
    if (value === undefined && lowerKey === 'uber-trace-id') value = lookup(carrier, LEGACY_JAEGER_HEADER, LEGACY_JAEGER_HEADER);
    return value;
  }
  return {
    keys(carrier) {
      return carrier && typeof carrier === 'object' ? Object.keys(carrier) : [];
    },
    get(carrier, key) {
      const text = headerValueToString(find(carrier, key));
      return keysAreLowercase ? lastOfJoined(key.toLowerCase(), text) : text;
    },
    presence(carrier, key) {
      const value = find(carrier, key);
      if (value === undefined || value === null) return 'none';
      if (Array.isArray(value)) return value.length === 0 ? 'none' : value.length === 1 ? 'one' : 'several';
      // Node joins repeated HTTP headers with commas.
      return keysAreLowercase && typeof value === 'string' && !LIST_HEADERS.has(key.toLowerCase()) && value.includes(',') ? 'several' : 'one';
    },
    getAll(carrier, key) {
      const value = find(carrier, key);
      const texts: string[] = [];
      const items: readonly HeaderValue[] = Array.isArray(value) ? value.slice(-MAX_VALUES_PER_HEADER) : [value];
      for (const item of items) {
        const text = scalarToString(item);
        if (text === undefined) continue;
        // Node joins repeated HTTP headers with ", "; a Kafka value is one value.
        if (keysAreLowercase && !LIST_HEADERS.has(key.toLowerCase()) && text.includes(',')) {
          for (const part of text.split(',').slice(-MAX_VALUES_PER_HEADER)) texts.push(part.trim());
        } else texts.push(text);
      }
      return texts.length > MAX_VALUES_PER_HEADER ? texts.slice(-MAX_VALUES_PER_HEADER) : texts;
    },
  };
}

/** For Node's IncomingMessage.headers: keys already lower-cased, repeated headers joined by Node. */
export const incomingHttpHeaderGetter = createHeaderGetter(true);

/** For header maps written by other programs (Kafka message headers): keys in any case. */
export const anyCaseHeaderGetter = createHeaderGetter(false);

/** Writes into a plain object the caller has already copied. */
export const recordSetter: TextMapSetter<Record<string, unknown>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

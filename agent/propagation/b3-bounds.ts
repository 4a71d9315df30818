/**
 * What the B3 reader is given to parse, bounded first. Its single-header expression is not
 * anchored: an 8 KiB `b3` value cost ~7 ms per request to reject. No valid B3 value is longer than
 * 68 characters (a 32-digit trace id, a span id, the sampling state and a parent span id, joined
 * by dashes), and no valid `X-B3-*` value longer than 32; a longer one is no B3 context.
 *
 * Node joins a repeated header with commas: the last value wins, as for every other format.
 */
import type { TextMapGetter } from '@opentelemetry/api';

export const MAX_B3_SINGLE_LENGTH = 68;
export const MAX_B3_MULTI_LENGTH = 32;

const bounded = new WeakMap<TextMapGetter, TextMapGetter>();

/** `getter`, but a B3 value too long to be valid reads as absent. One wrapper per getter, kept. */
export function b3BoundedGetter(getter: TextMapGetter): TextMapGetter {
  let wrapper = bounded.get(getter);
  if (!wrapper) {
    wrapper = {
      keys: (carrier) => getter.keys(carrier),
      get: (carrier, key) => boundedValue(getter.get(carrier, key), key === 'b3' ? MAX_B3_SINGLE_LENGTH : MAX_B3_MULTI_LENGTH),
    };
    bounded.set(getter, wrapper);
  }
  return wrapper;
}

function boundedValue(value: string | string[] | undefined, limit: number): string | undefined {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof last !== 'string') return undefined;
  if (last.length <= limit) return last;
  const afterComma = last.slice(last.lastIndexOf(',') + 1).trim();
  return afterComma.length <= limit ? afterComma : undefined;
}

/**
 * One `traceparent` value, read as the W3C Trace Context spec says
 * (https://www.w3.org/TR/trace-context/#traceparent-header): version 00 exactly as specified, later
 * versions by their first four fields; ids in lower-case hex and not all zeros.
 *
 * Read by character codes, not a regular expression: this runs for every request and message
 * received, and the scan is about three times cheaper.
 */
import type { HopContext } from './newest-context';

const LENGTH_OF_VERSION_00 = 55;

/** True when `text[from, to)` is lower-case hex; -1 when it is not hex at all, 0 when all zeros. */
function scanHex(text: string, from: number, to: number): -1 | 0 | 1 {
  let nonZero: 0 | 1 = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 48) continue; // '0'
    if ((code > 48 && code <= 57) || (code >= 97 && code <= 102)) nonZero = 1;
    else return -1;
  }
  return nonZero;
}

export function parseTraceparent(header: string): HopContext | undefined {
  const value = header.length === LENGTH_OF_VERSION_00 ? header : header.trim();
  if (value.length < LENGTH_OF_VERSION_00) return undefined;
  if (value.charCodeAt(2) !== 45 || value.charCodeAt(35) !== 45 || value.charCodeAt(52) !== 45) return undefined; // '-'
  if (scanHex(value, 0, 2) < 0 || scanHex(value, 53, 55) < 0) return undefined;
  const version = value.slice(0, 2);
  if (version === 'ff') return undefined;
  if (value.length > LENGTH_OF_VERSION_00 && (version === '00' || value.charCodeAt(LENGTH_OF_VERSION_00) !== 45)) return undefined;
  if (scanHex(value, 3, 35) !== 1 || scanHex(value, 36, 52) !== 1) return undefined;
  const flags = parseInt(value.slice(53, 55), 16);
  return { traceId: value.slice(3, 35), spanId: value.slice(36, 52), sampled: (flags & 1) === 1 };
}

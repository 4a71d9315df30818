/**
 * One `traceparent` value, read as the W3C Trace Context spec says
 * (https://www.w3.org/TR/trace-context/#traceparent-header): version 00 exactly as specified, later
 * versions by their first four fields; ids in lower-case hex and not all zeros.
 */
import type { HopContext } from './newest-context';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZEROS = /^0+$/;

export function parseTraceparent(header: string): HopContext | undefined {
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/**
 * The active span's ids, under the names OpenTelemetry's log data model gives them (`trace_id`,
 * `span_id`, `trace_flags`, lower-case hex), for a log record written inside that span. Read in
 * the caller of the logger, synchronously, where the active context is the one the line is about.
 */
import { type InstrumentationSwitch, switchOf } from '../../agent/instrumentation-switches';
import type { LoggerName } from '../../agent/config/types';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import shimmer = require('shimmer');
import { isWrapped } from '../../agent/patching';

export interface TraceFields {
  readonly trace_id: string;
  readonly span_id: string;
  readonly trace_flags: string;
}

/** Each logger's stamping, off and on while the app runs (hoptrace/control); made for the loggers in use (instrumentation.ts). */
const switches: Partial<Record<LoggerName, InstrumentationSwitch>> = {};

export function loggerSwitch(logger: LoggerName): InstrumentationSwitch {
  return (switches[logger] ??= switchOf(logger));
}

/** The fields for a record `logger` writes now; undefined outside any span, or while that logger's stamping is off. */
export function activeTraceFields(logger: LoggerName): TraceFields | undefined {
  if (switches[logger]?.on === false) return undefined;
  const spanContext = trace.getSpanContext(context.active());
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0'),
  };
}

/**
 * Adds the fields to a record object the logger made for this call, without replacing a field of
 * that name the app set itself.
 */
export function stampRecord(record: Record<string, unknown>, fields: TraceFields): void {
  if (record.trace_id === undefined) record.trace_id = fields.trace_id;
  if (record.span_id === undefined) record.span_id = fields.span_id;
  if (record.trace_flags === undefined) record.trace_flags = fields.trace_flags;
}

/**
 * The fields put at the front of a JSON object's text (`{"level":30,…}` → `{"trace_id":…,"level":30,…}`).
 * Text that is not a JSON object is left as it is; so is a line whose record has a `trace_id` of
 * the app's own (the caller checks), rather than write the key twice, which some log stores refuse.
 */
export function stampJsonLine(line: string, fields: TraceFields): string {
  if (line.charCodeAt(0) !== 123 /* { */) return line;
  const rest = line.charCodeAt(1) === 125 /* } */ ? line.slice(1) : `,${line.slice(1)}`;
  return `{"trace_id":"${fields.trace_id}","span_id":"${fields.span_id}","trace_flags":"${fields.trace_flags}"${rest}`;
}

type Method = (this: unknown, record: unknown, ...rest: unknown[]) => unknown;

/**
 * Wraps `prototype[method]`, which a logger calls with each record object in the app's own call
 * (winston's `write`, bunyan's `_emit`), so that the record carries the active span's ids first.
 */
export function stampRecordsPassedTo(prototype: object, method: string, logger: LoggerName): void {
  const target = prototype as Record<string, Method>;
  if (isWrapped(target[method])) return;
  shimmer.wrap(target as never, method as never, ((original: Method) =>
    function stamped(this: unknown, record: unknown, ...rest: unknown[]) {
      if (record !== null && typeof record === 'object') {
        const fields = activeTraceFields(logger);
        if (fields) stampRecord(record as Record<string, unknown>, fields);
      }
      return original.call(this, record, ...rest);
    }) as never);
}

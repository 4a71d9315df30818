/**
 * OpenTelemetry spans as Jaeger Thrift spans (the objects jaeger-client's senders encode), mapped
 * the way Jaeger's own OTLP receiver maps them, so a trace looks the same whichever protocol it
 * came by: kind → `span.kind`, status → `otel.status_code` (+ `error=true`), events → logs,
 * parent → CHILD_OF, links → FOLLOWS_FROM, scope → `otel.scope.name`.
 * https://opentelemetry.io/docs/specs/otel/trace/sdk_exporters/jaeger/ (mapping, kept after the
 * exporter spec was retired)
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import { type Attributes, type HrTime, SpanKind, SpanStatusCode, isSpanContextValid } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';

export type TagType = 'STRING' | 'DOUBLE' | 'BOOL' | 'LONG' | 'BINARY';

export interface ThriftTag {
  key: string;
  vType: TagType;
  vStr?: string;
  vDouble?: number;
  vBool?: boolean;
  vLong?: Buffer;
}

export interface ThriftReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceIdLow: Buffer;
  traceIdHigh: Buffer;
  spanId: Buffer;
}

export interface ThriftSpan {
  traceIdLow: Buffer;
  traceIdHigh: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer;
  operationName: string;
  references: ThriftReference[];
  flags: number;
  startTime: Buffer;
  duration: Buffer;
  tags: ThriftTag[];
  logs: Array<{ timestamp: Buffer; fields: ThriftTag[] }>;
}

export interface ThriftProcess {
  serviceName: string;
  tags: ThriftTag[];
}

const KIND_TAG: Partial<Record<SpanKind, string>> = {
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

export function int64(value: number | bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(BigInt(value));
  return buffer;
}

function microseconds(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000n + BigInt(Math.floor(time[1] / 1000));
}

function idBuffer(hex: string): Buffer {
  return Buffer.from(hex.padStart(16, '0'), 'hex');
}

export function toTag(key: string, value: unknown): ThriftTag {
  if (typeof value === 'boolean') return { key, vType: 'BOOL', vBool: value };
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { key, vType: 'LONG', vLong: int64(value) } : { key, vType: 'DOUBLE', vDouble: value };
  }
  if (typeof value === 'string') return { key, vType: 'STRING', vStr: value };
  return { key, vType: 'STRING', vStr: JSON.stringify(value) };
}

export function toTags(attributes: Attributes): ThriftTag[] {
  const tags: ThriftTag[] = [];
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value !== undefined && value !== null) tags.push(toTag(key, value));
  }
  return tags;
}

export function toThriftSpan(span: ReadableSpan): ThriftSpan {
  const { traceId, spanId, traceFlags } = span.spanContext();
  const traceIdHigh = Buffer.from(traceId.slice(0, 16), 'hex');
  const traceIdLow = Buffer.from(traceId.slice(16), 'hex');
  const parentSpanId = span.parentSpanContext?.spanId;

  const tags = toTags(span.attributes);
  const kind = KIND_TAG[span.kind];
  if (kind) tags.push(toTag('span.kind', kind));
  if (span.status.code === SpanStatusCode.ERROR) {
    tags.push(toTag('otel.status_code', 'ERROR'), toTag('error', true));
    if (span.status.message) tags.push(toTag('otel.status_description', span.status.message));
  } else if (span.status.code === SpanStatusCode.OK) {
    tags.push(toTag('otel.status_code', 'OK'));
  }
  tags.push(toTag('otel.scope.name', span.instrumentationScope.name));
  if (span.instrumentationScope.version) tags.push(toTag('otel.scope.version', span.instrumentationScope.version));
  if (span.droppedAttributesCount > 0) tags.push(toTag('otel.dropped_attributes_count', span.droppedAttributesCount));

  const references: ThriftReference[] = [];
  if (parentSpanId) references.push({ refType: 'CHILD_OF', traceIdLow, traceIdHigh, spanId: idBuffer(parentSpanId) });
  for (const link of span.links) {
    // Links from the app's own API calls are not checked there; a malformed id is not sent.
    if (!isSpanContextValid(link.context)) continue;
    references.push({
      refType: 'FOLLOWS_FROM',
      traceIdHigh: Buffer.from(link.context.traceId.slice(0, 16), 'hex'),
      traceIdLow: Buffer.from(link.context.traceId.slice(16), 'hex'),
      spanId: idBuffer(link.context.spanId),
    });
  }

  return {
    traceIdLow,
    traceIdHigh,
    spanId: idBuffer(spanId),
    parentSpanId: parentSpanId ? idBuffer(parentSpanId) : Buffer.alloc(8),
    operationName: span.name,
    references,
    flags: traceFlags & 1,
    startTime: int64(microseconds(span.startTime)),
    duration: int64(microseconds(span.duration)),
    tags,
    logs: span.events.map((event) => ({
      timestamp: int64(microseconds(event.time)),
      fields: [toTag('event', event.name), ...toTags(event.attributes ?? {})],
    })),
  };
}

export function toThriftProcess(resource: Attributes): ThriftProcess {
  const { ['service.name']: serviceName, ...rest } = resource;
  return { serviceName: String(serviceName ?? 'unknown_service:node'), tags: toTags(rest) };
}

/** Shortens every string tag to `maxLength` characters and keeps at most `maxLogs` logs. */
export function trimThriftSpan(span: ThriftSpan, maxLength: number, maxLogs: number): ThriftSpan {
  const trim = (tag: ThriftTag): ThriftTag =>
    tag.vStr !== undefined && tag.vStr.length > maxLength ? { ...tag, vStr: `${tag.vStr.slice(0, maxLength)}…` } : tag;
  return {
    ...span,
    tags: [...span.tags.map(trim), toTag('hoptrace.trimmed', true)],
    logs: span.logs.slice(0, maxLogs).map((log) => ({ ...log, fields: log.fields.map(trim) })),
  };
}

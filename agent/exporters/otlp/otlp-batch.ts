/**
 * A batch of spans in OTLP protobuf, written as spans end (the batch processor hands them over 16
 * at a time).
 *
 * Keeping ended spans until their batch was exported kept every span object, its attributes and
 * its ids alive for seconds: long enough to survive V8's young generation, be copied into the old
 * one and be collected there, at a cost on every request and message. Written within a few
 * operations, a span's objects die young, and a batch is a few growing buffers, one per
 * resource and scope (OTLP groups spans that way). At export they are framed into one
 * ExportTraceServiceRequest without being copied more than once.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { SpanBatch } from '../types';
import { ProtobufWriter } from './protobuf-writer';
import { writeResource, writeScope, writeSpan } from './wire-format';

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

// Grows by doubling: a few bytes for a trickle of spans, a few copies on the way to a full batch.
const INITIAL_BYTES = 8 * 1024;

/**
 * The span buffers of batches already framed, for the next batches: without them every batch grew
 * its buffers from scratch (8 KiB doubling to ~256 KiB), and the express benchmark app's RSS, even
 * right after a full garbage collection, stood ~9 MB higher. Bounded in number and size.
 */
const spareWriters: ProtobufWriter[] = [];
const MAX_SPARE_WRITERS = 4;
const MAX_SPARE_BYTES = 1024 * 1024;

function takeWriter(): ProtobufWriter {
  const spare = spareWriters.pop();
  if (!spare) return new ProtobufWriter(INITIAL_BYTES);
  spare.rewind(0);
  return spare;
}

function giveBack(writer: ProtobufWriter): void {
  if (spareWriters.length < MAX_SPARE_WRITERS && writer.capacity <= MAX_SPARE_BYTES) spareWriters.push(writer);
}

export class OtlpBatch implements SpanBatch {
  size = 0;
  /** Tracers are cached, so spans of one scope share its object; a scope under two objects becomes two ScopeSpans, which OTLP allows. */
  private groups = new Map<Resource, Map<Scope, ProtobufWriter>>();
  private request: Buffer | undefined;
  /** Whose buffer `request` is a view of, until `release()` gives it back. */
  private requestWriter: ProtobufWriter | undefined;
  private released = false;
  /** The group last written to: spans come in runs of one service and one instrumentation. */
  private lastResource: Resource | undefined;
  private lastScope: Scope | undefined;
  private lastWriter: ProtobufWriter | undefined;

  add(span: ReadableSpan): void {
    if (this.request) throw new Error('the batch was already encoded for export');
    const spans = this.writerFor(span.resource, span.instrumentationScope);
    const start = spans.position();
    try {
      writeSpan(spans, span);
    } catch (error) {
      spans.rewind(start);
      throw error;
    }
    if (spans.position() !== start) this.size++;
  }

  private writerFor(resource: Resource, scope: Scope): ProtobufWriter {
    if (this.lastWriter !== undefined && resource === this.lastResource && scope === this.lastScope) return this.lastWriter;
    let byScope = this.groups.get(resource);
    if (!byScope) {
      byScope = new Map();
      this.groups.set(resource, byScope);
    }
    let spans = byScope.get(scope);
    if (!spans) {
      spans = takeWriter();
      byScope.set(scope, spans);
    }
    this.lastResource = resource;
    this.lastScope = scope;
    this.lastWriter = spans;
    return spans;
  }

  /** The ExportTraceServiceRequest; made once (a retry or the exit flush sends the same bytes), after which the per-scope buffers are let go. */
  encoded(): Buffer {
    if (this.released) throw new Error('the batch was delivered and its request let go');
    if (this.request) return this.request;
    let total = 0;
    for (const byScope of this.groups.values()) for (const spans of byScope.values()) total += spans.position();
    // A spare writer's buffer when there is one (see release()).
    const out = takeWriter();
    out.reserve(total + 1024);
    this.requestWriter = out;
    for (const [resource, byScope] of this.groups) {
      const parts: Uint8Array[] = [encodedWith((w) => writeResource(w, resource))];
      for (const [scope, spans] of byScope) {
        const scopeParts: Uint8Array[] = [encodedWith((w) => writeScope(w, scope)), spans.finish()];
        if (scope.schemaUrl) scopeParts.push(encodedWith((w) => (w.tag(3, 2), w.string(scope.schemaUrl!))));
        // ResourceSpans.scope_spans, framed around the span bytes rather than copied with them.
        parts.push(encodedWith((w) => (w.tag(2, 2), w.varint(lengthOf(scopeParts)))), ...scopeParts);
      }
      if (resource.schemaUrl) parts.push(encodedWith((w) => (w.tag(3, 2), w.string(resource.schemaUrl!))));
      out.lengthDelimited(1, parts); // ExportTraceServiceRequest.resource_spans
    }
    this.request = out.finish();
    // Their bytes are copied into the request: the buffers can take the next batch's spans.
    for (const byScope of this.groups.values()) for (const spans of byScope.values()) giveBack(spans);
    this.groups = new Map();
    this.lastResource = this.lastScope = this.lastWriter = undefined;
    return this.request;
  }

  /**
   * The request was delivered (answered, and every byte of it written): its buffer goes back to the
   * spares, for the next batch's spans or request. A new buffer per export (~130 KB for 512 spans)
   * outlived the young generation whenever a scavenge fell during the export, which under steady
   * load is most of them, and waited outside the heap for a full collection: the express benchmark
   * app held ~13 MB more in ArrayBuffers after 100,000 requests than without hoptrace.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.request = undefined;
    if (this.requestWriter) giveBack(this.requestWriter);
    this.requestWriter = undefined;
  }
}

function lengthOf(parts: readonly Uint8Array[]): number {
  let length = 0;
  for (const part of parts) length += part.length;
  return length;
}

function encodedWith(write: (out: ProtobufWriter) => void): Buffer {
  const out = new ProtobufWriter(256);
  write(out);
  return out.finish();
}

/** One request for several batches: concatenated protobuf messages merge, and repeated fields append. */
export function requestOf(batches: readonly OtlpBatch[]): Buffer {
  return batches.length === 1 ? batches[0].encoded() : Buffer.concat(batches.map((batch) => batch.encoded()));
}

/** Ended spans as one ExportTraceServiceRequest. */
export function encodeTraces(spans: readonly ReadableSpan[]): Buffer {
  const batch = new OtlpBatch();
  for (const span of spans) batch.add(span);
  return batch.encoded();
}

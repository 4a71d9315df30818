/**
 * What hoptrace's tracer hands out when the sampler says no: the span context (so the trace, with
 * its `sampled=0` flag, goes on to the next hop) and the resource of the service it was started
 * for (so spans under it are attributed to the same service, see service-map-resolver.ts), and
 * nothing else. Every recording method does nothing, as on the API's NonRecordingSpan; the methods
 * live on the prototype.
 *
 * The span is its own span context (a checked one, span-context.ts: its ids were drawn by hoptrace
 * or checked as they came in), so an unsampled hop costs this one object. The resource is kept
 * under a symbol, which JSON and Object.keys leave out: what they show of it is the five fields of
 * any span context.
 */
import type { Span, SpanContext, TraceState } from '@opentelemetry/api';
import { UNSAMPLED_RESOURCE } from '../symbols';
import { KEPT_SPAN_ID, KEPT_TRACE_ID, keepShape } from './kept-shapes';

/**
 * Not a subclass of CheckedSpanContext, though it holds the same five fields in the same order
 * (isCheckedSpanContext accepts both): V8 optimized code did not inline a derived constructor with
 * its `super` call here, and two of these are made for every Kafka message (callgrind, Node 24).
 */
export class UnsampledSpan implements Span, SpanContext {
  // Assigned, not class fields (see CheckedSpanContext).
  declare traceId: string;
  declare spanId: string;
  declare traceFlags: number;
  declare traceState: TraceState | undefined;
  declare isRemote: boolean | undefined;
  declare [UNSAMPLED_RESOURCE]: object;

  constructor(traceId: string, spanId: string, traceFlags: number, traceState: TraceState | undefined, resource: object) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.traceFlags = traceFlags;
    this.traceState = traceState;
    this.isRemote = undefined;
    this[UNSAMPLED_RESOURCE] = resource;
  }

  spanContext(): SpanContext {
    return this;
  }

  isRecording(): boolean {
    return false;
  }

  setAttribute(): this {
    return this;
  }

  setAttributes(): this {
    return this;
  }

  addEvent(): this {
    return this;
  }

  addLink(): this {
    return this;
  }

  addLinks(): this {
    return this;
  }

  setStatus(): this {
    return this;
  }

  updateName(): this {
    return this;
  }

  recordException(): void {}

  end(): void {}
}

// Made for every hop the sampler says no to (kept-shapes.ts).
keepShape(new UnsampledSpan(KEPT_TRACE_ID, KEPT_SPAN_ID, 0, undefined, {}));

/**
 * Span contexts whose ids were checked when they were made: hoptrace's own spans (ids it drew) and
 * trace headers hoptrace parsed (ids it scanned); an unsampled span (unsampled-span.ts) is one too.
 * The API's check is two regular expressions; on a consumed message it ran six times (the
 * message's context, the tracer's parent, the sampler's parent), for ids already known to be good. A CheckedSpanContext is valid by construction, so
 * those checks become one `instanceof`; any other span context (the app's, another SDK's) is
 * checked as before.
 */
import { type SpanContext, type TraceState, isSpanContextValid, trace } from '@opentelemetry/api';
import { KEPT_SPAN_ID, KEPT_TRACE_ID, keepShape } from './kept-shapes';
import { UnsampledSpan } from './unsampled-span';

export class CheckedSpanContext implements SpanContext {
  // `declare`d and assigned, not class fields: V8 defines each class field on every construction
  // before the constructor stores its value (Node 24: ~10 ns more an object of five fields).
  declare traceId: string;
  declare spanId: string;
  declare traceFlags: number;
  declare traceState: TraceState | undefined;
  declare isRemote: boolean | undefined;

  constructor(traceId: string, spanId: string, traceFlags: number, traceState: TraceState | undefined, isRemote: boolean | undefined) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.traceFlags = traceFlags;
    this.traceState = traceState;
    this.isRemote = isRemote;
  }
}

/**
 * A remote parent whose ids' bytes the parser decoded as it checked them (w3c.ts): a span under
 * it, and a link to it, are encoded from those bytes (wire-format.ts) instead of from the text.
 */
export class ParsedSpanContext extends CheckedSpanContext {
  /** The ids' bytes as 32-bit words: the trace id's four from `idAt`, then the span id's two; never written over. */
  declare idWords: Uint32Array;
  declare idAt: number;

  constructor(traceId: string, spanId: string, traceFlags: number, idWords: Uint32Array, idAt: number) {
    super(traceId, spanId, traceFlags, undefined, true);
    this.idWords = idWords;
    this.idAt = idAt;
  }

  /** As JSON (an app logging a span's parent), the span context's own fields, not the 4 KiB pool its ids' bytes are in. */
  toJSON(): SpanContext {
    return { traceId: this.traceId, spanId: this.spanId, traceFlags: this.traceFlags, traceState: this.traceState, isRemote: this.isRemote };
  }
}

// Made on every hop (kept-shapes.ts): hoptrace's span contexts, and the API's wrapper of an
// extracted one (trace.setSpanContext makes a NonRecordingSpan for every message consumed).
keepShape(new CheckedSpanContext(KEPT_TRACE_ID, KEPT_SPAN_ID, 1, undefined, true));
keepShape(trace.wrapSpanContext(new CheckedSpanContext(KEPT_TRACE_ID, KEPT_SPAN_ID, 1, undefined, true)));
keepShape(trace.wrapSpanContext(new ParsedSpanContext(KEPT_TRACE_ID, KEPT_SPAN_ID, 1, new Uint32Array(6), 0)));

/**
 * Whether `spanContext` is one of hoptrace's own, whose ids were checked when it was made: a
 * CheckedSpanContext, or an unsampled span (its own span context).
 */
export function isCheckedSpanContext(spanContext: unknown): boolean {
  return spanContext instanceof CheckedSpanContext || spanContext instanceof UnsampledSpan;
}

/** The API's isSpanContextValid, without its regular expressions for a context checked when it was made. */
export function isValidSpanContext(spanContext: SpanContext): boolean {
  return isCheckedSpanContext(spanContext) || isSpanContextValid(spanContext);
}

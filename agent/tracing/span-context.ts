/**
 * Span contexts whose ids were checked when they were made: hoptrace's own spans (ids it drew) and
 * trace headers hoptrace parsed (ids it scanned). The API's check is two regular expressions; on a
 * consumed message it ran six times (the message's context, the tracer's parent, the sampler's
 * parent), for ids already known to be good. A CheckedSpanContext is valid by construction, so
 * those checks become one `instanceof`; any other span context (the app's, another SDK's) is
 * checked as before.
 */
import { type SpanContext, type TraceState, isSpanContextValid, trace } from '@opentelemetry/api';
import { KEPT_SPAN_ID, KEPT_TRACE_ID, keepShape } from './kept-shapes';

export class CheckedSpanContext implements SpanContext {
  constructor(
    public traceId: string,
    public spanId: string,
    public traceFlags: number,
    public traceState: TraceState | undefined,
    public isRemote: boolean | undefined,
  ) {}
}

// Made on every hop (kept-shapes.ts): hoptrace's span contexts, and the API's wrapper of an
// extracted one (trace.setSpanContext makes a NonRecordingSpan for every message consumed).
keepShape(new CheckedSpanContext(KEPT_TRACE_ID, KEPT_SPAN_ID, 1, undefined, true));
keepShape(trace.wrapSpanContext(new CheckedSpanContext(KEPT_TRACE_ID, KEPT_SPAN_ID, 1, undefined, true)));

/** The API's isSpanContextValid, without its regular expressions for a context checked when it was made. */
export function isValidSpanContext(spanContext: SpanContext): boolean {
  return spanContext instanceof CheckedSpanContext || isSpanContextValid(spanContext);
}

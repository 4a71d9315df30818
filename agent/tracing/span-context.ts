/**
 * Span contexts whose ids were checked when they were made: hoptrace's own spans (ids it drew) and
 * trace headers hoptrace parsed (ids it scanned). The API's check is two regular expressions; on a
 * consumed message it ran six times (the message's context, the tracer's parent, the sampler's
 * parent), for ids already known to be good. A CheckedSpanContext is valid by construction, so
 * those checks become one `instanceof`; any other span context (the app's, another SDK's) is
 * checked as before.
 */
import { type SpanContext, type TraceState, isSpanContextValid } from '@opentelemetry/api';

export class CheckedSpanContext implements SpanContext {
  constructor(
    public traceId: string,
    public spanId: string,
    public traceFlags: number,
    public traceState: TraceState | undefined,
    public isRemote: boolean | undefined,
  ) {}
}

/** The API's isSpanContextValid, without its regular expressions for a context checked when it was made. */
export function isValidSpanContext(spanContext: SpanContext): boolean {
  return spanContext instanceof CheckedSpanContext || isSpanContextValid(spanContext);
}

/**
 * jaeger-client's `reporter.logSpans`: every ended span also written to hoptrace's log, one line
 * each, so that a service's spans can be watched without a backend.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { log } from '../log';

export class LoggingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const { traceId, spanId } = span.spanContext();
    const service = span.resource.attributes['service.name'];
    const parent = span.parentSpanContext?.spanId ?? '0';
    const ms = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    log.span(`span ${String(service)} "${span.name}" ${traceId}:${spanId}:${parent} ${ms.toFixed(1)} ms`);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One processor that hands every span to each of `processors`. */
export function fanOut(processors: readonly SpanProcessor[]): SpanProcessor {
  return {
    onStart: (span, parentContext) => {
      for (const processor of processors) processor.onStart(span, parentContext);
    },
    onEnd: (span) => {
      for (const processor of processors) processor.onEnd(span);
    },
    forceFlush: () => Promise.all(processors.map((p) => p.forceFlush())).then(() => undefined),
    shutdown: () => Promise.all(processors.map((p) => p.shutdown())).then(() => undefined),
  };
}

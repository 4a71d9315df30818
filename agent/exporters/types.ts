import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';

/**
 * A span exporter that can also deliver synchronously, for the moments when the event loop will
 * not turn again: `process.exit()` and an uncaught exception.
 */
export interface HoptraceExporter extends SpanExporter {
  /** Where spans go, for diagnostics. */
  readonly destination: string;
  /** Delivers within `timeoutMs`, blocking; returns false if it could not. */
  exportSync?(spans: ReadableSpan[], timeoutMs: number): boolean;
  /**
   * Gives up every export under way, each reporting failure, because the process is ending and
   * the destination has not answered in time. Exporters whose connections could hold the event
   * loop must make sure they never do (see detached-agent.ts); this ends what is left.
   */
  abandon?(): void;
}

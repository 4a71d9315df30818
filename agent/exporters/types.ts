import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';

/**
 * The spans of one export as they are collected, in the form the exporter wants them: the span
 * objects themselves (span-list.ts), or their wire format, written as spans end (16 at a time, see
 * the batch processor) so that nothing of a span outlives its operation by long (otlp/otlp-batch.ts).
 */
export interface SpanBatch {
  /** Spans added so far. */
  readonly size: number;
  /** Takes in an ended span; if it throws, the batch is as it was before the call. */
  add(span: ReadableSpan): void;
}

/**
 * Where the batch processor sends spans. Besides exporting batches it made, an exporter can also
 * deliver synchronously, for the moments when the event loop will not turn again:
 * `process.exit()` and an uncaught exception.
 */
export interface HoptraceExporter<B extends SpanBatch = SpanBatch> {
  /** Where spans go, for diagnostics. */
  readonly destination: string;
  newBatch(): B;
  /** Sends the batches as one export; `done` is called once. */
  export(batches: readonly B[], done: (result: ExportResult) => void): void;
  /** Delivers within `timeoutMs`, blocking; returns false if it could not. */
  exportSync?(batches: readonly B[], timeoutMs: number): boolean;
  /**
   * Gives up every export under way, each reporting failure, because the process is ending and
   * the destination has not answered in time. Exporters whose connections could hold the event
   * loop must make sure they never do (see detached-agent.ts); this ends what is left.
   */
  abandon?(): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

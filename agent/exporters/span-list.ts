import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { SpanBatch } from './types';

/** A batch that keeps the ended spans themselves, for exporters that convert at export time. */
export class SpanList implements SpanBatch {
  readonly spans: ReadableSpan[] = [];

  get size(): number {
    return this.spans.length;
  }

  add(span: ReadableSpan): void {
    this.spans.push(span);
  }
}

export function spansOf(batches: readonly SpanList[]): ReadableSpan[] {
  return batches.length === 1 ? batches[0].spans : batches.flatMap((batch) => batch.spans);
}

import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace-node';
import type { ExportResult } from '@opentelemetry/core';
import { SpanList, spansOf } from './span-list';
import type { HoptraceExporter } from './types';

/** Prints spans to stdout; it writes synchronously, so it can deliver at exit too. */
export class ConsoleExporter implements HoptraceExporter<SpanList> {
  readonly destination = 'stdout';
  private readonly printer = new ConsoleSpanExporter();

  newBatch(): SpanList {
    return new SpanList();
  }

  export(batches: readonly SpanList[], done: (result: ExportResult) => void): void {
    this.printer.export(spansOf(batches), done);
  }

  exportSync(batches: readonly SpanList[]): boolean {
    this.printer.export(spansOf(batches), () => {});
    return true;
  }

  forceFlush(): Promise<void> {
    return this.printer.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.printer.shutdown();
  }
}

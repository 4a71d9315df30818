import { ConsoleSpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { HoptraceExporter } from './types';

/** Prints spans to stdout; it writes synchronously, so it can deliver at exit too. */
export class ConsoleExporter extends ConsoleSpanExporter implements HoptraceExporter {
  readonly destination = 'stdout';

  exportSync(spans: ReadableSpan[]): boolean {
    this.export(spans, () => {});
    return true;
  }
}

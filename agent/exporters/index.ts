import type { ExporterSettings } from '../config/types';
import type { HoptraceExporter } from './types';

/** Only the chosen exporter's code is loaded. */
export function createExporter(config: ExporterSettings): HoptraceExporter | undefined {
  switch (config.exporter) {
    case 'none':
      return undefined;
    case 'console': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ConsoleExporter } = require('./console') as typeof import('./console');
      return new ConsoleExporter();
    }
    case 'jaeger': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { JaegerExporter } = require('./jaeger/exporter') as typeof import('./jaeger/exporter');
      return new JaegerExporter(config.jaeger);
    }
    case 'otlp': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { OtlpHttpExporter } = require('./otlp-http') as typeof import('./otlp-http');
      return new OtlpHttpExporter(config.otlp);
    }
  }
}

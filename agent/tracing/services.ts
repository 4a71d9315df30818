/**
 * A service as the tracing backend will show it: its resource, sampler and span processor, the
 * tracers hoptrace's instrumentations start spans with, and (built only when something asks) an
 * SDK provider for OpenTelemetry instrumentations and the app's own API calls.
 *
 * Exporters are shared: services whose exporter and batch settings are identical hand their spans
 * to one processor (one queue, one connection); the OTLP encoder groups spans by resource.
 */
import type { Tracer } from '@opentelemetry/api';
import { NodeTracerProvider, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { BatchConfig, ExporterSettings, SamplerConfig, ServiceConfig, ServiceOwnership } from '../config/types';
import { createExporter } from '../exporters';
import { AGENT_VERSION } from '../version';
import { BoundedBatchProcessor } from './batch-processor';
import { LoggingSpanProcessor, fanOut } from './logging-processor';
import { buildResource } from './resource';
import { buildSampler } from './sampler';
import type { AttributableService } from './service-map-resolver';
import { HoptraceTracer, type TracerSetup } from './tracer';

export interface ServiceSettings {
  readonly service: ServiceConfig;
  readonly sampler: SamplerConfig;
  readonly export: ExporterSettings;
  readonly batch: BatchConfig;
  readonly logSpans?: boolean;
  readonly owns?: ServiceOwnership;
}

export class Service implements AttributableService {
  readonly name: string;
  readonly resource: TracerSetup['resource'];
  readonly sampler: Sampler;
  readonly processor: SpanProcessor;
  readonly owns?: ServiceOwnership;
  private readonly tracers = new Map<string, Tracer>();
  private sdkProvider: NodeTracerProvider | undefined;

  constructor(settings: ServiceSettings, processor: SpanProcessor) {
    this.name = settings.service.name;
    this.resource = buildResource(settings.service);
    this.sampler = buildSampler(settings.sampler, settings.service.name);
    this.processor = processor;
    this.owns = settings.owns;
  }

  tracer(scope: string): Tracer {
    let tracer = this.tracers.get(scope);
    if (!tracer) {
      tracer = new HoptraceTracer({ resource: this.resource, sampler: this.sampler, processor: this.processor }, scope, AGENT_VERSION);
      this.tracers.set(scope, tracer);
    }
    return tracer;
  }

  /** The SDK's provider over the same resource, sampler and processor (validating, copying spans' input). */
  provider(): NodeTracerProvider {
    this.sdkProvider ??= new NodeTracerProvider({ resource: this.resource, sampler: this.sampler, spanProcessors: [this.processor] });
    return this.sdkProvider;
  }
}

/** Builds services, one batch processor per distinct exporter; `processors` lists them for flushing. */
export class ServiceBuilder {
  readonly processors: BoundedBatchProcessor[] = [];
  private readonly byExporter = new Map<string, SpanProcessor>();

  build(settings: ServiceSettings): Service {
    let processor = this.processorFor(settings.export, settings.batch);
    if (settings.logSpans) processor = fanOut([processor, new LoggingSpanProcessor()]);
    return new Service(settings, processor);
  }

  /** Each exporter's destination, for the start-up line. */
  describe(): string {
    return this.processors.map((p) => p.destination).join(', ') || 'none';
  }

  private processorFor(exportSettings: ExporterSettings, batch: BatchConfig): SpanProcessor {
    // Only the settings of the chosen exporter tell exporters apart.
    const chosen = exportSettings.exporter === 'otlp' ? exportSettings.otlp : exportSettings.exporter === 'jaeger' ? exportSettings.jaeger : {};
    const key = JSON.stringify([exportSettings.exporter, chosen, batch]);
    let processor = this.byExporter.get(key);
    if (!processor) {
      const exporter = createExporter(exportSettings);
      if (exporter) {
        const batched = new BoundedBatchProcessor(exporter, batch);
        this.processors.push(batched);
        processor = batched;
      } else processor = NO_PROCESSOR;
      this.byExporter.set(key, processor);
    }
    return processor;
  }
}

/** For OTEL_TRACES_EXPORTER=none: spans are still made (and propagated), and go nowhere. */
const NO_PROCESSOR: SpanProcessor = {
  onStart() {},
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Config → the tracer provider, its span processor and exporter, and the global propagator and
 * context manager every instrumentation relies on.
 */
import { NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Config } from '../config/types';
import { createExporter } from '../exporters';
import { log } from '../log';
import { HoptracePropagator, noPropagation } from '../propagation/propagator';
import { AGENT_VERSION } from '../version';
import { BoundedBatchProcessor } from './batch-processor';
import { contextManager } from './context-manager';
import { buildResource } from './resource';
import { buildSampler } from './sampler';
import { type TracerResolver, singleServiceResolver } from './tracers';

export interface Tracing {
  readonly tracers: TracerResolver;
  /** Delivers what is queued; resolves when done or after `timeoutMs`, whichever comes first. */
  flush(timeoutMs: number): Promise<void>;
  /** The process is ending: delivers what is queued, then gives up what is unconfirmed after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  flushSync(timeoutMs: number): void;
  hasPending(): boolean;
}

export function setUpTracing(config: Config): Tracing {
  const exporter = createExporter(config);
  const processor = exporter ? new BoundedBatchProcessor(exporter, config.batch) : undefined;
  const resource = buildResource(config.service);
  const sampler = buildSampler(config.sampler);
  // The SDK provider serves the app's own calls to the OpenTelemetry API; hoptrace's
  // instrumentations start their spans through tracers.ts, with the same pieces.
  const provider = new NodeTracerProvider({ resource, sampler, spanProcessors: processor ? [processor] : [] });
  provider.register({
    contextManager,
    propagator: config.propagationDisabled ? noPropagation : new HoptracePropagator(config.injectPropagators),
  });
  log.debug(
    `service ${config.service.name}; exporter ${exporter ? `${config.exporter} to ${exporter.destination}` : 'none'}; ` +
      `propagators: read all, write ${config.propagationDisabled ? 'none' : config.injectPropagators.join(',')}; ` +
      `sampler ${config.sampler.name}${config.sampler.name.endsWith('ratio') ? ` ${config.sampler.ratio}` : ''}`,
  );
  return {
    tracers: singleServiceResolver({ resource, sampler, processor: processor ?? NO_PROCESSOR }, AGENT_VERSION),
    flush: (timeoutMs) => (processor ? withTimeout(processor.forceFlush(), timeoutMs) : Promise.resolve()),
    drain: (timeoutMs) => processor?.drain(timeoutMs) ?? Promise.resolve(),
    flushSync: (timeoutMs) => processor?.flushSync(timeoutMs),
    hasPending: () => processor?.hasPending() ?? false,
  };
}

/** For OTEL_TRACES_EXPORTER=none: spans are still made (and propagated), and go nowhere. */
const NO_PROCESSOR: SpanProcessor = {
  onStart() {},
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

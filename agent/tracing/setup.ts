/**
 * Config → the services (resource, sampler, span processor, exporter each), the resolver that
 * attributes spans to them, and the global propagator and context manager every instrumentation
 * relies on.
 */
import { type Context, type Tracer, type TracerProvider, context, trace } from '@opentelemetry/api';
import { setSpanLimits } from './span-limits';
import type { Config } from '../config/types';
import { log } from '../log';
import { HoptracePropagator, noPropagation } from '../propagation/propagator';
import { installPropagator } from '../propagation/installed';
import type { BoundedBatchProcessor } from './batch-processor';
import { contextManager } from './context-manager';
import { ServiceMapResolver } from './service-map-resolver';
import { type Service, ServiceBuilder } from './services';
import type { TracerResolver } from './tracers';
import { type UserProviders, loadUserProviders } from './user-provider';

export interface Tracing {
  readonly tracers: TracerResolver;
  /** For OpenTelemetry instrumentations: SDK spans, attributed to services by the same rules. */
  readonly otelTracerProvider: TracerProvider;
  /** Delivers what is queued; resolves when done or after `timeoutMs`, whichever comes first. */
  flush(timeoutMs: number): Promise<void>;
  /** The process is ending: delivers what is queued, then gives up what is unconfirmed after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  flushSync(timeoutMs: number): void;
  hasPending(): boolean;
}

export function setUpTracing(config: Config, appEntry?: string): Tracing {
  setSpanLimits(config.spanLimits);
  const builder = new ServiceBuilder();
  const processSettings = { service: config.service, sampler: config.sampler, export: config, batch: config.batch };
  const defaultService = builder.build(processSettings);
  const services = config.services.map((definition) => builder.build(definition));

  // The default service's SDK provider serves the app's own calls to the OpenTelemetry API.
  const propagator = config.propagationDisabled ? noPropagation : new HoptracePropagator(config.injectPropagators, { jaegerBaggage: config.jaegerBaggage });
  defaultService.provider().register({ contextManager, propagator });
  installPropagator(propagator);

  const userProviders = config.tracerProviderModule ? loadUserProviders(config.tracerProviderModule, appEntry, [config, ...config.services]) : undefined;
  const resolver = services.length > 0 ? new ServiceMapResolver(defaultService, services) : undefined;
  const tracers = userProviders ? userTracers(userProviders, defaultService, services, resolver) : (resolver ?? singleService(defaultService));

  log.debug(
    `services: ${[defaultService, ...services].map((s) => s.name).join(', ')}; exporters: ${builder.describe()}; ` +
      `propagators: read all, write ${config.propagationDisabled ? 'none' : config.injectPropagators.join(',')}; ` +
      `sampler ${config.sampler.name}${config.sampler.name.endsWith('ratio') ? ` ${config.sampler.ratio}` : ''}` +
      (userProviders ? `; spans start in the provider of ${config.tracerProviderModule}` : ''),
  );
  const processors: readonly BoundedBatchProcessor[] = builder.processors;
  const flushUser = () => userProviders?.forceFlush() ?? Promise.resolve();
  return {
    tracers,
    otelTracerProvider: resolver ? attributingProvider(resolver, defaultService) : defaultService.provider(),
    flush: (timeoutMs) => withTimeout(Promise.all([...processors.map((p) => p.forceFlush()), flushUser()]), timeoutMs),
    drain: (timeoutMs) => Promise.all([...processors.map((p) => p.drain(timeoutMs)), withTimeout(flushUser(), timeoutMs)]).then(() => undefined),
    // One deadline for all exporters: the exit is held up by the bound, not by the bound per exporter.
    flushSync: (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (const processor of processors) processor.flushSync(deadline - Date.now());
    },
    hasPending: () => processors.some((p) => p.hasPending()) || (userProviders?.hasPending() ?? false),
  };
}

function singleService(service: Service): TracerResolver {
  return { tracerFor: (scope) => service.tracer(scope), settledTracerFor: (scope) => service.tracer(scope) };
}

/** HOPTRACE_TRACER_PROVIDER: the user's provider(s), per service by the same attribution rules. */
function userTracers(providers: UserProviders, defaultService: Service, services: readonly Service[], resolver: ServiceMapResolver | undefined): TracerResolver {
  const all = [defaultService, ...services];
  return {
    tracerFor(scope, hint) {
      const service = resolver ? (resolver.serviceFor(hint) as Service) : defaultService;
      return providers.tracer(all.indexOf(service), scope);
    },
    settledTracerFor(scope, hint) {
      const service = resolver ? (resolver.owner(hint) as Service | undefined) : defaultService;
      return service ? providers.tracer(all.indexOf(service), scope) : undefined;
    },
  };
}

/**
 * A provider whose tracers start each span in the SDK provider of the service the active span
 * belongs to, so that an OpenTelemetry instrumentation's spans join the service they work for.
 */
function attributingProvider(resolver: ServiceMapResolver, defaultService: Service): TracerProvider {
  return {
    getTracer(name, version, options) {
      const tracerIn = (ctx: Context | undefined) =>
        ((resolver.serviceOf(trace.getSpan(ctx ?? context.active())) as Service | undefined) ?? defaultService).provider().getTracer(name, version, options);
      return {
        startSpan: (spanName, spanOptions, ctx) => tracerIn(ctx).startSpan(spanName, spanOptions, ctx),
        startActiveSpan: ((...args: unknown[]) => {
          // (name, fn) | (name, options, fn) | (name, options, context, fn): the context, when given, is third.
          const ctx = args.length >= 4 ? (args[2] as Context | undefined) : undefined;
          return (tracerIn(ctx).startActiveSpan as (...a: unknown[]) => unknown)(...args);
        }) as Tracer['startActiveSpan'],
      };
    },
  };
}

function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

/**
 * HOPTRACE_TRACER_PROVIDER: the app brings its own tracer provider, as OpenTracing's TracerResolver
 * let users bring their own tracer. The module exports an OpenTelemetry TracerProvider (or has one
 * as its default export), or a function that returns one for a service's settings; hoptrace's
 * instrumentations then start their spans through it. Propagation stays hoptrace's.
 *
 * A module that cannot be loaded, or hands back something that is no provider: one warning, and
 * hoptrace's own providers are used.
 */
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { requireAppModule } from '../app-modules';
import type { SamplerConfig, ServiceConfig } from '../config/types';
import { log } from '../log';
import { AGENT_VERSION } from '../version';

/** What a provider factory is given for each service: the default one first, then the file's. */
export interface ProviderSettings {
  readonly service: ServiceConfig;
  readonly sampler: SamplerConfig;
}

export interface UserProviders {
  tracer(serviceIndex: number, scope: string): Tracer;
  forceFlush(): Promise<void>;
  /** True once a span has started since the last flush (the provider's queue is its own business). */
  hasPending(): boolean;
}

type Provider = TracerProvider & { forceFlush?: () => Promise<void> };

const isProvider = (value: unknown): value is Provider => typeof (value as Provider | undefined)?.getTracer === 'function';

export function loadUserProviders(moduleName: string, appEntry: string | undefined, settings: readonly ProviderSettings[]): UserProviders | undefined {
  const refuse = (why: string) => {
    log.warn(`HOPTRACE_TRACER_PROVIDER=${moduleName}: ${why}; hoptrace's own tracer provider is used`);
    return undefined;
  };
  let exported: unknown;
  try {
    exported = requireAppModule(moduleName, appEntry);
  } catch (error) {
    return refuse(`cannot be loaded (${(error as Error).message.split('\n')[0]})`);
  }
  const candidate = isProvider(exported) ? exported : (exported as { default?: unknown } | undefined)?.default ?? exported;
  const providers: Provider[] = [];
  for (const serviceSettings of settings) {
    let provider: unknown = candidate;
    if (!isProvider(candidate) && typeof candidate === 'function') {
      try {
        provider = (candidate as (s: ProviderSettings) => unknown)({ service: serviceSettings.service, sampler: serviceSettings.sampler });
      } catch (error) {
        return refuse(`its function threw for service ${serviceSettings.service.name} (${(error as Error).message})`);
      }
    }
    if (!isProvider(provider)) return refuse('exports neither a TracerProvider (an object with getTracer) nor a function that returns one');
    providers.push(provider);
  }
  const tracers = new Map<string, Tracer>();
  let pending = false;
  return {
    tracer(serviceIndex, scope) {
      pending = true;
      const key = `${serviceIndex} ${scope}`;
      let tracer = tracers.get(key);
      if (!tracer) {
        tracer = providers[serviceIndex].getTracer(scope, AGENT_VERSION);
        tracers.set(key, tracer);
      }
      return tracer;
    },
    async forceFlush() {
      pending = false;
      await Promise.all([...new Set(providers)].map((p) => p.forceFlush?.().catch(() => undefined)));
    },
    hasPending: () => pending,
  };
}

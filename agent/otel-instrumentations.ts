/**
 * HOPTRACE_OTEL_INSTRUMENTATIONS: OpenTelemetry instrumentation packages the app already has
 * (`@opentelemetry/instrumentation-pg`, `-ioredis`, `-mongodb` …), loaded with hoptrace's tracer
 * provider, so that their spans join hoptrace's traces (children of the active SERVER or CONSUMER
 * span) and its services (tracing/setup.ts, attributingProvider).
 *
 * They patch through @opentelemetry/instrumentation's own hooks (require-in-the-middle), which see
 * `require()` calls; loaded only when named, so start-up without the variable is unchanged.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { requireAppModule } from './app-modules';
import { log, reportAgentError } from './log';

/** Packages that would trace what hoptrace's own instrumentations trace: twice the spans, two parents. */
const OVERLAPPING: Readonly<Record<string, string>> = {
  '@opentelemetry/instrumentation-http': 'http and https',
  '@opentelemetry/instrumentation-express': 'express',
  '@opentelemetry/instrumentation-undici': 'fetch (undici)',
  '@opentelemetry/instrumentation-fetch': 'fetch',
  '@opentelemetry/instrumentation-kafkajs': 'kafkajs',
  '@opentelemetry/instrumentation-fastify': 'fastify',
  '@opentelemetry/instrumentation-koa': 'koa',
  '@opentelemetry/auto-instrumentations-node': 'http, express, fetch and kafkajs, among others',
};

interface Instrumentation {
  setTracerProvider(provider: TracerProvider): void;
  enable(): void;
}
type InstrumentationClass = new (config?: object) => Instrumentation;

export function loadOtelInstrumentations(names: readonly string[], appEntry: string | undefined, provider: TracerProvider, esModuleApp: boolean): void {
  if (esModuleApp) {
    log.warn(
      'HOPTRACE_OTEL_INSTRUMENTATIONS: this app runs as ES modules, and OpenTelemetry instrumentations see only require(): ' +
        "what the app imports is not traced by them unless OpenTelemetry's own ESM loader hook is registered too",
    );
  }
  for (const name of names) {
    const overlap = OVERLAPPING[name];
    if (overlap) {
      log.warn(`HOPTRACE_OTEL_INSTRUMENTATIONS: ${name} is not loaded: hoptrace traces ${overlap} itself, and both would trace every call twice`);
      continue;
    }
    let exported: Record<string, unknown>;
    try {
      exported = requireAppModule(name, appEntry) as Record<string, unknown>;
    } catch (error) {
      log.warn(`HOPTRACE_OTEL_INSTRUMENTATIONS: ${name} is not installed in the app (${(error as Error).message.split('\n')[0]}); install it next to the library it traces`);
      continue;
    }
    const classes = Object.values(exported).filter(
      (value): value is InstrumentationClass => typeof value === 'function' && /Instrumentation$/.test(value.name) && typeof value.prototype?.setTracerProvider === 'function',
    );
    if (classes.length === 0) {
      log.warn(`HOPTRACE_OTEL_INSTRUMENTATIONS: ${name} exports no OpenTelemetry instrumentation class; nothing is loaded from it`);
      continue;
    }
    for (const Instrumentation of classes) {
      try {
        // Created disabled, so that its first span already has hoptrace's provider; then enabled.
        const instrumentation = new Instrumentation({ enabled: false });
        instrumentation.setTracerProvider(provider);
        instrumentation.enable();
        log.debug(`loaded ${Instrumentation.name} from ${name}`);
      } catch (error) {
        reportAgentError(`loading ${name}`, error);
      }
    }
  }
}

/**
 * The instrumentations hoptrace ships, by name. Each is constructed with what it needs from the
 * agent (tracers, its slice of the configuration) and loaded only when enabled, and says which
 * others it needs: express, fastify and koa name and record errors on the SERVER span that http starts.
 */
import type { Config, InstrumentationName, LoggerName } from './config/types';
import { log } from './log';
import type { HoptraceInstrumentation } from './module-hooks';
import type { TracerResolver } from './tracing/tracers';

type Factory = (tracers: TracerResolver, config: Config) => HoptraceInstrumentation;

const factories: Record<InstrumentationName, Factory> = {
  http: (tracers, config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { HttpInstrumentation } = require('../instrumentations/http') as typeof import('../instrumentations/http');
    return new HttpInstrumentation(tracers, config.http);
  },
  express: (tracers, config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ExpressInstrumentation } = require('../instrumentations/express') as typeof import('../instrumentations/express');
    return new ExpressInstrumentation(tracers, config.express);
  },
  fastify: (tracers, config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { FastifyInstrumentation } = require('../instrumentations/fastify') as typeof import('../instrumentations/fastify');
    return new FastifyInstrumentation(tracers, config.fastify);
  },
  koa: (tracers, config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KoaInstrumentation } = require('../instrumentations/koa') as typeof import('../instrumentations/koa');
    return new KoaInstrumentation(tracers, config.koa);
  },
  kafkajs: (tracers, config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KafkajsInstrumentation } = require('../instrumentations/kafkajs') as typeof import('../instrumentations/kafkajs');
    return new KafkajsInstrumentation(tracers, config.kafka);
  },
  fetch: (tracers, config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { FetchInstrumentation } = require('../instrumentations/fetch') as typeof import('../instrumentations/fetch');
    return new FetchInstrumentation(tracers, config.http);
  },
  // On only with HOPTRACE_LOGS_INJECTION=true (config/load-config.ts).
  pino: () => logCorrelation('pino'),
  winston: () => logCorrelation('winston'),
  bunyan: () => logCorrelation('bunyan'),
};

function logCorrelation(logger: LoggerName): HoptraceInstrumentation {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LogCorrelationInstrumentation } = require('../instrumentations/logs') as typeof import('../instrumentations/logs');
  return new LogCorrelationInstrumentation(logger);
}

/** What an instrumentation cannot work without, and what is lost without it. */
const NEEDS: Partial<Record<InstrumentationName, { readonly needs: InstrumentationName; readonly lost: string }>> = {
  express: { needs: 'http', lost: 'route names and handler errors (express adds them to the http SERVER span)' },
  fastify: { needs: 'http', lost: 'route names and handler errors (fastify adds them to the http SERVER span)' },
  koa: { needs: 'http', lost: 'route names and handler errors (koa adds them to the http SERVER span)' },
};

/**
 * The enabled instrumentations, less those whose dependency the configuration disabled: those
 * patch nothing, and are said once each, naming both, when the app loads a package they would
 * have patched (so that an app that never loads fastify hears nothing about it).
 */
export function createInstrumentations(tracers: TracerResolver, config: Config): HoptraceInstrumentation[] {
  return [...config.instrumentations].map((name) => {
    const instrumentation = factories[name](tracers, config);
    const dependency = NEEDS[name];
    if (!dependency || config.instrumentations.has(dependency.needs)) return instrumentation;
    const warning = `the ${name} instrumentation needs the ${dependency.needs} instrumentation, which is disabled: no ${dependency.lost}`;
    return warnWhenLoaded(instrumentation, warning);
  });
}

function warnWhenLoaded(instrumentation: HoptraceInstrumentation, warning: string): HoptraceInstrumentation {
  let said = false;
  const sayOnce = () => {
    if (!said) log.warn(warning);
    said = true;
  };
  return {
    instrumentationName: instrumentation.instrumentationName,
    modules: () => instrumentation.modules().map((definition) => ({ ...definition, patch: sayOnce })),
  };
}

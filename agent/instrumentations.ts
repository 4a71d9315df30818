/**
 * The instrumentations hoptrace ships, by name. Each is constructed with what it needs from the
 * agent (tracers, its slice of the configuration) and loaded only when enabled.
 */
import type { Config, InstrumentationName } from './config/types';
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
  kafkajs: (tracers, config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KafkajsInstrumentation } = require('../instrumentations/kafkajs') as typeof import('../instrumentations/kafkajs');
    return new KafkajsInstrumentation(tracers, config.kafka);
  },
  fetch: (tracers) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { FetchInstrumentation } = require('../instrumentations/fetch') as typeof import('../instrumentations/fetch');
    return new FetchInstrumentation(tracers);
  },
};

export function createInstrumentations(tracers: TracerResolver, config: Config): HoptraceInstrumentation[] {
  return [...config.instrumentations].map((name) => factories[name](tracers, config));
}

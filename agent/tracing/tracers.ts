/**
 * Instrumentations ask here for the tracer of the span they are about to start, with a hint of
 * where it comes from. Today every hint resolves to the process's one service; a configuration that
 * maps Kafka topics, client ids or ports to several services will resolve hints to providers of
 * their own without any instrumentation changing.
 */
import type { Tracer } from '@opentelemetry/api';
import { HoptraceTracer, type TracerSetup } from './tracer';

export interface TracerHint {
  /** The local port of an HTTP server. */
  readonly serverPort?: number;
  readonly kafkaTopic?: string;
  readonly kafkaClientId?: string;
  readonly kafkaGroupId?: string;
}

export interface TracerResolver {
  tracerFor(scope: string, hint?: TracerHint): Tracer;
}

export function singleServiceResolver(setup: TracerSetup, version: string): TracerResolver {
  const tracers = new Map<string, Tracer>();
  return {
    tracerFor(scope) {
      let tracer = tracers.get(scope);
      if (!tracer) {
        tracer = new HoptraceTracer(setup, scope, version);
        tracers.set(scope, tracer);
      }
      return tracer;
    },
  };
}

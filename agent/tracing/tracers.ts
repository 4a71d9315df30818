/**
 * Instrumentations ask here for the tracer of the span they are about to start, with a hint of
 * where it comes from. One service per process resolves every hint to it (setup.ts); a service-map
 * file resolves hints by the rules of service-map-resolver.ts. No instrumentation knows which.
 */
import type { Tracer } from '@opentelemetry/api';

export interface TracerHint {
  /** The local port of an HTTP server. */
  readonly serverPort?: number;
  readonly kafkaTopic?: string;
  readonly kafkaClientId?: string;
  readonly kafkaGroupId?: string;
}

export interface TracerResolver {
  tracerFor(scope: string, hint?: TracerHint): Tracer;
  /**
   * The tracer when the hint alone settles the service, so that an instrumentation may keep it per
   * destination; undefined when the span active at the time decides (service-map-resolver.ts).
   */
  settledTracerFor(scope: string, hint: TracerHint): Tracer | undefined;
}

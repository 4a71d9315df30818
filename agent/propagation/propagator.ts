/**
 * The one propagator every instrumentation uses. It reads every format hoptrace knows, whatever
 * OTEL_PROPAGATORS says, so a trace started by any peer continues; it writes only the formats
 * configured. When several formats arrive, W3C wins over Jaeger, Jaeger over B3.
 */
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import type { PropagatorName } from '../config/types';
import { reportAgentError } from '../log';
import { JaegerPropagator } from './jaeger';

function createFormat(name: PropagatorName): TextMapPropagator {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new W3CBaggagePropagator();
    case 'jaeger':
      return new JaegerPropagator();
    case 'b3':
      return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
    case 'b3multi':
      return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
  }
}

/**
 * Lowest precedence first: each later format overwrites the span context an earlier one extracted.
 * W3C baggage goes first because it replaces baggage wholesale; Jaeger's `uberctx-*` entries are
 * then added where W3C did not name the key.
 */
const EXTRACT_ORDER: readonly PropagatorName[] = ['baggage', 'b3', 'jaeger', 'tracecontext'];

export class HoptracePropagator implements TextMapPropagator {
  private readonly extractors: readonly TextMapPropagator[];
  private readonly injectors: readonly TextMapPropagator[];
  private readonly fieldNames: string[];

  constructor(inject: readonly PropagatorName[], extract: readonly PropagatorName[] = EXTRACT_ORDER) {
    this.extractors = extract.map(createFormat);
    this.injectors = inject.map(createFormat);
    this.fieldNames = [...new Set(this.injectors.flatMap((format) => format.fields()))];
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    for (const format of this.injectors) {
      try {
        format.inject(context, carrier, setter);
      } catch (error) {
        reportAgentError('trace context injection', error);
      }
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let result = context;
    for (const format of this.extractors) {
      try {
        result = format.extract(result, carrier, getter);
      } catch {
        // Malformed input from the wire: this format contributes nothing and the trace starts fresh.
      }
    }
    return result;
  }

  fields(): string[] {
    return this.fieldNames;
  }
}

/** For OTEL_PROPAGATORS=none. */
export const noPropagation: TextMapPropagator = {
  inject() {},
  extract: (context) => context,
  fields: () => [],
};

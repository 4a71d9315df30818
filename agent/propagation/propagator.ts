/**
 * The one propagator every instrumentation uses. It reads every format hoptrace knows, whatever
 * OTEL_PROPAGATORS says, so a trace started by any peer continues; it writes only the formats
 * configured. When several formats arrive, W3C wins over Jaeger, Jaeger over B3.
 */
import { type Context, type SpanContext, type TextMapGetter, type TextMapPropagator, type TextMapSetter, isSpanContextValid, trace } from '@opentelemetry/api';
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
 * Highest precedence first; once a format yields a valid span context the later ones are not
 * asked for one (every message hoptrace writes carries both W3C and Jaeger headers, so this halves
 * the parsing on the hot path). Baggage is read from every format: W3C baggage first, because it
 * replaces baggage wholesale; Jaeger's `uberctx-*` entries are then added where W3C did not name
 * the key.
 */
const CONTEXT_ORDER: readonly PropagatorName[] = ['tracecontext', 'jaeger', 'b3'];

export class HoptracePropagator implements TextMapPropagator {
  private readonly contextExtractors: readonly TextMapPropagator[] = CONTEXT_ORDER.map(createFormat);
  private readonly w3cBaggage = new W3CBaggagePropagator();
  private readonly jaegerBaggage = new JaegerPropagator();
  private readonly injectors: readonly TextMapPropagator[];
  private readonly fieldNames: string[];

  constructor(inject: readonly PropagatorName[]) {
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
    // Malformed input from the wire: the format that chokes contributes nothing, the trace starts fresh.
    let result = context;
    try {
      result = this.w3cBaggage.extract(result, carrier, getter);
    } catch {}
    try {
      result = this.jaegerBaggage.extractBaggage(result, carrier, getter);
    } catch {}
    for (const format of this.contextExtractors) {
      try {
        const extracted = format.extract(result, carrier, getter);
        const spanContext = extracted !== result ? trace.getSpanContext(extracted) : undefined;
        if (spanContext && isSpanContextValid(spanContext)) return withLowerCaseIds(extracted, spanContext);
      } catch {}
    }
    return result;
  }

  fields(): string[] {
    return this.fieldNames;
  }
}

const UPPER_HEX = /[A-F]/;

/**
 * B3 readers accept ids in upper case; every W3C reader (hoptrace's among them) refuses them. Ids
 * are passed on in lower case, so that the trace survives the next hop.
 */
function withLowerCaseIds(extracted: Context, spanContext: SpanContext): Context {
  if (!UPPER_HEX.test(spanContext.traceId) && !UPPER_HEX.test(spanContext.spanId)) return extracted;
  return trace.setSpanContext(extracted, { ...spanContext, traceId: spanContext.traceId.toLowerCase(), spanId: spanContext.spanId.toLowerCase() });
}

/** For OTEL_PROPAGATORS=none. */
export const noPropagation: TextMapPropagator = {
  inject() {},
  extract: (context) => context,
  fields: () => [],
};

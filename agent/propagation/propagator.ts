/**
 * The one propagator every instrumentation uses. It reads every format hoptrace knows, whatever
 * OTEL_PROPAGATORS says, so a trace started by any peer continues; it writes only the formats
 * configured. When several formats arrive, the newest hop wins (newest-context.ts): W3C over
 * Jaeger over B3 unless the headers show that a later hop updated only Jaeger's.
 */
import {
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  isSpanContextValid,
  propagation,
  trace,
} from '@opentelemetry/api';
import { TraceState, W3CBaggagePropagator, W3CTraceContextPropagator, isTracingSuppressed } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import type { PropagatorName } from '../config/types';
import { reportAgentError } from '../log';
// hoptrace's own spans, whose ids are valid by construction: their hops are written directly.
import { HoptraceSpan } from '../tracing/span';
import { CheckedSpanContext } from '../tracing/span-context';
import { UnsampledSpan } from '../tracing/unsampled-span';
import { MAX_VALUES_PER_HEADER, type MultiValueGetter, anyCaseHeaderGetter, incomingHttpHeaderGetter, recordSetter } from './carriers';
import { b3BoundedGetter } from './b3-bounds';
import { JaegerPropagator, MAX_BAGGAGE_LENGTH, parseUberTraceId } from './jaeger';
import { type HopContext, newestContext } from './newest-context';
import { extractOwnHop } from './own-hop';
import { parseTraceparent } from './w3c';

/** The formats writeOwnHop writes itself. */
const OWN_HOP_FORMATS = ['tracecontext', 'jaeger', 'baggage'] as const satisfies readonly PropagatorName[];

function isOwnHopFormat(name: PropagatorName): boolean {
  return (OWN_HOP_FORMATS as readonly PropagatorName[]).includes(name);
}

function createFormat(name: PropagatorName, jaegerBaggage = true): TextMapPropagator {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new W3CBaggagePropagator();
    case 'jaeger':
      return new JaegerPropagator({ writeBaggage: jaegerBaggage });
    case 'b3':
      return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
    case 'b3multi':
      return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
  }
}

/**
 * Baggage is read from every format: W3C baggage first, because it replaces baggage wholesale;
 * Jaeger's `uberctx-*` entries are then added where W3C did not name the key. The span context:
 * W3C and Jaeger by the newest-hop rule; B3 only when neither has a valid one. A Jaeger value is
 * parsed only when needed: when there is no valid W3C one, or when Jaeger has history (several
 * values) that may show a later hop. Every message hoptrace writes has one of each, so its own
 * hops parse one `traceparent`.
 */
export class HoptracePropagator implements TextMapPropagator {
  private readonly b3 = createFormat('b3');
  private readonly w3cBaggage = new W3CBaggagePropagator();
  private readonly jaegerBaggage = new JaegerPropagator();
  private readonly injectors: readonly TextMapPropagator[];
  private readonly fieldNames: string[];
  /** The formats to write, when every one is a format `writeOwnHop` writes itself; else undefined. */
  private readonly ownHopFormats: readonly PropagatorName[] | undefined;

  /** `jaegerBaggage`: false leaves baggage out of the `uberctx-*` headers (HOPTRACE_JAEGER_BAGGAGE). */
  constructor(inject: readonly PropagatorName[], { jaegerBaggage = true } = {}) {
    // W3C baggage before Jaeger's: the `uberctx-*` headers get what `baggage` left of the budget.
    const order = (name: PropagatorName) => (name === 'jaeger' && inject.includes('baggage') ? inject.indexOf('baggage') + 0.5 : inject.indexOf(name));
    this.injectors = [...inject].sort((a, b) => order(a) - order(b)).map((name) => createFormat(name, jaegerBaggage));
    this.fieldNames = [...new Set(this.injectors.flatMap((format) => format.fields()))];
    // As the literals writeOwnHop compares them with: a name read from the environment is a string
    // V8 has not internalized, and comparing it on every hop was a call each time.
    this.ownHopFormats = inject.every(isOwnHopFormat) ? inject.map((name) => OWN_HOP_FORMATS.find((known) => known === name)!) : undefined;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (this.ownHopFormats) {
      try {
        if (writeOwnHop(this.ownHopFormats, context, carrier, setter)) return;
      } catch (error) {
        reportAgentError('trace context injection', error);
        return;
      }
    }
    let w3cBaggageLength = 0;
    for (const format of this.injectors) {
      try {
        if (format instanceof W3CBaggagePropagator) w3cBaggageLength = injectMeasured(format, context, carrier, setter);
        else if (format instanceof JaegerPropagator) format.inject(context, carrier, setter, MAX_BAGGAGE_LENGTH - w3cBaggageLength);
        else format.inject(context, carrier, setter);
      } catch (error) {
        reportAgentError('trace context injection', error);
      }
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    // Malformed input from the wire: the format that chokes contributes nothing, the trace starts fresh.
    if (getter === anyCaseHeaderGetter || getter === incomingHttpHeaderGetter) {
      try {
        const own = extractOwnHop(context, carrier, getter === incomingHttpHeaderGetter);
        if (own !== undefined) return own;
      } catch {}
    }
    let result = context;
    try {
      result = this.w3cBaggage.extract(result, carrier, getter);
    } catch {}
    try {
      result = this.jaegerBaggage.extractBaggage(result, carrier, getter);
    } catch {}
    try {
      const hop = readNewestHop(carrier, getter);
      if (hop) {
        const traceState = hop.format === 'w3c' ? readTraceState(carrier, getter) : undefined;
        const flags = hop.context.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE;
        return trace.setSpanContext(result, new CheckedSpanContext(hop.context.traceId, hop.context.spanId, flags, traceState, true));
      }
    } catch {}
    try {
      // Most carriers have no B3 header: the B3 reader (several lookups and objects) is not run for them.
      if (!mayHaveB3(carrier, getter)) return result;
      const extracted = this.b3.extract(result, carrier, b3BoundedGetter(getter));
      const spanContext = extracted !== result ? trace.getSpanContext(extracted) : undefined;
      if (spanContext && isSpanContextValid(spanContext)) return withLowerCaseIds(extracted, spanContext);
    } catch {}
    return result;
  }

  fields(): string[] {
    return this.fieldNames;
  }
}

/**
 * The common hop, written directly: a span of hoptrace's own (ids valid by construction, so not
 * checked again), no baggage, tracing not suppressed. The same headers, in the same order, as the
 * formats' own writers give; false when the hop is anything else, for them to write.
 */
function writeOwnHop(formats: readonly PropagatorName[], context: Context, carrier: unknown, setter: TextMapSetter): boolean {
  const span = trace.getSpan(context);
  if (!(span instanceof HoptraceSpan || span instanceof UnsampledSpan) || propagation.getBaggage(context) !== undefined || isTracingSuppressed(context)) return false;
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  const flags = (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00';
  // Into a plain record (Kafka headers), by name: a store through the setter takes its key as a
  // value, which V8 looks up at every call (a microbenchmark on Node 26: two headers 45-61 ns
  // through the setter, 21 by name).
  const record = setter === recordSetter ? (carrier as OwnHeaders) : undefined;
  for (let i = 0; i < formats.length; i++) {
    const format = formats[i];
    if (format === 'tracecontext') {
      const traceparent = `00-${traceId}-${spanId}-${flags}`;
      if (record) record.traceparent = traceparent;
      else setter.set(carrier, TRACEPARENT_HEADER, traceparent);
      if (traceState) setter.set(carrier, TRACESTATE_HEADER, traceState.serialize());
    } else if (format === 'jaeger') {
      const uberTraceId = `${traceId}:${spanId}:0:${flags}`;
      if (record) record['uber-trace-id'] = uberTraceId;
      else setter.set(carrier, JAEGER_HEADER, uberTraceId);
    }
  }
  return true;
}

/** The headers writeOwnHop writes by name (the names TRACEPARENT_HEADER and JAEGER_HEADER hold). */
interface OwnHeaders {
  traceparent: string;
  'uber-trace-id': string;
}

/** Every value of a header, oldest first; from any getter, ours (getAll) or the OpenTelemetry API's. */
function valuesOf(carrier: unknown, getter: TextMapGetter, key: string): string[] {
  const multi = getter as Partial<MultiValueGetter<unknown>>;
  if (typeof multi.getAll === 'function') return multi.getAll(carrier, key);
  const value = getter.get(carrier, key);
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(-MAX_VALUES_PER_HEADER) : [];
}

function parseAll(values: readonly string[], parse: (value: string) => HopContext | undefined): HopContext[] {
  const parsed: HopContext[] = [];
  for (const value of values) {
    const context = parse(value);
    if (context) parsed.push(context);
  }
  return parsed;
}

function readNewestHop(carrier: unknown, getter: TextMapGetter): ReturnType<typeof newestContext> {
  const w3c = parseAll(valuesOf(carrier, getter, TRACEPARENT_HEADER), parseTraceparent);
  // No Jaeger history to consult: a valid W3C context stands as it is, and Jaeger's one value
  // (hoptrace writes both on every hop) is not even decoded.
  if (w3c.length > 0 && presenceOf(carrier, getter, JAEGER_HEADER) !== 'several') return newestContext(w3c, []);
  return newestContext(w3c, parseAll(valuesOf(carrier, getter, JAEGER_HEADER), parseUberTraceId));
}

function presenceOf(carrier: unknown, getter: TextMapGetter, key: string): 'none' | 'one' | 'several' {
  const multi = getter as Partial<MultiValueGetter<unknown>>;
  if (typeof multi.presence === 'function') return multi.presence(carrier, key);
  const count = valuesOf(carrier, getter, key).length;
  return count === 0 ? 'none' : count === 1 ? 'one' : 'several';
}

/** Writes with `format` and returns how many bytes its headers took, names included. */
function injectMeasured(format: TextMapPropagator, context: Context, carrier: unknown, setter: TextMapSetter): number {
  let length = 0;
  format.inject(context, carrier, {
    set(target, key, value) {
      length += key.length + value.length;
      setter.set(target, key, value);
    },
  });
  return length;
}

/** The headers the B3 reader looks at first (single and multi-header forms); any other B3 header needs one of them. */
function mayHaveB3(carrier: unknown, getter: TextMapGetter): boolean {
  return presenceOf(carrier, getter, 'b3') !== 'none' || presenceOf(carrier, getter, 'x-b3-traceid') !== 'none';
}

function readTraceState(carrier: unknown, getter: TextMapGetter): TraceState | undefined {
  const header = getter.get(carrier, TRACESTATE_HEADER);
  const value = Array.isArray(header) ? header.join(',') : header;
  return typeof value === 'string' && value !== '' ? new TraceState(value) : undefined;
}

const TRACEPARENT_HEADER = 'traceparent';
const TRACESTATE_HEADER = 'tracestate';
const JAEGER_HEADER = 'uber-trace-id';
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

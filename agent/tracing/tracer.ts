/**
 * The tracer behind hoptrace's own instrumentations: same sampler, resource, span processor and id
 * format as the SDK provider that serves the app's own API calls, but starting HoptraceSpans (see
 * span.ts for why).
 *
 * It keeps the Tracer contract: `root`, `kind`, `links` (invalid ones dropped, as the span's
 * addLink does), `startTime` (HrTime, Date, epoch or performance milliseconds) and `attributes`.
 * One difference, on purpose: the attributes object is taken over as it is, not copied and
 * checked, since only hoptrace's instrumentations reach this tracer (through TracerResolver) and
 * they build it valid for this one span.
 *
 * The sampler is asked before any attribute is built (`startSpanWith`): the samplers a service
 * can have (sampler.ts) decide on the trace id, the parent and the rate alone, never on
 * attributes, so a hop that is not recorded builds none. Such a hop gets an UnsampledSpan.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import {
  type Attributes,
  type AttributeValue,
  type Context,
  type Link,
  type Span,
  type SpanOptions,
  type Tracer,
  INVALID_SPAN_CONTEXT,
  SamplingDecision,
  SpanKind,
  TraceFlags,
  context as contextApi,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { ReadableSpan, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { ClockReading } from './clock';
import { HoptraceSpan, type SpanFactoryShared } from './span';
import { CheckedSpanContext, ParsedSpanContext, isValidSpanContext } from './span-context';
import { UnsampledSpan } from './unsampled-span';

/**
 * A new span's own attributes (an object the span then owns) from what the instrumentation saw,
 * beside the template the span has (if any); called only for a span that is recorded.
 */
export type AttributeRecipe<Input> = (input: Input, template: Attributes | undefined) => Attributes;

/**
 * A destination's shared template (see HoptraceSpan), or, where which destination it is takes
 * reading the input (an HTTP server's address and method), how to find it: called only for a span
 * that is recorded, after the sampler. Undefined: no template, the recipe's attributes are all.
 */
export type SpanTemplate<Input> = Attributes | ((input: Input) => Attributes | undefined);

const NO_ATTRIBUTES: Attributes = Object.freeze({}) as Attributes;
const NO_LINKS: Link[] = Object.freeze([]) as unknown as Link[];

export interface TracerSetup {
  readonly resource: ReadableSpan['resource'];
  readonly sampler: Sampler;
  readonly processor: SpanProcessor;
}

export class HoptraceTracer implements Tracer {
  private readonly shared: SpanFactoryShared;

  constructor(
    private readonly setup: TracerSetup,
    name: string,
    version: string,
  ) {
    this.shared = { resource: setup.resource, scope: { name, version }, processor: setup.processor };
  }

  startSpan(name: string, options: SpanOptions = {}, parentContext: Context = contextApi.active()): Span {
    const given = options.attributes;
    const span = this.begin(name, options.kind ?? SpanKind.INTERNAL, options.root ? trace.deleteSpan(parentContext) : parentContext, options.links, options.startTime, given ?? NO_ATTRIBUTES, noAttributes, undefined);
    // The caller's object is theirs: copied, and checked as every attribute set through the API
    // is (what is not a valid attribute is left out; past the limit, counted as dropped).
    if (given !== undefined) span.setAttributes(given);
    return span;
  }

  /**
   * A span whose own attributes `recipe(input)` makes, only if the span is recorded, beside the
   * destination's shared `template` (see HoptraceSpan).
   */
  startSpanWith<Input>(
    name: string,
    kind: SpanKind,
    parentContext: Context,
    recipe: AttributeRecipe<Input>,
    input: Input,
    links?: Link[],
    template?: SpanTemplate<Input>,
    startedAt?: ClockReading,
  ): Span {
    return this.begin(name, kind, parentContext, links, startedAt, NO_ATTRIBUTES, recipe, input, template);
  }

  private begin<Input>(
    name: string,
    kind: SpanKind,
    ctx: Context,
    links: Link[] | undefined,
    startTime: SpanOptions['startTime'] | ClockReading,
    /** What the sampler is shown: startSpan's attributes; none for startSpanWith (our samplers never look). */
    forSampler: Attributes,
    recipe: AttributeRecipe<Input>,
    input: Input,
    template?: SpanTemplate<Input>,
  ): Span {
    if (isTracingSuppressed(ctx)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parentSpan = trace.getSpan(ctx);
    const parent = parentSpan?.spanContext();
    const validParent = parent && isValidSpanContext(parent) ? parent : undefined;
    const traceId = validParent ? validParent.traceId : randomHex(16);
    // Where a drawn id's bytes are (span.ts): the pool it came from is never written again.
    const traceIdPool = validParent ? undefined : poolWords;
    const traceIdAt = drawnAt;
    const sampling = this.setup.sampler.shouldSample(ctx, traceId, name, kind, forSampler, links ?? NO_LINKS);
    const spanId = randomHex(8);
    const spanIdPool = poolWords;
    const spanIdAt = drawnAt;
    const traceFlags = sampling.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE;
    const traceState = sampling.traceState ?? validParent?.traceState;
    // Which service it belongs to still decides where the spans under it belong (service-map-resolver.ts).
    if (sampling.decision === SamplingDecision.NOT_RECORD) return new UnsampledSpan(traceId, spanId, traceFlags, traceState, this.setup.resource);
    const spanContext = new CheckedSpanContext(traceId, spanId, traceFlags, traceState, undefined);
    const destinationTemplate = typeof template === 'function' ? template(input) : template;
    const attributes = recipe(input, destinationTemplate);
    if (sampling.attributes) Object.assign(attributes, sampling.attributes);
    const span = new HoptraceSpan(this.shared, spanContext, name, kind, validParent, attributes, links, startTime, destinationTemplate);
    span.spanIdWords = spanIdPool;
    span.spanIdAt = spanIdAt;
    if (traceIdPool !== undefined) {
      span.traceIdWords = traceIdPool;
      span.traceIdAt = traceIdAt;
    } else if (parentSpan instanceof HoptraceSpan) {
      // The parent's, where it has them (drawn, or read from a header: see below).
      span.traceIdWords = parentSpan.traceIdWords;
      span.traceIdAt = parentSpan.traceIdAt;
      span.parentIdWords = parentSpan.spanIdWords;
      span.parentIdAt = parentSpan.spanIdAt;
    } else if (validParent instanceof ParsedSpanContext) {
      // A parent from a header whose ids the parser decoded (w3c.ts).
      span.traceIdWords = validParent.idWords;
      span.traceIdAt = validParent.idAt;
      span.parentIdWords = validParent.idWords;
      span.parentIdAt = validParent.idAt + 4;
    }
    this.setup.processor.onStart(span as never, ctx);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    const [options, parentContext] = rest as [SpanOptions | undefined, Context | undefined];
    const ctx = parentContext ?? contextApi.active();
    const span = this.startSpan(name, options, ctx);
    return contextApi.with(trace.setSpan(ctx, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

/**
 * The recipe of a span that starts with no attributes of its own: startSpan's (the options' come
 * through setAttributes) and those whose attributes are all in their template (handler spans).
 */
export function noAttributes(): Attributes {
  return {};
}

// Random ids from a pool of random bytes, never all zeros. Filled 4 KiB at a time by the system's
// generator: Math.random() (the SDK's way) made a heap number per 4 bytes of id. A new pool each
// time, never one written over: a recorded span points into the pool its ids came from (span.ts),
// and the encoder copies them from there.
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
/** The pool as 32-bit words, as the encoder copies ids (each begins on a word: ids are 8 or 16 bytes from the pool's start). */
let poolWords: Uint32Array = new Uint32Array(0);
let poolOffset = POOL_SIZE;
/**
 * The pool is made hex a chunk at a time, and an id is a slice of the chunk's text. V8 makes a
 * slice of 13 characters or more a view onto the text, not a copy: no per-id crossing into C++
 * (Buffer#toString('hex')), no per-id string building (measured on Node 24, a trace id, a span id
 * and the traceparent made from them: 121 ns against 185 for ids built from character codes, 260
 * for toString('hex')). The text is the young generation's to carry: the current one, and any
 * that an id still in use points into, survive each collection. Made for the whole pool at once
 * (8 KiB) it was about half of what hoptrace added to the bytes surviving each collection of a
 * busy express app (bench/MEMORY.md); a chunk of 512 bytes makes 1 KiB of text (~3 ns an id more
 * than the whole pool's: one call into C++ per ~40 ids instead of per ~300).
 */
const HEX_CHUNK = 512;
let chunkHex = '';
let chunkOffset = HEX_CHUNK;
/** Where in the pool the chunk's bytes begin; which word of it the last id drawn begins at. */
let chunkBase = 0;
let drawnAt = 0;
const ZERO_SPAN_ID = '0'.repeat(16);
const ZERO_TRACE_ID = '0'.repeat(32);

/** 8 or 16 random bytes as hex. */
function randomHex(bytes: 8 | 16): string {
  if (chunkOffset + bytes > HEX_CHUNK) nextHexChunk();
  const start = chunkOffset;
  chunkOffset += bytes;
  const id = chunkHex.slice(start * 2, chunkOffset * 2);
  drawnAt = (chunkBase + start) >> 2;
  // All zeros is the invalid id (a chance of 2^-64 or less): draw again. An id whose first digit
  // is not 0 (fifteen in sixteen) is settled without comparing text: V8 compares a slice with
  // another string in C++ (a microbenchmark on Node 26: 41-74 ns an id comparing, 27 looking at
  // the first digit).
  return id.charCodeAt(0) !== 48 || (id !== ZERO_SPAN_ID && id !== ZERO_TRACE_ID) ? id : randomHex(bytes);
}

/**
 * The system's generator, loaded when first needed (node:crypto adds to every start). Held once
 * loaded: a require() in an app under hoptrace goes through its module hooks, and one per refill
 * cost ~20,000 instructions, ~300 a message in eachBatch's batches of one (callgrind, Node 24).
 */
let nodeCrypto: typeof import('node:crypto') | undefined;

function nextHexChunk(): void {
  if (poolOffset + HEX_CHUNK > POOL_SIZE) {
    pool = Buffer.allocUnsafeSlow(POOL_SIZE);
    poolWords = new Uint32Array(pool.buffer, pool.byteOffset, POOL_SIZE / 4);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (nodeCrypto ??= require('node:crypto') as typeof import('node:crypto')).randomFillSync(pool);
    poolOffset = 0;
  }
  chunkHex = pool.toString('hex', poolOffset, poolOffset + HEX_CHUNK);
  chunkBase = poolOffset;
  poolOffset += HEX_CHUNK;
  chunkOffset = 0;
}

/**
 * How instrumentations start a span: lazily on hoptrace's tracer, and on any other (a provider of
 * the user's own, HOPTRACE_TRACER_PROVIDER) with the attributes built first, as its API wants them.
 */
export function startSpanWith<Input>(
  tracer: Tracer,
  name: string,
  kind: SpanKind,
  parentContext: Context,
  recipe: AttributeRecipe<Input>,
  input: Input,
  links?: Link[],
  template?: SpanTemplate<Input>,
  /** A reading of the clocks to start at, shared with spans that started at the same moment (clock.ts); now when undefined. */
  startedAt?: ClockReading,
): Span {
  if (tracer instanceof HoptraceTracer) return tracer.startSpanWith(name, kind, parentContext, recipe, input, links, template, startedAt);
  const destinationTemplate = typeof template === 'function' ? template(input) : template;
  const attributes = recipe(input, destinationTemplate);
  return tracer.startSpan(name, { kind, attributes: destinationTemplate ? { ...destinationTemplate, ...attributes } : attributes, links }, parentContext);
}

/**
 * The reading of the clocks a span started at, when hoptrace records it: for the spans that start
 * at the same moment after it (clock.ts).
 */
export function startReadingOf(span: Span): ClockReading | undefined {
  return span instanceof HoptraceSpan && span.isRecording() ? span.startReading() : undefined;
}

/**
 * Ends `span` now; for hoptrace's own, writes the moment it ended at into `into` and returns it,
 * for a span that starts as it ends (HoptraceSpan.endInto); undefined for another tracer's.
 */
export function endInto(span: Span, into: ClockReading): ClockReading | undefined {
  if (span instanceof HoptraceSpan) return span.endInto(into);
  span.end();
  return undefined;
}

/** Sets an attribute hoptrace made: on its own span without the checks the app's go through (HoptraceSpan.setMadeAttribute). */
export function setMadeAttribute(span: Span, key: string, value: AttributeValue): void {
  if (span instanceof HoptraceSpan) span.setMadeAttribute(key, value);
  else span.setAttribute(key, value);
}

/** Ends `span`; at `reading` when it is hoptrace's own (a reading the moment's other spans share), now when it is another tracer's. */
export function endSpanAt(span: Span, reading: ClockReading): void {
  if (span instanceof HoptraceSpan) span.endAt(reading);
  else span.end();
}

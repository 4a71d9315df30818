/**
 * The span hoptrace's own instrumentations record: the OpenTelemetry API's Span for whoever holds
 * it (the app can reach it as the active span), and the SDK's ReadableSpan for processors and
 * exporters.
 *
 * Why not the SDK's span: on every request or message it copied and validated the attributes
 * three times (twice in the tracer, once per setAttribute) and built several objects besides; its
 * cost was most of what a span cost. Attributes that hoptrace builds are taken as they are, since
 * hoptrace builds them valid; what the app adds through the API is checked as the SDK would (a
 * valid key and value, at most 128 attributes, events and links unless OpenTelemetry's limit
 * variables say otherwise: span-limits.ts).
 *
 * What every span of a destination shares is not copied into it: the attribute template (a
 * topic's client and operation) stays one frozen object, which the OTLP encoder writes from bytes
 * encoded once; events, links and status are shared empties until set (events, status and the
 * counts of what limits dropped in an object of their own, made for the few spans that have one).
 * Times are numbers; the ReadableSpan views (`attributes`, `startTime`, `endTime`, `duration`) are
 * made when asked, by exporters other than OTLP and by processors.
 */
import {
  type Attributes,
  type AttributeValue,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanStatus,
  type TimeInput,
  SpanStatusCode,
} from '@opentelemetry/api';
import { hrTimeDuration, isAttributeValue, isTimeInputHrTime } from '@opentelemetry/core';
import type { ReadableSpan, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-node';
import { ClockReading, explicitTime, nanosOf, secondsOf, wallClockNow, wallNowMs } from './clock';
import { exceptionAttributes } from './errors';
import { KEPT_SPAN_ID, KEPT_TRACE_ID, keepShape } from './kept-shapes';
import { CheckedSpanContext, isValidSpanContext } from './span-context';
import { spanLimits, truncatedValue } from './span-limits';

// Shared until a span has one of its own: most spans get no event, no link and no status, and a
// span's times are set once, at its end. Frozen, so that nobody writes into another span's.
const NO_EVENTS = Object.freeze([]) as unknown as TimedEvent[];
const NO_LINKS = Object.freeze([]) as unknown as Link[];
const NOT_ENDED = Object.freeze([0, 0]) as unknown as HrTime;
const NO_DURATION = Object.freeze([-1, -1]) as unknown as HrTime;
const STATUS_UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/**
 * What few spans have, apart from the span: events, a status, counts of what the limits dropped.
 * Made on a span's first write to one of them; until then every span points to NOTHING_RARE: four
 * fields fewer in every span, for the few with an error, an event or something dropped.
 */
class SpanRarities {
  events: TimedEvent[] = NO_EVENTS;
  status: SpanStatus = STATUS_UNSET;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
}
const NOTHING_RARE: Readonly<SpanRarities> = Object.freeze(new SpanRarities());

/**
 * Link lists that every span of a group is given (eachBatch: each message's link to its batch
 * span), made by `sharedLinks`: checked once, frozen, and kept by reference instead of copied
 * into each span; the OTLP encoder writes such a list from bytes it encoded once (wire-format.ts).
 */
const SHARED_LINK_LISTS = new WeakSet<readonly Link[]>();

/** `links` frozen and marked shared when every link is valid and has no attributes; otherwise as given (each span copies it). */
export function sharedLinks(links: Link[]): Link[] {
  if (!links.every((link) => link && link.attributes === undefined && link.context && isValidSpanContext(link.context))) return links;
  for (const link of links) Object.freeze(link);
  const frozen = Object.freeze(links);
  SHARED_LINK_LISTS.add(frozen);
  return frozen as Link[];
}

export function isSharedLinkList(links: readonly Link[]): boolean {
  return SHARED_LINK_LISTS.has(links);
}

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

/** What every span of one tracer shares. */
export interface SpanFactoryShared {
  readonly resource: Resource;
  readonly scope: Scope;
  readonly processor: SpanProcessor;
}

export class HoptraceSpan implements Span, ReadableSpan {
  // Every field `declare`d and assigned in the constructor, in this order (one shape for every
  // span), not declared as class fields: V8 defines each class field on every construction before
  // the constructor stores its value, which for a span was ten stores more (span-context.ts).
  declare private readonly shared: SpanFactoryShared;
  declare private readonly context: SpanContext;
  declare name: string;
  declare readonly kind: SpanKind;
  declare readonly parentSpanContext: SpanContext | undefined;
  /** Owned from here on: callers hand over an object they built for this span. */
  declare readonly ownAttributes: Attributes;
  /**
   * Attributes every span of one destination has (a topic's client and operation): shared and
   * frozen, never copied per span; the OTLP encoder writes them from bytes it encoded once.
   * Own attributes of the same key take precedence.
   */
  declare readonly template: Attributes | undefined;
  declare links: Link[];
  // Times as whole seconds and nanoseconds (clock.ts): the OTLP encoder reads them as they are,
  // and the HrTime arrays of the ReadableSpan contract are made only for whoever asks (other
  // exporters). Small integers, kept in the object itself: a floating-point field costs a box.
  declare startSeconds: number;
  declare startNanos: number;
  declare endSeconds: number;
  declare endNanos: number;
  declare ended: boolean;
  declare private rare: Readonly<SpanRarities>;
  /**
   * How many attributes the span has, or more: a key both own and the template's is counted
   * twice until a limit comes near (setAttribute), where it is counted exactly.
   */
  declare private attributeCount: number;
  /**
   * Where the ids' bytes are, as 32-bit words and the index of the first (pools never written
   * over: the tracer's random ids, tracer.ts; ids the parser decoded from a header, w3c.ts), for
   * the OTLP encoder to copy a word at a time instead of decoding the ids' hex text again through
   * Node's C++ decoder: the trace id (a root's own, or its parent's), the span id, the parent's
   * span id. Undefined where not known: the app's ids, ids of other formats.
   */
  declare traceIdWords: Uint32Array | undefined;
  declare traceIdAt: number;
  declare spanIdWords: Uint32Array | undefined;
  declare spanIdAt: number;
  declare parentIdWords: Uint32Array | undefined;
  declare parentIdAt: number;

  constructor(
    shared: SpanFactoryShared,
    context: SpanContext,
    name: string,
    kind: SpanKind,
    parentSpanContext: SpanContext | undefined,
    ownAttributes: Attributes,
    links: readonly Link[] | undefined,
    /** Given through the API, or a reading hoptrace shares between spans; now when undefined. */
    startTime?: TimeInput | ClockReading,
    template?: Attributes,
  ) {
    this.shared = shared;
    this.context = context;
    this.name = name;
    this.kind = kind;
    this.parentSpanContext = parentSpanContext;
    this.ownAttributes = ownAttributes;
    this.template = template;
    this.links = NO_LINKS;
    if (startTime === undefined) {
      const now = wallNowMs();
      this.startSeconds = secondsOf(now);
      this.startNanos = nanosOf(now);
    } else if (startTime instanceof ClockReading) {
      this.startSeconds = startTime.seconds;
      this.startNanos = startTime.nanos;
    } else {
      const given = explicitTime(startTime);
      this.startSeconds = given[0];
      this.startNanos = given[1];
    }
    this.endSeconds = 0;
    this.endNanos = 0;
    this.ended = false;
    this.rare = NOTHING_RARE;
    // Not whether an own key is one of the template's: a lookup in the template per own key, a
    // call V8 does not inline for keys that vary (~1,000 instructions a Kafka message's two spans,
    // callgrind, Node 24), for what is seldom so. The encoder tells (wire-format.ts), and the
    // count is made exact only when it nears a limit.
    let count = 0;
    for (const _ in ownAttributes) count++;
    if (template !== undefined) for (const _ in template) count++;
    this.attributeCount = count;
    this.traceIdWords = undefined;
    this.traceIdAt = 0;
    this.spanIdWords = undefined;
    this.spanIdAt = 0;
    this.parentIdWords = undefined;
    this.parentIdAt = 0;
    if (links) {
      if (Object.isFrozen(links) && links.length <= spanLimits.linkCount && SHARED_LINK_LISTS.has(links)) this.links = links as Link[];
      else this.addLinks(links as Link[]);
    }
  }

  /** The start as a reading, for spans that start at the same moment after this one (clock.ts). */
  startReading(): ClockReading {
    return new ClockReading(this.startSeconds, this.startNanos);
  }

  get events(): TimedEvent[] {
    return this.rare.events;
  }

  get status(): SpanStatus {
    return this.rare.status;
  }

  get droppedAttributesCount(): number {
    return this.rare.droppedAttributesCount;
  }

  get droppedEventsCount(): number {
    return this.rare.droppedEventsCount;
  }

  get droppedLinksCount(): number {
    return this.rare.droppedLinksCount;
  }

  /** This span's own rarities, to write into. */
  private rarities(): SpanRarities {
    if (this.rare === NOTHING_RARE) this.rare = new SpanRarities();
    return this.rare as SpanRarities;
  }

  get startTime(): HrTime {
    return [this.startSeconds, this.startNanos];
  }

  get endTime(): HrTime {
    return this.ended ? [this.endSeconds, this.endNanos] : NOT_ENDED;
  }

  get duration(): HrTime {
    return this.ended ? hrTimeDuration(this.startTime, this.endTime) : NO_DURATION;
  }

  /** Template and own attributes as one object (made when asked: exporters other than OTLP, processors). */
  get attributes(): Attributes {
    return this.template === undefined ? this.ownAttributes : { ...this.template, ...this.ownAttributes };
  }

  get resource(): Resource {
    return this.shared.resource;
  }

  get instrumentationScope(): Scope {
    return this.shared.scope;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    // `__proto__` can be no attribute of a plain object (the SDK's assignment sets no key), so it is
    // not one here either, and counts against no limit.
    if (this.ended || value === undefined || value === null || key.length === 0 || key === '__proto__' || !isAttributeValue(value)) return this;
    // A new key, unless it replaces one of the template's (counted already), counts against the limit.
    if (!Object.prototype.hasOwnProperty.call(this.ownAttributes, key) && !(this.template !== undefined && Object.prototype.hasOwnProperty.call(this.template, key))) {
      if (this.attributeCount >= spanLimits.attributeCount) this.attributeCount = this.distinctAttributeCount();
      if (this.attributeCount >= spanLimits.attributeCount) {
        this.rarities().droppedAttributesCount++;
        return this;
      }
      this.attributeCount++;
    }
    this.ownAttributes[key] = value;
    return this;
  }

  /**
   * setAttribute for an attribute hoptrace made (a key of its own, a value of a valid type),
   * without the checks the app's go through: validating the value and two key lookups, ~200
   * instructions a call (callgrind, Node 24; two a Kafka message sent, two an HTTP request). A
   * key set before, or one of the template's, is counted again: the count is made exact when
   * it nears the limit, and the encoder finds keys of the template's (wire-format.ts).
   */
  setMadeAttribute(key: string, value: AttributeValue): void {
    if (this.ended) return;
    if (this.attributeCount >= spanLimits.attributeCount) {
      this.setAttribute(key, value);
      return;
    }
    this.attributeCount++;
    this.ownAttributes[key] = value;
  }

  /** Own and template keys, each counted once. */
  private distinctAttributeCount(): number {
    const template = this.template;
    let count = 0;
    for (const key in this.ownAttributes) if (template === undefined || !Object.prototype.hasOwnProperty.call(template, key)) count++;
    if (template !== undefined) for (const _ in template) count++;
    return count;
  }

  /** OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, when set: every own attribute's text cut to it as the span ends. */
  private truncateValues(limit: number): void {
    const own = this.ownAttributes;
    for (const key in own) own[key] = truncatedValue(own[key], limit);
  }

  setAttributes(attributes: Attributes): this {
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const rare = this.rarities();
    if (rare.events === NO_EVENTS) rare.events = [];
    if (rare.events.length >= spanLimits.eventCount) {
      rare.events.shift();
      rare.droppedEventsCount++;
      if (spanLimits.eventCount === 0) return this;
    }
    const isTime = isTimeInputHrTime(attributesOrTime) || typeof attributesOrTime === 'number' || attributesOrTime instanceof Date;
    const given = isTime ? undefined : (attributesOrTime as Attributes | undefined);
    const { attributes, dropped } = given ? validAttributes(given, spanLimits.eventAttributeCount) : NONE_DROPPED;
    rare.events.push({ name, attributes, time: this.timeOf(isTime ? (attributesOrTime as TimeInput) : time), droppedAttributesCount: dropped });
    return this;
  }

  addLink(link: Link): this {
    // A link whose ids are not valid would reach the wire malformed; the API drops it.
    if (this.ended || !link || !link.context || !isValidSpanContext(link.context)) return this;
    if (this.links === NO_LINKS) this.links = [];
    // A shared list is frozen: the span's own starts as a copy of it. (Not slice(): a slice of a
    // frozen array keeps its frozen element kind, and every push then cost ~0.2 µs.)
    else if (Object.isFrozen(this.links)) this.links = [...this.links];
    if (this.links.length >= spanLimits.linkCount) this.rarities().droppedLinksCount++;
    else if (!link.attributes) this.links.push(link);
    else {
      const { attributes, dropped } = validAttributes(link.attributes, spanLimits.linkAttributeCount);
      this.links.push({ ...link, attributes, droppedAttributesCount: dropped });
    }
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended) return this;
    // As the SDK: OK is final, and UNSET never replaces anything.
    if (this.rare.status.code === SpanStatusCode.OK || status.code === SpanStatusCode.UNSET) return this;
    this.rarities().status = status.code === SpanStatusCode.ERROR && typeof status.message === 'string' ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  /** By hoptrace's one rule for errors (tracing/errors.ts), so an Error's exception.type is its error.type. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes = exceptionAttributes(exception);
    if (attributes['exception.type'] !== undefined || attributes['exception.message'] !== undefined) this.addEvent('exception', attributes, time);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    if (endTime !== undefined) {
      const given = explicitTime(endTime);
      this.finish(given[0], given[1]);
    } else {
      const now = wallNowMs();
      this.finish(secondsOf(now), nanosOf(now));
    }
  }

  /** Ends the span at a reading hoptrace took for several spans (clock.ts). */
  endAt(reading: ClockReading): void {
    if (!this.ended) this.finish(reading.seconds, reading.nanos);
  }

  /**
   * Ends the span now and writes the moment it ended at into `into`, for a span that starts as this
   * one ends (eachBatch's next message): the two then meet exactly. Undefined when it had ended already.
   */
  endInto(into: ClockReading): ClockReading | undefined {
    if (this.ended) return undefined;
    this.end();
    into.seconds = this.endSeconds;
    into.nanos = this.endNanos;
    return into;
  }

  private finish(seconds: number, nanos: number): void {
    // An end before the start (a clock that moved, an explicit time) ends at the start.
    if (seconds < this.startSeconds || (seconds === this.startSeconds && nanos < this.startNanos)) {
      seconds = this.startSeconds;
      nanos = this.startNanos;
    }
    this.endSeconds = seconds;
    this.endNanos = nanos;
    if (spanLimits.attributeValueLength !== Infinity) this.truncateValues(spanLimits.attributeValueLength);
    this.ended = true;
    this.shared.processor.onEnd(this);
  }

  /** An explicit time as given; else now. */
  private timeOf(input: TimeInput | undefined): HrTime {
    return input !== undefined ? explicitTime(input) : wallClockNow();
  }
}

/**
 * An event's or a link's attributes as the SDK keeps them: a copy (arrays too) of the own keys
 * whose key is not empty and whose value is an attribute value (null and undefined included, as
 * the API's check has it), at most `limit` (128 unless set), the rest counted as dropped.
 */
function validAttributes(attributes: Attributes, limit: number): { attributes: Attributes; dropped: number } {
  const valid: Attributes = {};
  let count = 0;
  let dropped = 0;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (key.length === 0 || key === '__proto__' || !isAttributeValue(value)) continue;
    if (count >= limit) {
      dropped++;
      continue;
    }
    count++;
    valid[key] = truncatedValue(Array.isArray(value) ? value.slice() : value, spanLimits.attributeValueLength);
  }
  return { attributes: valid, dropped };
}

const NONE_DROPPED: { attributes: Attributes; dropped: number } = Object.freeze({ attributes: Object.freeze({}) as Attributes, dropped: 0 });

// Made for every recorded span (kept-shapes.ts): one that is never ended, exported or handed out.
// What it would share with its tracer's spans is left out; no method of it is ever called.
keepShape(
  new HoptraceSpan(undefined as unknown as SpanFactoryShared, new CheckedSpanContext(KEPT_TRACE_ID, KEPT_SPAN_ID, 1, undefined, undefined), 'kept', SpanKind.INTERNAL, undefined, {}, undefined),
);

/**
 * The span hoptrace's own instrumentations record: the OpenTelemetry API's Span for whoever holds
 * it (the app can reach it as the active span), and the SDK's ReadableSpan for processors and
 * exporters.
 *
 * Why not the SDK's span: on every request or message it copied and validated the attributes
 * three times (twice in the tracer, once per setAttribute) and built several objects besides; its
 * cost was most of what a span cost. Attributes that hoptrace builds are taken as they are, since
 * hoptrace builds them valid; what the app adds through the API is checked as the SDK would (a
 * valid key and value, at most 128 attributes, events and links, the SDK's defaults).
 */
import {
  type Attributes,
  type AttributeValue,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
  SpanStatusCode,
  isSpanContextValid,
} from '@opentelemetry/api';
import { addHrTimes, hrTimeDuration, isAttributeValue, isTimeInputHrTime, millisToHrTime } from '@opentelemetry/core';
import type { ReadableSpan, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-node';

const COUNT_LIMIT = 128;

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

/** What every span of one tracer shares. */
export interface SpanFactoryShared {
  readonly resource: Resource;
  readonly scope: Scope;
  readonly processor: SpanProcessor;
}

export class HoptraceSpan implements Span, ReadableSpan {
  readonly links: Link[];
  readonly events: TimedEvent[] = [];
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private attributeCount: number;
  private readonly performanceStart: number;
  /** Given by the caller: later times then come from the wall clock, as the SDK does. */
  private readonly startTimeGiven: boolean;

  constructor(
    private readonly shared: SpanFactoryShared,
    private readonly context: SpanContext,
    public name: string,
    readonly kind: SpanKind,
    readonly parentSpanContext: SpanContext | undefined,
    /** Owned from here on: callers hand over an object they built for this span. */
    readonly attributes: Attributes,
    links: readonly Link[] | undefined,
    startTime?: TimeInput,
  ) {
    // Wall-clock start, and the monotonic clock for the duration (as the SDK does).
    this.startTimeGiven = startTime !== undefined;
    this.startTime = startTime === undefined ? millisToHrTime(Date.now()) : explicitTime(startTime);
    this.performanceStart = performance.now();
    let count = 0;
    for (const _ in attributes) count++;
    this.attributeCount = count;
    this.links = [];
    if (links) this.addLinks(links as Link[]);
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
    if (this.ended || value === undefined || value === null || key.length === 0 || !isAttributeValue(value)) return this;
    if (!Object.prototype.hasOwnProperty.call(this.attributes, key)) {
      if (this.attributeCount >= COUNT_LIMIT) {
        this.droppedAttributesCount++;
        return this;
      }
      this.attributeCount++;
    }
    this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    if (this.events.length >= COUNT_LIMIT) {
      this.events.shift();
      this.droppedEventsCount++;
    }
    const isTime = isTimeInputHrTime(attributesOrTime) || typeof attributesOrTime === 'number' || attributesOrTime instanceof Date;
    const attributes = isTime ? undefined : (attributesOrTime as Attributes | undefined);
    this.events.push({
      name,
      attributes: attributes ? validAttributes(attributes) : {},
      time: this.timeOf(isTime ? (attributesOrTime as TimeInput) : time),
      droppedAttributesCount: 0,
    });
    return this;
  }

  addLink(link: Link): this {
    // A link whose ids are not valid would reach the wire malformed; the API drops it.
    if (this.ended || !link || !isSpanContextValid(link.context)) return this;
    if (this.links.length >= COUNT_LIMIT) this.droppedLinksCount++;
    else this.links.push(link.attributes ? { ...link, attributes: validAttributes(link.attributes) } : link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended) return this;
    // As the SDK: OK is final, and UNSET never replaces anything.
    if (this.status.code === SpanStatusCode.OK || status.code === SpanStatusCode.UNSET) return this;
    this.status = status.code === SpanStatusCode.ERROR && typeof status.message === 'string' ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      const code = (exception as { code?: unknown }).code;
      if (code) attributes['exception.type'] = String(code);
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] !== undefined || attributes['exception.message'] !== undefined) this.addEvent('exception', attributes, time);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.endTime = this.timeOf(endTime);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      this.endTime = this.startTime;
      this.duration = [0, 0];
    }
    this.ended = true;
    this.shared.processor.onEnd(this);
  }

  /**
   * An explicit time as given; else now: the start time plus the monotonic time elapsed, or the
   * wall clock when the caller gave the start time (the two clocks then share no origin).
   */
  private timeOf(input: TimeInput | undefined): HrTime {
    if (input !== undefined) return explicitTime(input);
    if (this.startTimeGiven) return millisToHrTime(Date.now());
    return addHrTimes(this.startTime, millisToHrTime(performance.now() - this.performanceStart));
  }
}

function explicitTime(input: TimeInput): HrTime {
  if (isTimeInputHrTime(input)) return input as HrTime;
  if (input instanceof Date) return millisToHrTime(input.getTime());
  // A number below the process's uptime is a performance.now() reading, anything else epoch ms.
  return millisToHrTime(input <= performance.now() ? input + performance.timeOrigin : input);
}

function validAttributes(attributes: Attributes): Attributes {
  const valid: Attributes = {};
  let count = 0;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (key.length > 0 && value !== undefined && value !== null && isAttributeValue(value) && count++ < COUNT_LIMIT) valid[key] = value;
  }
  return valid;
}

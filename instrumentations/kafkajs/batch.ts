/**
 * eachBatch: a batch span (`process <topic>`, linking to every message's producer), and, while the
 * app works through batch.messages, the work for message i runs in a `process <topic>` span that
 * continues message i's own trace, so each message's downstream calls land in its producer's trace.
 *
 * The app's loop body is not ours to wrap, so hoptrace follows the iteration instead and switches
 * the active context as the app moves from one message to the next:
 *   - for…of and values(): the iterator hoptrace hands out moves to message i as it yields it;
 *   - forEach and map: each callback runs inside its message's context;
 *   - index loops (`for (let i = 0; i < batch.messages.length; i++)`): reading messages[i] right
 *     after `length`, in order from 0, moves to message i; reading `length` once the last message
 *     was reached, or any out-of-order access, returns to the batch span for good;
 *   - an iteration started inside another (nested loops over the messages): the work of both
 *     belongs to several messages at once, so it returns to the batch span for good.
 * A message's span ends when the next one starts, at resolveOffset() for it, or when the batch
 * ends. What the loop body does after resolveOffset() is still that message's work and stays in its
 * trace (under the ended span) until the loop moves on: one context switch per message, not two.
 * Anything else (filter, slice, reduce, find, …) works on the plain array and the work stays
 * on the batch span: never on a message it may not belong to.
 */
import { KAFKAJS_SWITCH } from './switch';
import { type Attributes, type Context, type Link, type Span, SpanKind, type Tracer, context, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { activeContext, enterContext, runInContext } from '../../agent/tracing/context-manager';
import { recordFailure } from '../../agent/tracing/errors';
import { sharedLinks } from '../../agent/tracing/span';
import { ClockReading } from '../../agent/tracing/clock';
import { KEPT_SPAN_ID, KEPT_TRACE_ID, keepShape } from '../../agent/tracing/kept-shapes';
import { UnsampledSpan } from '../../agent/tracing/unsampled-span';
import { endInto, startSpanWith } from '../../agent/tracing/tracer';
import { type ConsumerTracing, type ProcessContext, processSpanOf, startProcessSpan } from './consumer';
import type { TopicDestination } from './destinations';
import { extractMessageContext } from './headers';
import type { Batch, ConsumedMessage, ConsumerRunConfig, EachBatchPayload } from './internal-types';

/** Links on the batch span at most; a batch can hold thousands of messages. */
export const MAX_BATCH_LINKS = 128;

type EachBatch = NonNullable<ConsumerRunConfig['eachBatch']>;

export function traceEachBatch(tracing: ConsumerTracing, handler: EachBatch): EachBatch {
  // Not async itself: with tracing off (hoptrace/control), kafkajs gets the handler's own promise.
  return function eachBatch(this: unknown, payload: EachBatchPayload): Promise<void> {
    if (!KAFKAJS_SWITCH.on) return handler.call(this, payload);
    return traceBatch(tracing, handler, this, payload);
  };
}

/**
 * The handler run in the batch's context, the cursor finished when it settles. Not an async
 * function: its frame and its await cost more than this one `then` (measured on Node 24 over the
 * stub broker, batches of one message: 178 B less a batch with sampling off, 269 B at 100 %). The
 * handler's value or error passes on as it came, a synchronous throw included (kafkajs catches
 * it, so it is recorded here rather than left to observe-throw.ts, which would never see it).
 */
function traceBatch(tracing: ConsumerTracing, handler: EachBatch, self: unknown, payload: EachBatchPayload): Promise<void> {
  let cursor: MessageCursor | undefined;
  let traced: EachBatchPayload = payload;
  try {
    cursor = new MessageCursor(tracing, payload.batch);
    traced = { ...payload, batch: cursor.batchView(payload.batch), resolveOffset: cursor.resolveOffsetView(payload.resolveOffset) };
  } catch (error) {
    reportAgentError('kafkajs eachBatch', error);
  }
  if (!cursor) return handler.call(self, payload);
  const batch = cursor;
  let result: Promise<void>;
  try {
    result = runInContext(batch.batchContext, handler, self, traced);
  } catch (error) {
    batch.settle(true, error);
    throw error;
  }
  return Promise.resolve(result).then(
    (value) => {
      batch.settle(false, undefined);
      return value;
    },
    (error: unknown) => {
      batch.settle(true, error);
      throw error;
    },
  );
}

/** The batch span's own attributes (the rest is the topic's template). */
function batchAttributes(messageCount: number): Attributes {
  return { 'messaging.batch.message_count': messageCount };
}

/**
 * What a finished cursor holds instead of its per-message state. When the batch is over, the cursor
 * lets go of everything it kept per message (spans, contexts, the messages), and the views it
 * handed out fall back to the plain array: an app that keeps `batch.messages` keeps no spans, and
 * no young object stays reachable from a batch's objects once the batch is over. The second
 * matters for speed: V8 moves an allocation site's objects straight to the old generation once
 * most of them outlive a minor collection, and an old, dead cursor that still pointed at a batch's
 * messages and spans kept every one of them alive through each minor collection until the next
 * full one (measured on Node 20–26 with --trace-deopt and --trace-gc: the cursor's allocation
 * sites switched to "tenured", and with sampling off eachBatch over a stub broker spent three to
 * four times the floor's time in the scavenger, new space grown to its maximum).
 */
const RELEASED: never[] = Object.freeze([]) as unknown as never[];

class MessageCursor {
  readonly batchSpan: Span;
  readonly batchContext: Context;
  /** kafkajs's own array; RELEASED once the batch is over. */
  messages: ConsumedMessage[];
  private readonly destination: TopicDestination;
  /**
   * The link every message's span has to the batch span: one list, made shared (sharedLinks:
   * frozen, kept by every span as it is, encoded once) when the batch span is recorded or the first
   * message span is. Sharing costs ~0.5 µs (checks, freezing, a weak set), for nothing when no
   * message of the batch is recorded.
   */
  private batchLinks: Link[];
  private batchLinksShared = false;
  /** The process span of the message the loop is on (index `current`), as its context. */
  private currentProcess: ProcessContext | undefined;
  /**
   * A recorded message's span once the loop has left it, ended (so it records nothing more): work
   * that comes back to the message (a second loop) continues its trace. Nothing is kept for a message
   * whose span is not recorded (a later visit starts another, which nothing records either), so an
   * unsampled batch holds nothing for the messages it has left: what a batch keeps alive while the
   * app works through it is what V8 has to copy, or move to the old generation, at every minor
   * collection that falls inside the batch.
   */
  private visited: Array<ProcessContext | undefined> | undefined;
  /**
   * Each message's producer context, read from its headers when first needed (undefined: none
   * valid; null: not read, or let go once its span started). Kept only for a recorded batch span,
   * whose links read every message's first: otherwise each message's is read once, as it starts.
   */
  private producerContexts: Array<Context | undefined | null> | undefined;
  /** The batch is over: views read the plain array, nothing follows the app any more. */
  finished = false;
  private current = -1;
  /** Index access stops following once it saw anything but an in-order loop. */
  private indexAccessTrusted = true;
  /** Iterations (for…of, forEach, map) under way, and whether they are still followed. */
  private openIterations = 0;
  private iterationsFollowed = true;
  private lastRead: 'length' | 'other' = 'other';
  private readonly partition: number;
  /** When the message the loop left ended, for the next one's span to start at: one reading, written over from message to message; made for the first recorded one. */
  private handover: ClockReading | undefined;
  /** kafkajs's own array, which the views stand for: still there after the cursor let go of `messages`. */
  readonly raw: ConsumedMessage[];
  /** batch.messages as the app sees it, made when the app first reads it. */
  private messagesView: ConsumedMessage[] | undefined;
  /** The batch view's methods, bound to kafkajs's own object once per batch when first read. */
  private boundBatchMethods: Map<PropertyKey, unknown> | undefined;

  constructor(
    private readonly tracing: ConsumerTracing,
    batch: Batch,
  ) {
    this.partition = batch.partition;
    this.messages = this.raw = Array.isArray(batch.messages) ? batch.messages : [];
    this.destination = tracing.destinations.topic(batch.topic);
    const parent = activeContext();
    this.batchSpan = startSpanWith(
      this.destination.tracer(),
      this.destination.processName,
      SpanKind.CONSUMER,
      parent,
      batchAttributes,
      this.messages.length,
      undefined,
      this.destination.processTemplate(batch.partition),
    );
    // The links to every message's producer: only for a batch span that is recorded (a batch of
    // thousands would otherwise make as many objects for nothing).
    if (this.batchSpan.isRecording()) {
      this.producerContexts = new Array(this.messages.length).fill(null);
      let linked = 0;
      for (let i = 0; i < this.messages.length && linked < MAX_BATCH_LINKS; i++) {
        const producer = this.producerContextOf(i);
        if (!producer) continue;
        // Straight onto the span, not into a list first that the span would copy.
        this.batchSpan.addLink({ context: trace.getSpanContext(producer)! });
        linked++;
      }
    }
    this.batchContext = trace.setSpan(parent, this.batchSpan);
    this.batchLinks = [{ context: this.batchSpan.spanContext() }];
    if (this.batchSpan.isRecording()) this.shareBatchLinks();
  }

  /**
   * The batch as the app sees it: the same object but for `messages`. The cursor is the traps of
   * both views (`get`, below): two objects a batch fewer than traps of their own. So no other
   * method of the cursor may take a trap's name (has, set, ownKeys, apply, …): it would become one.
   */
  batchView(batch: Batch): Batch {
    return new Proxy(batch, this as ProxyHandler<Batch>);
  }

  /**
   * The one trap of both views: on the messages view (its target is kafkajs's array), what the
   * app reads moves the cursor; on the batch view, `messages` is the messages view, and methods run
   * against kafkajs's own object, not through the view (see "batch.messages as the app sees it" below).
   */
  get(target: object, property: PropertyKey): unknown {
    try {
      if (target === this.raw) return this.onMessagesRead(property);
      if (property === 'messages') return (this.messagesView ??= new Proxy(this.raw, this as ProxyHandler<ConsumedMessage[]>));
      return this.batchMethodOrValue(target as Batch, property);
    } catch (error) {
      reportAgentError('kafkajs eachBatch', error);
    }
    return propertyOf(target, property);
  }

  private onMessagesRead(property: PropertyKey): unknown {
    if (property === VIEW_CURSOR) return this;
    if (property === Symbol.iterator || property === 'values') return iterateView;
    if (property === 'forEach') return forEachView;
    if (property === 'map') return mapView;
    return this.onPropertyRead(this.raw, property);
  }

  private batchMethodOrValue(target: Batch, property: PropertyKey): unknown {
    const value = propertyOf(target, property);
    if (typeof value !== 'function') return value;
    const bound = (this.boundBatchMethods ??= new Map());
    let method = bound.get(property);
    if (method === undefined || (method as { original?: unknown }).original !== value) {
      method = Object.assign((value as (...a: unknown[]) => unknown).bind(target), { original: value });
      bound.set(property, method);
    }
    return method;
  }

  resolveOffsetView(resolveOffset: EachBatchPayload['resolveOffset']): EachBatchPayload['resolveOffset'] {
    const cursor = this;
    // confluent's takes a second argument (the leader epoch): every argument is passed on, as given.
    return function resolveOffsetTraced(this: unknown, offset: string, ...more: unknown[]) {
      try {
        if (cursor.current >= 0 && cursor.messages[cursor.current]?.offset === offset) cursor.endCurrent();
      } catch (error) {
        reportAgentError('kafkajs eachBatch', error);
      }
      // Every argument passed on as given, through a rest list rather than `arguments`: V8 made
      // the arguments object at every call even when only its length was read (56 B a call on
      // Node 24, measured over the stub broker; the empty rest list costs 24).
      return more.length === 0 ? resolveOffset.call(this, offset) : (resolveOffset as (...a: unknown[]) => void).call(this, offset, ...more);
    } as EachBatchPayload['resolveOffset'];
  }

  /**
   * The handler settled: its error, if it failed, recorded on the batch span and on the message it
   * was on; then every span ended and the batch let go. Never throws into the app.
   */
  settle(failed: boolean, error: unknown): void {
    try {
      if (failed) {
        recordFailure(this.batchSpan, error);
        const current = this.current >= 0 ? this.currentProcess : undefined;
        if (current) recordFailure(processSpanOf(current), error);
      }
      this.endCurrent();
      this.batchSpan.end();
      this.release();
    } catch (agentError) {
      reportAgentError('kafkajs eachBatch', agentError);
    }
  }

  /** Drops every per-message reference (see RELEASED); the cursor stays usable and inert. */
  private release(): void {
    this.finished = true;
    this.current = -1;
    this.currentProcess = undefined;
    this.indexAccessTrusted = false;
    this.iterationsFollowed = false;
    // Emptied as well as dropped: an array already moved to the old generation would otherwise
    // keep its entries alive through minor collections, whatever points at it.
    if (this.visited) this.visited.length = 0;
    if (this.producerContexts) this.producerContexts.length = 0;
    this.visited = undefined;
    this.producerContexts = undefined;
    this.batchLinks = RELEASED;
    this.messages = RELEASED;
  }

  /** A callback of forEach or map, run inside message i's context; one that throws leaves its message current, so the handler's error is recorded there. */
  each<T>(
    raw: ConsumedMessage[],
    walk: (step: (m: ConsumedMessage, i: number) => T) => T[] | void,
    callback: (m: ConsumedMessage, i: number, a: ConsumedMessage[]) => T,
    thisArg: unknown,
  ): T[] | void {
    if (this.finished) return walk((message, i) => callback.call(thisArg, message, i, raw));
    this.beginIteration();
    let result: T[] | void;
    try {
      result = walk((message, i) => this.runFor(i, () => callback.call(thisArg, message, i, raw)));
    } finally {
      this.endIteration();
    }
    this.leave();
    return result;
  }

  /**
   * The traps read kafkajs's objects with plain reads, which V8 caches, not Reflect.get with a
   * receiver, which goes through its generic lookup (callgrind, Node 24, sampling off, batches of
   * one: ~240 instructions a message less, ~60 a read). With the object itself as the receiver,
   * what they read is the same, getters included. Most of a trap's cost is V8's own and stays
   * (~530 instructions a trap, its invariant check included).
   */
  onPropertyRead(target: ConsumedMessage[], property: PropertyKey): unknown {
    if (this.finished) return propertyOf(target, property);
    if (property === 'length') {
      this.onLengthRead();
      return target.length;
    }
    if (typeof property === 'string' && /^\d+$/.test(property)) {
      this.onIndexRead(Number(property));
      return propertyOf(target, property);
    }
    this.lastRead = 'other';
    const value = propertyOf(target, property);
    if (typeof value === 'function') {
      // filter, slice, reduce, …: on the plain array, and the batch span from here on.
      this.abandonIndexFollowing();
      return (value as (...a: unknown[]) => unknown).bind(target);
    }
    return value;
  }

  private onLengthRead(): void {
    if (this.indexAccessTrusted && this.current === this.messages.length - 1 && this.current >= 0) this.leave();
    this.lastRead = 'length';
  }

  private onIndexRead(index: number): void {
    const afterLength = this.lastRead === 'length';
    this.lastRead = 'other';
    if (!this.indexAccessTrusted || index === this.current) return;
    if (afterLength && index === this.current + 1 && index < this.messages.length) this.moveTo(index);
    else this.abandonIndexFollowing();
  }

  private abandonIndexFollowing(): void {
    if (!this.indexAccessTrusted) return;
    this.indexAccessTrusted = false;
    this.leave();
  }

  private producerContextOf(index: number): Context | undefined {
    const kept = this.producerContexts;
    if (!kept) return extractMessageContext(this.messages[index]?.headers);
    let producer = kept[index];
    if (producer === null) producer = kept[index] = extractMessageContext(this.messages[index]?.headers);
    return producer;
  }

  /** The batch link list shared from here on, when the batch has several messages (a batch of one keeps its plain list). */
  private shareBatchLinks(): void {
    this.batchLinksShared = true;
    if (this.messages.length > 1) this.batchLinks = sharedLinks(this.batchLinks);
  }

  /** Message `index` made current: its span, started now unless a recorded one was kept from an earlier visit. */
  private enter(index: number): ProcessContext {
    // The message the loop leaves ends as the next one's span starts: one reading of the clocks.
    const leftAt = this.endCurrent(true);
    this.current = index;
    let processContext = this.visited?.[index];
    if (!processContext) {
      processContext = startProcessSpan(this.tracing, this.destination, this.partition, this.messages[index], this.producerContextOf(index), this.batchLinks, leftAt);
      if (!this.batchLinksShared && processSpanOf(processContext).isRecording()) this.shareBatchLinks();
      // Its context lives on in the span's own now; read again should the message come back.
      if (this.producerContexts) this.producerContexts[index] = null;
    }
    this.currentProcess = processContext;
    return processContext;
  }

  beginIteration(): void {
    this.openIterations++;
    if (this.openIterations > 1 && this.iterationsFollowed) {
      this.iterationsFollowed = false;
      this.leave();
    }
  }

  endIteration(): void {
    this.openIterations--;
  }

  moveTo(index: number): void {
    if (index === this.current || !this.iterationsFollowed) return;
    enterContext(this.enter(index));
  }

  leave(): void {
    if (this.current < 0 || this.finished) return;
    this.endCurrent();
    this.current = -1;
    this.currentProcess = undefined;
    enterContext(this.batchContext);
  }

  runFor<T>(index: number, work: () => T): T {
    if (!this.iterationsFollowed) return work();
    return context.with(this.enter(index), work);
  }

  /**
   * Ends the current message's span if it is recorded, and keeps it, ended, for a later visit (see
   * `visited`): its context as it is, the ended span in it. Wrapping its ids in a span and a context
   * of their own, so that the ended span could be let go before the batch ended, cost three objects
   * per recorded message (~110 B of the ~2.4 KB a traced message allocated on Node 24).
   * With `nextStartsNow` (the loop moves on to the next message), returns the moment it ended at
   * (the cursor's one handover reading), for the next message's span to start at.
   */
  private endCurrent(nextStartsNow = false): ClockReading | undefined {
    const processContext = this.current >= 0 ? this.currentProcess : undefined;
    const span = processContext && processSpanOf(processContext);
    if (!span || !span.isRecording()) return undefined;
    (this.visited ??= new Array(this.messages.length))[this.current] = processContext;
    if (nextStartsNow) return endInto(span, (this.handover ??= new ClockReading()));
    span.end();
    return undefined;
  }
}

/**
 * batch.messages as the app sees it (the cursor's `get` trap). Traps and iterators are small
 * classes rather than closures: a batch of one message used to cost several kilobytes of closures,
 * a generator and a bound method table before its message was touched.
 *
 * The iteration methods the view hands out are the module-level functions below, the same for
 * every batch, which find their batch through the view they are called on. No function is made per
 * batch and kept in the traps: when these traps kept a per-batch arrow function in a field (made
 * on first read), every batch's objects (kafkajs's messages, hoptrace's spans and contexts, the
 * producer's copies) stayed alive through each minor collection until the next full one. Measured
 * with --trace-gc on Node 24, sampling off, eachBatch over the stub broker: scavenges of 7-20 ms
 * with 20-55 MB surviving, against 0.4 ms and ~10 MB once no function was cached, and 2.9 → 2.2 µs
 * a message. Reproduced without hoptrace (a Proxy whose handler caches an arrow function in a
 * field); a fresh function per read, a bound function, or one kept in a nested object did not do
 * it.
 */
/** What a messages view answers for this key: its cursor, through which the shared methods find their batch. */
const VIEW_CURSOR = Symbol('hoptrace.kafkajs.messagesView');

/** The cursor behind `view`, or undefined when a method was taken off the view and called on something else. */
function cursorOf(view: unknown): MessageCursor | undefined {
  if (typeof view !== 'object' || view === null) return undefined;
  const cursor = (view as { [VIEW_CURSOR]?: unknown })[VIEW_CURSOR];
  return cursor instanceof MessageCursor ? cursor : undefined;
}

function iterateView(this: unknown): IterableIterator<ConsumedMessage> {
  const cursor = cursorOf(this);
  if (!cursor) return Array.prototype.values.call(this as ConsumedMessage[]);
  return new MessageIterator(cursor, cursor.raw);
}

function forEachView(this: unknown, callback: (m: ConsumedMessage, i: number, a: ConsumedMessage[]) => void, thisArg?: unknown): void {
  const cursor = cursorOf(this);
  if (!cursor) return Array.prototype.forEach.call(this as ConsumedMessage[], callback, thisArg);
  const raw = cursor.raw;
  cursor.each(raw, (step) => raw.forEach(step), callback, thisArg);
}

function mapView<T>(this: unknown, callback: (m: ConsumedMessage, i: number, a: ConsumedMessage[]) => T, thisArg?: unknown): T[] {
  const cursor = cursorOf(this);
  if (!cursor) return Array.prototype.map.call(this as ConsumedMessage[], callback, thisArg) as T[];
  const raw = cursor.raw;
  return cursor.each(raw, (step) => raw.map(step), callback, thisArg) as T[];
}

/** `target[property]`, typed: the object's own read, as the app's would be (see onPropertyRead). */
function propertyOf(target: object, property: PropertyKey): unknown {
  return (target as Record<PropertyKey, unknown>)[property];
}

const NOT_STARTED = 0;
const RUNNING = 1;
const DONE = 2;

/**
 * for…of and values(): moves the cursor to message i as it hands it out; once the loop is over,
 * broken out of or thrown out of (for…of calls return()), the work after it is the batch's again.
 */
class MessageIterator implements IterableIterator<ConsumedMessage> {
  private index = -1;
  private state: typeof NOT_STARTED | typeof RUNNING | typeof DONE = NOT_STARTED;

  constructor(
    private readonly cursor: MessageCursor,
    /** kafkajs's own array, which the view stands for: still there after the cursor let go. */
    private readonly raw: ConsumedMessage[],
  ) {}

  [Symbol.iterator](): MessageIterator {
    return this;
  }

  next(): IteratorResult<ConsumedMessage> {
    if (this.state === DONE) return { value: undefined, done: true };
    const cursor = this.cursor;
    const raw = this.raw;
    const index = ++this.index;
    try {
      if (this.state === NOT_STARTED) {
        this.state = RUNNING;
        cursor.beginIteration();
      }
      if (index < raw.length) cursor.moveTo(index);
      else this.finish();
    } catch (error) {
      reportAgentError('kafkajs eachBatch', error);
    }
    return index < raw.length ? { value: raw[index], done: false } : { value: undefined, done: true };
  }

  return(value?: unknown): IteratorResult<ConsumedMessage> {
    try {
      if (this.state === RUNNING) this.finish();
    } catch (error) {
      reportAgentError('kafkajs eachBatch', error);
    }
    this.state = DONE;
    return { value: value as ConsumedMessage, done: true };
  }

  private finish(): void {
    this.state = DONE;
    this.cursor.endIteration();
    this.cursor.leave();
  }
}

// Made for every batch and every loop over its messages (kept-shapes.ts).
keepShape(keptIterator());

/**
 * A cursor and its iterator as every batch makes them, for a batch of no messages, on a tracer
 * that hands back an unsampled span: nothing is recorded or sent, and no batch is held.
 */
function keptIterator(): MessageIterator {
  const span = new UnsampledSpan(KEPT_TRACE_ID, KEPT_SPAN_ID, 0, undefined, {});
  const tracer = { startSpan: () => span } as unknown as Tracer;
  const destination = { tracer: () => tracer, processName: 'kept', processTemplate: () => undefined };
  const tracing = { destinations: { topic: () => destination } } as unknown as ConsumerTracing;
  const cursor = new MessageCursor(tracing, { topic: 'kept', partition: 0, messages: [] } as unknown as Batch);
  return new MessageIterator(cursor, cursor.raw);
}

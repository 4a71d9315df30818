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
 * ends. Anything else (filter, slice, reduce, find, …) works on the plain array and the work stays
 * on the batch span: never on a message it may not belong to.
 */
import { type Attributes, type Context, type Link, type Span, SpanKind, context, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { activeContext, enterContext, runInContext } from '../../agent/tracing/context-manager';
import { recordFailure } from '../../agent/tracing/errors';
import { startSpanWith } from '../../agent/tracing/tracer';
import { type ConsumerTracing, type ProcessSpan, startProcessSpan } from './consumer';
import type { TopicDestination } from './destinations';
import { extractMessageContext } from './headers';
import type { Batch, ConsumedMessage, ConsumerRunConfig, EachBatchPayload } from './internal-types';

/** Links on the batch span at most; a batch can hold thousands of messages. */
export const MAX_BATCH_LINKS = 128;

type EachBatch = NonNullable<ConsumerRunConfig['eachBatch']>;

export function traceEachBatch(tracing: ConsumerTracing, handler: EachBatch): EachBatch {
  return async function eachBatch(this: unknown, payload: EachBatchPayload): Promise<void> {
    let cursor: MessageCursor | undefined;
    let traced: EachBatchPayload = payload;
    try {
      cursor = new MessageCursor(tracing, payload.batch);
      traced = { ...payload, batch: cursor.batchView(), resolveOffset: cursor.resolveOffsetView(payload.resolveOffset) };
    } catch (error) {
      reportAgentError('kafkajs eachBatch', error);
    }
    if (!cursor) return handler.call(this, payload);
    try {
      return await runInContext(cursor.batchContext, handler, this, traced);
    } catch (error) {
      recordFailure(cursor.batchSpan, error);
      cursor.recordErrorOnCurrent(error);
      throw error;
    } finally {
      cursor.finish();
    }
  };
}

/** The batch span's own attributes (the rest is the topic's template). */
function batchAttributes(messageCount: number): Attributes {
  return { 'messaging.batch.message_count': messageCount };
}

class MessageCursor {
  readonly batchSpan: Span;
  readonly batchContext: Context;
  private readonly messages: ConsumedMessage[];
  private readonly destination: TopicDestination;
  /** The link every message's span has to the batch span: one array, shared (spans copy links). */
  private readonly batchLinks: Link[];
  /** Each message's span once started, by index. */
  private readonly spans: Array<ProcessSpan | undefined>;
  /** Each message's producer context, read from its headers once (undefined: none valid; null: not read yet). */
  private readonly producerContexts: Array<Context | undefined | null>;
  private current = -1;
  /** Index access stops following once it saw anything but an in-order loop. */
  private indexAccessTrusted = true;
  /** Iterations (for…of, forEach, map) under way, and whether they are still followed. */
  private openIterations = 0;
  private iterationsFollowed = true;
  private lastRead: 'length' | 'other' = 'other';

  constructor(
    private readonly tracing: ConsumerTracing,
    private readonly batch: Batch,
  ) {
    this.messages = Array.isArray(batch.messages) ? batch.messages : [];
    this.destination = tracing.destinations.topic(batch.topic);
    this.producerContexts = new Array(this.messages.length).fill(null);
    this.spans = new Array(this.messages.length);
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
      const links: Link[] = [];
      for (let i = 0; i < this.messages.length && links.length < MAX_BATCH_LINKS; i++) {
        const producer = this.producerContextOf(i);
        if (producer) links.push({ context: trace.getSpanContext(producer)! });
      }
      this.batchSpan.addLinks(links);
    }
    this.batchContext = trace.setSpan(parent, this.batchSpan);
    this.batchLinks = [{ context: this.batchSpan.spanContext() }];
  }

  /** The batch as the app sees it: the same object but for `messages`. */
  batchView(): Batch {
    const messagesView = this.messagesView();
    // Batch methods run against kafkajs's own object, not through the view; each is bound once per
    // batch, when first read, not on every read.
    let bound: Map<PropertyKey, unknown> | undefined;
    return new Proxy(this.batch, {
      get: (target, property) => {
        if (property === 'messages') return messagesView;
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        bound ??= new Map();
        let method = bound.get(property);
        if (method === undefined || (method as { original?: unknown }).original !== value) {
          method = Object.assign((value as (...a: unknown[]) => unknown).bind(target), { original: value });
          bound.set(property, method);
        }
        return method;
      },
    });
  }

  resolveOffsetView(resolveOffset: EachBatchPayload['resolveOffset']): EachBatchPayload['resolveOffset'] {
    const cursor = this;
    // confluent's takes a second argument (the leader epoch): every argument is passed on, as given.
    return function resolveOffsetTraced(this: unknown, offset: string) {
      try {
        if (cursor.current >= 0 && cursor.messages[cursor.current]?.offset === offset) cursor.leave();
      } catch (error) {
        reportAgentError('kafkajs eachBatch', error);
      }
      // eslint-disable-next-line prefer-rest-params
      return resolveOffset.apply(this, arguments as unknown as Parameters<typeof resolveOffset>);
    } as EachBatchPayload['resolveOffset'];
  }

  recordErrorOnCurrent(error: unknown): void {
    const current = this.current >= 0 ? this.spans[this.current] : undefined;
    if (current) recordFailure(current.span, error);
  }

  finish(): void {
    for (const entry of this.spans) if (entry?.span.isRecording()) entry.span.end();
    this.batchSpan.end();
  }

  private messagesView(): ConsumedMessage[] {
    const cursor = this;
    const raw = this.messages;
    function* iterate(): Generator<ConsumedMessage> {
      cursor.beginIteration();
      try {
        for (let i = 0; i < raw.length; i++) {
          cursor.moveTo(i);
          yield raw[i];
        }
      } finally {
        // Loop finished, broke out or threw: the work after it is the batch's again.
        cursor.endIteration();
        cursor.leave();
      }
    }
    // A callback that throws leaves its message current, so the handler's error is recorded there.
    const each = <T>(walk: (step: (m: ConsumedMessage, i: number) => T) => T[] | void, callback: (m: ConsumedMessage, i: number, a: ConsumedMessage[]) => T, thisArg: unknown) => {
      cursor.beginIteration();
      let result: T[] | void;
      try {
        result = walk((message, i) => cursor.runFor(i, () => callback.call(thisArg, message, i, raw)));
      } finally {
        cursor.endIteration();
      }
      cursor.leave();
      return result;
    };
    const methods: Record<PropertyKey, unknown> = {
      [Symbol.iterator]: iterate,
      values: iterate,
      forEach(callback: (m: ConsumedMessage, i: number, a: ConsumedMessage[]) => void, thisArg?: unknown) {
        each((step) => raw.forEach(step), callback, thisArg);
      },
      map<T>(callback: (m: ConsumedMessage, i: number, a: ConsumedMessage[]) => T, thisArg?: unknown): T[] {
        return each((step) => raw.map(step), callback, thisArg) as T[];
      },
    };
    return new Proxy(raw, {
      get: (target, property) => {
        try {
          if (Object.prototype.hasOwnProperty.call(methods, property)) return methods[property];
          if (property === 'length') {
            cursor.onLengthRead();
          } else if (typeof property === 'string' && /^\d+$/.test(property)) {
            cursor.onIndexRead(Number(property));
          } else {
            cursor.lastRead = 'other';
            const value = Reflect.get(target, property, target) as unknown;
            if (typeof value === 'function') {
              // filter, slice, reduce, …: on the plain array, and the batch span from here on.
              cursor.abandonIndexFollowing();
              return (value as (...a: unknown[]) => unknown).bind(target);
            }
            return value;
          }
        } catch (error) {
          reportAgentError('kafkajs eachBatch', error);
        }
        return Reflect.get(target, property, target);
      },
    });
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
    let producer = this.producerContexts[index];
    if (producer === null) producer = this.producerContexts[index] = extractMessageContext(this.messages[index]?.headers);
    return producer;
  }

  private spanFor(index: number): ProcessSpan {
    let entry = this.spans[index];
    if (!entry) {
      entry = startProcessSpan(this.tracing, this.destination, this.batch.partition, this.messages[index], this.producerContextOf(index), this.batchLinks);
      this.spans[index] = entry;
    }
    return entry;
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
    this.endCurrent();
    this.current = index;
    enterContext(this.spanFor(index).context);
  }

  leave(): void {
    if (this.current < 0) return;
    this.endCurrent();
    this.current = -1;
    enterContext(this.batchContext);
  }

  runFor<T>(index: number, work: () => T): T {
    if (!this.iterationsFollowed) return work();
    this.endCurrent();
    this.current = index;
    return context.with(this.spanFor(index).context, work);
  }

  private endCurrent(): void {
    const entry = this.current >= 0 ? this.spans[this.current] : undefined;
    if (!entry || !entry.span.isRecording()) return;
    entry.span.end();
    // Work that comes back to this message (a second loop) still continues its trace, under its
    // ids alone: the ended span itself is not kept for the rest of the batch.
    const ended = trace.wrapSpanContext(entry.span.spanContext());
    this.spans[this.current] = { span: ended, context: trace.setSpan(entry.context, ended) };
  }
}

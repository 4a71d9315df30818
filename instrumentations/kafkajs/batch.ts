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
import { type Context, type Link, type Span, SpanKind, context, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { enterContext } from '../../agent/tracing/context-manager';
import { recordFailure } from '../../agent/tracing/errors';
import { clientAttributes, processAttributes, processSpanName } from './attributes';
import { type ConsumerTracing, startProcessSpan } from './consumer';
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
      return await context.with(cursor.batchContext, () => handler.call(this, traced));
    } catch (error) {
      recordFailure(cursor.batchSpan, error);
      cursor.recordErrorOnCurrent(error);
      throw error;
    } finally {
      cursor.finish();
    }
  };
}

class MessageCursor {
  readonly batchSpan: Span;
  readonly batchContext: Context;
  private readonly messages: ConsumedMessage[];
  private readonly spans = new Map<number, { span: Span; context: Context }>();
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
    this.producerContexts = new Array(this.messages.length).fill(null);
    const links: Link[] = [];
    for (let i = 0; i < this.messages.length && links.length < MAX_BATCH_LINKS; i++) {
      const producer = this.producerContextOf(i);
      if (producer) links.push({ context: trace.getSpanContext(producer)! });
    }
    const parent = context.active();
    this.batchSpan = tracing.tracer(batch.topic).startSpan(
      processSpanName(batch.topic),
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...clientAttributes(tracing.client),
          ...processAttributes(batch.topic, batch.partition),
          'messaging.batch.message_count': this.messages.length,
        },
        links,
      },
      parent,
    );
    this.batchContext = trace.setSpan(parent, this.batchSpan);
  }

  /** The batch as the app sees it: the same object but for `messages`. */
  batchView(): Batch {
    const messagesView = this.messagesView();
    return new Proxy(this.batch, {
      get: (target, property) => {
        if (property === 'messages') return messagesView;
        const value = Reflect.get(target, property, target) as unknown;
        // Batch methods run against kafkajs's own object, not through the view.
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  resolveOffsetView(resolveOffset: EachBatchPayload['resolveOffset']): EachBatchPayload['resolveOffset'] {
    // confluent's takes a second argument (the leader epoch): every argument is passed on.
    return (offset, ...more) => {
      try {
        if (this.current >= 0 && this.messages[this.current]?.offset === offset) this.leave();
      } catch (error) {
        reportAgentError('kafkajs eachBatch', error);
      }
      return resolveOffset(offset, ...more);
    };
  }

  recordErrorOnCurrent(error: unknown): void {
    const current = this.spans.get(this.current);
    if (current) recordFailure(current.span, error);
  }

  finish(): void {
    for (const { span } of this.spans.values()) if (span.isRecording()) span.end();
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

  private spanFor(index: number): { span: Span; context: Context } {
    let entry = this.spans.get(index);
    if (!entry) {
      const message = this.messages[index];
      entry = startProcessSpan(this.tracing, this.tracing.tracer(this.batch.topic), this.batch.topic, this.batch.partition, message, this.producerContextOf(index), {
        context: this.batchSpan.spanContext(),
      });
      this.spans.set(index, entry);
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
    const entry = this.spans.get(this.current);
    if (!entry || !entry.span.isRecording()) return;
    entry.span.end();
    // Work that comes back to this message (a second loop) still continues its trace, under its
    // ids alone: the ended span itself is not kept for the rest of the batch.
    const ended = trace.wrapSpanContext(entry.span.spanContext());
    this.spans.set(this.current, { span: ended, context: trace.setSpan(entry.context, ended) });
  }
}

/**
 * Consumer side: consumer.run() gets a copy of the app's config with its handlers wrapped (the
 * app's object is not changed). eachMessage: one CONSUMER span `process <topic>` per message,
 * continuing the producer's trace (or linking to it), active while the handler runs.
 */
import { KAFKAJS_SWITCH } from './switch';
import { type Context, type Link, type Span, SpanKind, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { ROOT } from '../../agent/tracing/context';
import { runInContext } from '../../agent/tracing/context-manager';
import { recordFailure } from '../../agent/tracing/errors';
import type { ClockReading } from '../../agent/tracing/clock';
import { startSpanWith } from '../../agent/tracing/tracer';
import { traceEachBatch } from './batch';
import { type KafkaDestinations, type TopicDestination, consumedMessageRecipe } from './destinations';
import { extractMessageContext } from './headers';
import { noteReceived, propagationDebug } from '../../agent/propagation/debug';
import type { ConsumedMessage, Consumer, ConsumerRunConfig, EachMessagePayload } from './internal-types';
import type { KafkajsInstrumentationOptions } from './types';

export interface ConsumerTracing {
  /** Names, attributes and tracers per topic (destinations.ts). */
  destinations: KafkaDestinations;
  options: KafkajsInstrumentationOptions;
}

/**
 * The process span of one message, as the context that carries it to the handler (its span is
 * `processSpanOf` it): one object kept per message, not an entry holding both (40 B a message).
 */
export type ProcessContext = Context;

export function processSpanOf(processContext: ProcessContext): Span {
  return trace.getSpan(processContext)!;
}

export function wrapRun(tracing: ConsumerTracing) {
  return (original: Consumer['run']): Consumer['run'] =>
    function run(this: unknown, ...args: unknown[]): Promise<void> {
      const config = args[0] as ConsumerRunConfig | undefined;
      if (!config || typeof config !== 'object' || (typeof config.eachMessage !== 'function' && typeof config.eachBatch !== 'function')) {
        return original.apply(this, args as [ConsumerRunConfig?]);
      }
      let traced: ConsumerRunConfig;
      try {
        traced = { ...config };
        if (typeof config.eachMessage === 'function') traced.eachMessage = traceEachMessage(tracing, config.eachMessage);
        if (typeof config.eachBatch === 'function') traced.eachBatch = traceEachBatch(tracing, config.eachBatch);
      } catch (error) {
        reportAgentError('kafkajs consumer', error);
        return original.apply(this, args as [ConsumerRunConfig?]);
      }
      return original.apply(this, [traced, ...args.slice(1)] as unknown as [ConsumerRunConfig?]);
    };
}

/**
 * The span for processing one message: a child of its producer's span, or (link mode) a new trace
 * linking to it. `producerContext` when the caller has already read it from the headers;
 * `batchLinks` (eachBatch) the link to the batch span, the same array for every message.
 */
export function startProcessSpan(
  tracing: ConsumerTracing,
  destination: TopicDestination,
  partition: number,
  message: ConsumedMessage,
  producerContext: Context | undefined = extractMessageContext(message?.headers),
  batchLinks?: Link[],
  /** When the span starts, if at a reading another span ended at (eachBatch's loop); now when undefined. */
  startedAt?: ClockReading,
): ProcessContext {
  if (propagationDebug.on) noteReceived('Kafka message', `from topic ${destination.topic ?? '?'} (partition ${partition})`, message?.headers, producerContext);
  const linkMode = tracing.options.consumerParent === 'link';
  const parent = producerContext && !linkMode ? producerContext : ROOT;
  let links = batchLinks;
  if (producerContext && linkMode) links = [...(batchLinks ?? []), { context: trace.getSpanContext(producerContext)! }];
  const span = startSpanWith(destination.tracer(), destination.processName, SpanKind.CONSUMER, parent, consumedMessageRecipe, message, links, destination.processTemplate(partition), startedAt);
  return trace.setSpan(parent, span);
}

/**
 * Not async itself: a message whose span is not recorded goes to the handler in its context and
 * returns what the handler returns, as without hoptrace; only a recorded one waits for the outcome.
 */
function traceEachMessage(tracing: ConsumerTracing, handler: NonNullable<ConsumerRunConfig['eachMessage']>) {
  return function eachMessage(this: unknown, payload: EachMessagePayload): Promise<void> {
    if (!KAFKAJS_SWITCH.on) return handler.call(this, payload);
    let started: ProcessContext | undefined;
    let span: Span | undefined;
    try {
      started = startProcessSpan(tracing, tracing.destinations.topic(payload.topic), payload.partition, payload.message);
      span = processSpanOf(started);
    } catch (error) {
      reportAgentError('kafkajs eachMessage', error);
    }
    if (!started || !span) return handler.call(this, payload);
    if (!span.isRecording()) return runInContext(started, handler, this, payload);
    return processRecorded(started, span, handler, this, payload);
  };
}

/** The handler's outcome noted on the span, and the span ended, when it settles; the handler's own value or error passes on. */
function processRecorded(started: ProcessContext, span: Span, handler: NonNullable<ConsumerRunConfig['eachMessage']>, self: unknown, payload: EachMessagePayload): Promise<void> {
  let result: Promise<void>;
  try {
    result = runInContext(started, handler, self, payload);
  } catch (error) {
    settled(span, true, error);
    throw error;
  }
  return Promise.resolve(result).then(
    (value) => {
      settled(span, false, undefined);
      return value;
    },
    (error: unknown) => {
      settled(span, true, error);
      throw error;
    },
  );
}

/** Ends the span, with the error recorded when the handler failed; never throws into the app. */
function settled(span: Span, failed: boolean, error: unknown): void {
  try {
    if (failed) recordFailure(span, error);
    span.end();
  } catch (agentError) {
    reportAgentError('kafkajs eachMessage', agentError);
  }
}

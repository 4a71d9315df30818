/**
 * Consumer side: consumer.run() gets a copy of the app's config with its handlers wrapped (the
 * app's object is not changed). eachMessage: one CONSUMER span `process <topic>` per message,
 * continuing the producer's trace (or linking to it), active while the handler runs.
 */
import { type Context, type Link, ROOT_CONTEXT, type Span, type Tracer, SpanKind, context, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { recordFailure } from '../../agent/tracing/errors';
import { clientAttributes, consumedMessageAttributes, processAttributes, processSpanName } from './attributes';
import { traceEachBatch } from './batch';
import { extractMessageContext } from './headers';
import type { ConsumedMessage, Consumer, ConsumerRunConfig, EachMessagePayload } from './internal-types';
import type { ClientInfo, KafkajsInstrumentationOptions } from './types';

export interface ConsumerTracing {
  /** The tracer for a span about `topic` (see agent/tracing/service-map-resolver.ts). */
  tracer: (topic: string | undefined) => Tracer;
  client: ClientInfo;
  options: KafkajsInstrumentationOptions;
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
 * linking to it. `producerContext` when the caller has already read it from the headers.
 */
export function startProcessSpan(
  tracing: ConsumerTracing,
  tracer: Tracer,
  topic: string,
  partition: number,
  message: ConsumedMessage,
  producerContext: Context | undefined = extractMessageContext(message?.headers),
  batchLink?: Link,
): { span: Span; context: Context } {
  const linkMode = tracing.options.consumerParent === 'link';
  const parent = producerContext && !linkMode ? producerContext : ROOT_CONTEXT;
  const links: Link[] = batchLink ? [batchLink] : [];
  if (producerContext && linkMode) links.push({ context: trace.getSpanContext(producerContext)! });
  // One object per message, filled in place: this runs for every message consumed.
  const attributes = clientAttributes(tracing.client);
  Object.assign(attributes, processAttributes(topic, partition));
  consumedMessageAttributes(message ?? {}, Date.now(), attributes);
  const span = tracer.startSpan(processSpanName(topic), { kind: SpanKind.CONSUMER, attributes, links }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

function traceEachMessage(tracing: ConsumerTracing, handler: NonNullable<ConsumerRunConfig['eachMessage']>) {
  return async function eachMessage(this: unknown, payload: EachMessagePayload): Promise<void> {
    let started: { span: Span; context: Context } | undefined;
    try {
      started = startProcessSpan(tracing, tracing.tracer(payload?.topic), payload.topic, payload.partition, payload.message);
    } catch (error) {
      reportAgentError('kafkajs eachMessage', error);
    }
    if (!started) return handler.call(this, payload);
    const { span } = started;
    try {
      return await context.with(started.context, () => handler.call(this, payload));
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
}

/**
 * What every span about one topic of one client shares, decided once and kept: the span names,
 * the attribute templates (client, topic, partition; shared by the spans, never copied, see
 * HoptraceSpan) and, when the hint alone settles it, the tracer (the service the spans belong to,
 * see agent/tracing/tracers.ts). A message then costs only what is its own: key, size, offset,
 * queue time, and only when its span is recorded.
 */
import type { Attributes, Tracer } from '@opentelemetry/api';
import type { AttributeRecipe } from '../../agent/tracing/tracer';
import type { TracerHint, TracerResolver } from '../../agent/tracing/tracers';
import { clientAttributes, consumedMessageAttributes, messageAttributes, processAttributes, processSpanName, sendAttributes, sendSpanName } from './attributes';
import type { ConsumedMessage, ProducerMessage } from './internal-types';
import type { ClientInfo } from './types';

/** Topics (and partitions of a topic) kept at most per client; past that, spans are described afresh each time. */
const MAX_KEPT = 1024;

export class KafkaDestinations {
  private readonly clientTemplate: Attributes;
  private readonly topics = new Map<string, TopicDestination>();
  private noTopic: TopicDestination | undefined;

  constructor(
    private readonly tracers: TracerResolver,
    private readonly scope: string,
    readonly client: ClientInfo,
  ) {
    this.clientTemplate = clientAttributes(client);
  }

  topic(topic: string | undefined): TopicDestination {
    if (typeof topic !== 'string') return (this.noTopic ??= this.describe(undefined));
    let destination = this.topics.get(topic);
    if (!destination) {
      destination = this.describe(topic);
      if (this.topics.size < MAX_KEPT) this.topics.set(topic, destination);
    }
    return destination;
  }

  /** The tracer for a span about `topic`, the active span deciding when the hint does not. */
  tracerFor(topic: string | undefined): Tracer {
    return this.tracers.tracerFor(this.scope, this.hint(topic));
  }

  private describe(topic: string | undefined): TopicDestination {
    return new TopicDestination(this, topic, this.clientTemplate, this.tracers.settledTracerFor(this.scope, this.hint(topic)));
  }

  private hint(topic: string | undefined): TracerHint {
    return { kafkaClientId: this.client.clientId, kafkaGroupId: this.client.groupId, kafkaTopic: topic };
  }
}

export class TopicDestination {
  readonly sendName: string;
  readonly processName: string;
  /** A PRODUCER span's attributes but the message's own (key, size), shared by every span about the topic. */
  readonly sendTemplate: Attributes;
  private readonly processTemplates: Array<Attributes | undefined> = [];

  constructor(
    private readonly destinations: KafkaDestinations,
    readonly topic: string | undefined,
    private readonly clientTemplate: Attributes,
    private readonly settledTracer: Tracer | undefined,
  ) {
    this.sendName = sendSpanName(topic);
    this.processName = processSpanName(topic ?? '');
    this.sendTemplate = Object.freeze({ ...sendAttributes(topic), ...clientTemplate });
  }

  tracer(): Tracer {
    return this.settledTracer ?? this.destinations.tracerFor(this.topic);
  }

  /** A process span's attributes but the message's own, for messages of `partition`. */
  processTemplate(partition: number): Attributes {
    const kept = Number.isInteger(partition) && partition >= 0 && partition < MAX_KEPT;
    let template = kept ? this.processTemplates[partition] : undefined;
    if (!template) {
      template = Object.freeze({ ...this.clientTemplate, ...processAttributes(this.topic ?? '', partition) });
      if (kept) this.processTemplates[partition] = template;
    }
    return template;
  }
}

/** A PRODUCER span's own attributes: the message's key, tombstone flag and size. */
export const sentMessageRecipe: AttributeRecipe<ProducerMessage> = (message) => messageAttributes(message ?? {}, {});

/** A process span's own attributes: the message's key, size, offset and time in the queue. */
export const consumedMessageRecipe: AttributeRecipe<ConsumedMessage> = (message) => consumedMessageAttributes(message ?? {}, Date.now(), {});

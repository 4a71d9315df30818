/**
 * kafkajs: PRODUCER spans for send / sendBatch (transactions included) and CONSUMER spans for
 * eachMessage and eachBatch, with trace context carried in message headers.
 *
 * Patched: `Kafka.prototype.producer` and `.consumer`, whose results (kafkajs's own objects) get
 * traced send / sendBatch / transaction and run. The client settings the spans name (client id,
 * first broker) are read when the Kafka object is built, through a subclass that only records
 * them; `new Kafka()` still returns an instance of kafkajs's class.
 */
import type { Tracer } from '@opentelemetry/api';
import shimmer = require('shimmer');
import { log, reportAgentError } from '../../agent/log';
import type { HoptraceInstrumentation, ModuleDefinition } from '../../agent/module-hooks';
import { isWrapped } from '../../agent/patching';
import { KAFKA_CLIENT } from '../../agent/symbols';
import type { TracerResolver } from '../../agent/tracing/tracers';
import { firstBroker } from './attributes';
import { wrapRun } from './consumer';
import type { Consumer, KafkaClass, KafkaConfig, KafkaInstance, KafkajsModule, Producer, Sender } from './internal-types';
import { type ProducerTracing, traceTransactionSender, wrapSend, wrapSendBatch } from './producer';
import type { ClientInfo, KafkajsInstrumentationOptions } from './types';

/** Tested with 2.2.4 against Apache Kafka 4.4.0. */
export const KAFKAJS_SUPPORTED_VERSIONS = ['>=2.0.0 <3'];
export const KAFKAJS_SCOPE = '@hoptrace/kafkajs';

type WithClient = { [KAFKA_CLIENT]?: ClientInfo };

export class KafkajsInstrumentation implements HoptraceInstrumentation {
  readonly instrumentationName = KAFKAJS_SCOPE;

  constructor(
    private readonly tracers: TracerResolver,
    private readonly options: KafkajsInstrumentationOptions,
  ) {}

  modules(): ModuleDefinition[] {
    return [
      {
        name: 'kafkajs',
        versions: KAFKAJS_SUPPORTED_VERSIONS,
        lostWhenUntraced: 'Kafka producer and consumer spans and trace context across Kafka',
        patch: (moduleExports, version) => this.patch(moduleExports as KafkajsModule, version),
      },
    ];
  }

  /** The tracer for a span about `topic`: the service map attributes it by topic, else client or group id. */
  private tracerFor(client: ClientInfo): (topic: string | undefined) => Tracer {
    return (topic) => this.tracers.tracerFor(KAFKAJS_SCOPE, { kafkaClientId: client.clientId, kafkaGroupId: client.groupId, kafkaTopic: topic });
  }

  private patch(moduleExports: KafkajsModule, version?: string): void {
    try {
      const Kafka = moduleExports?.Kafka;
      if (typeof Kafka?.prototype?.producer !== 'function' || typeof Kafka.prototype.consumer !== 'function') {
        log.warn(`kafkajs ${version ?? ''} has an unexpected shape; it will not be traced`);
        return;
      }
      if (!isWrapped(Kafka.prototype.producer)) shimmer.wrap(Kafka.prototype, 'producer', (original) => this.patchProducerFactory(original));
      if (!isWrapped(Kafka.prototype.consumer)) shimmer.wrap(Kafka.prototype, 'consumer', (original) => this.patchConsumerFactory(original));
      if (!isWrapped(moduleExports.Kafka)) shimmer.wrap(moduleExports, 'Kafka', recordClientSettings);
      log.debug(`patched kafkajs@${version}`);
    } catch (error) {
      reportAgentError('patching kafkajs', error);
    }
  }

  private patchProducerFactory(original: KafkaInstance['producer']): KafkaInstance['producer'] {
    const instrumentation = this;
    return function producer(this: KafkaInstance & WithClient, ...args: unknown[]): Producer {
      const created = original.apply(this, args as [object?]);
      try {
        const client = this[KAFKA_CLIENT] ?? {};
        const tracing: ProducerTracing = { tracer: instrumentation.tracerFor(client), client, options: instrumentation.options };
        const traceSender = (sender: Sender) => {
          shimmer.wrap(sender, 'send', wrapSend(tracing));
          shimmer.wrap(sender, 'sendBatch', wrapSendBatch(tracing));
        };
        traceSender(created);
        shimmer.wrap(created, 'transaction', (transaction) =>
          function tracedTransaction(this: unknown) {
            return transaction.apply(this).then((sender: Sender) => traceTransactionSender(sender, traceSender));
          },
        );
      } catch (error) {
        reportAgentError('kafkajs producer', error);
      }
      return created;
    };
  }

  private patchConsumerFactory(original: KafkaInstance['consumer']): KafkaInstance['consumer'] {
    const instrumentation = this;
    return function consumer(this: KafkaInstance & WithClient, ...args: unknown[]): Consumer {
      const created = original.apply(this, args as [{ groupId?: string }?]);
      try {
        const config = args[0] as { groupId?: unknown } | undefined;
        const groupId = typeof config?.groupId === 'string' ? config.groupId : undefined;
        const client: ClientInfo = { ...(this[KAFKA_CLIENT] ?? {}), groupId };
        shimmer.wrap(created, 'run', wrapRun({ tracer: instrumentation.tracerFor(client), client, options: instrumentation.options }));
      } catch (error) {
        reportAgentError('kafkajs consumer', error);
      }
      return created;
    };
  }
}

/** A subclass that notes the client id and first broker; everything else is kafkajs's. */
function recordClientSettings(Original: KafkaClass): KafkaClass {
  return class Kafka extends Original {
    constructor(config: KafkaConfig) {
      super(config);
      try {
        (this as WithClient)[KAFKA_CLIENT] = {
          clientId: typeof config?.clientId === 'string' ? config.clientId : undefined,
          ...firstBroker(config?.brokers),
        };
      } catch (error) {
        reportAgentError('kafkajs client', error);
      }
    }
  };
}

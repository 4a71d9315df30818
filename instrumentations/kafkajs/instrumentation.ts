/**
 * kafkajs (1.x and 2.x) and the KafkaJS API of @confluentinc/kafka-javascript: PRODUCER spans for
 * send / sendBatch (transactions included) and CONSUMER spans for eachMessage and eachBatch, with
 * trace context carried in message headers. One set of recipes (producer.ts, consumer.ts,
 * batch.ts) for all three; what differs is where the `Kafka` class is exported and how its config
 * names the client (client-settings.ts).
 *
 * Patched: `Kafka.prototype.producer` and `.consumer`, whose results (the library's own objects) get
 * traced send / sendBatch / transaction and run. The client settings the spans name (client id,
 * first broker) are read when the Kafka object is built, through a subclass that only records
 * them; `new Kafka()` still returns an instance of the library's class.
 *
 * The shapes differ in ways the patches branch on (never on version strings):
 *   - kafkajs < 1.5 has no `producer.transaction()`;
 *   - kafkajs's transaction() resolves with a new sender object; confluent's resolves with the
 *     producer itself, already traced (so nothing is wrapped twice);
 *   - confluent's sendBatch() calls the producer's own send() per topic (see producer.ts).
 */
import shimmer = require('shimmer');
import { log, reportAgentError } from '../../agent/log';
import type { HoptraceInstrumentation, ModuleDefinition } from '../../agent/module-hooks';
import { isWrapped } from '../../agent/patching';
import { KAFKA_CLIENT } from './markers';
import type { TracerResolver } from '../../agent/tracing/tracers';
import { type ClientSettingsReader, confluentKafkaJsSettings, kafkajsSettings } from './client-settings';
import { wrapRun } from './consumer';
import { KafkaDestinations } from './destinations';
import type { Consumer, KafkaClass, KafkaConfig, KafkaInstance, KafkaNamespace, Producer, Sender } from './internal-types';
import { type ProducerTracing, traceTransactionSender, wrapSend, wrapSendBatch } from './producer';
import type { ClientInfo, KafkajsInstrumentationOptions } from './types';

/**
 * 1.4.0 is the first kafkajs release that writes and reads message headers by default (1.2 had them
 * behind `allowExperimentalV011`). Tested with 1.4.0, 1.16.0 and 2.2.4 against Apache Kafka 4.4.0.
 */
export const KAFKAJS_SUPPORTED_VERSIONS = ['>=1.4.0 <3'];
/** Its KafkaJS API (the same shapes from 1.0.0 on). Tested with 1.10.1 against Apache Kafka 4.4.0. */
export const CONFLUENT_KAFKA_SUPPORTED_VERSIONS = ['>=1.0.0 <2'];
export const KAFKAJS_SCOPE = '@hoptrace/kafkajs';
export const CONFLUENT_KAFKA_SCOPE = '@hoptrace/confluent-kafka-javascript';

type WithClient = { [KAFKA_CLIENT]?: ClientInfo };

/** What differs between the client libraries this instrumentation patches. */
interface Flavor {
  readonly name: string;
  readonly scope: string;
  readonly settings: ClientSettingsReader;
  /** The object holding the `Kafka` class, from the package's exports. */
  namespace(moduleExports: unknown): KafkaNamespace | undefined;
}

const KAFKAJS: Flavor = {
  name: 'kafkajs',
  scope: KAFKAJS_SCOPE,
  settings: kafkajsSettings,
  namespace: (moduleExports) => moduleExports as KafkaNamespace | undefined,
};

const CONFLUENT_KAFKA: Flavor = {
  name: '@confluentinc/kafka-javascript',
  scope: CONFLUENT_KAFKA_SCOPE,
  settings: confluentKafkaJsSettings,
  // `require('@confluentinc/kafka-javascript').KafkaJS` → { Kafka, … }; the package's other API
  // (node-rdkafka's callbacks and streams) is not traced.
  namespace: (moduleExports) => (moduleExports as { KafkaJS?: KafkaNamespace } | undefined)?.KafkaJS,
};

export class KafkajsInstrumentation implements HoptraceInstrumentation {
  readonly instrumentationName = KAFKAJS_SCOPE;

  constructor(
    private readonly tracers: TracerResolver,
    private readonly options: KafkajsInstrumentationOptions,
  ) {}

  modules(): ModuleDefinition[] {
    return [
      {
        name: KAFKAJS.name,
        versions: KAFKAJS_SUPPORTED_VERSIONS,
        lostWhenUntraced: 'Kafka producer and consumer spans and trace context across Kafka',
        patch: (moduleExports, version) => this.patch(KAFKAJS, moduleExports, version),
      },
      {
        name: CONFLUENT_KAFKA.name,
        versions: CONFLUENT_KAFKA_SUPPORTED_VERSIONS,
        lostWhenUntraced: 'Kafka producer and consumer spans (KafkaJS API) and trace context across Kafka',
        patch: (moduleExports, version) => this.patch(CONFLUENT_KAFKA, moduleExports, version),
      },
    ];
  }

  /** Per client: span names, attributes and tracers per topic; the service map attributes by topic, else client or group id. */
  private destinationsFor(flavor: Flavor, client: ClientInfo): KafkaDestinations {
    return new KafkaDestinations(this.tracers, flavor.scope, client);
  }

  private patch(flavor: Flavor, moduleExports: unknown, version?: string): void {
    try {
      const namespace = flavor.namespace(moduleExports);
      const Kafka = namespace?.Kafka;
      if (!namespace || typeof Kafka?.prototype?.producer !== 'function' || typeof Kafka.prototype.consumer !== 'function') {
        log.warn(`${flavor.name} ${version ?? ''} has an unexpected shape; it will not be traced`);
        return;
      }
      if (!isWrapped(Kafka.prototype.producer)) shimmer.wrap(Kafka.prototype, 'producer', (original) => this.patchProducerFactory(flavor, original));
      if (!isWrapped(Kafka.prototype.consumer)) shimmer.wrap(Kafka.prototype, 'consumer', (original) => this.patchConsumerFactory(flavor, original));
      if (!isWrapped(namespace.Kafka)) shimmer.wrap(namespace, 'Kafka', (Original) => recordClientSettings(flavor, Original));
      log.debug(`patched ${flavor.name}@${version}`);
    } catch (error) {
      reportAgentError(`patching ${flavor.name}`, error);
    }
  }

  private patchProducerFactory(flavor: Flavor, original: KafkaInstance['producer']): KafkaInstance['producer'] {
    const instrumentation = this;
    return function producer(this: KafkaInstance & WithClient, ...args: unknown[]): Producer {
      const created = original.apply(this, args as [object?]);
      try {
        const client = this[KAFKA_CLIENT] ?? {};
        const tracing: ProducerTracing = { destinations: instrumentation.destinationsFor(flavor, client), options: instrumentation.options };
        const traceSender = (sender: Sender) => {
          if (typeof sender?.send === 'function' && !isWrapped(sender.send)) shimmer.wrap(sender, 'send', wrapSend(tracing));
          if (typeof sender?.sendBatch === 'function' && !isWrapped(sender.sendBatch)) shimmer.wrap(sender, 'sendBatch', wrapSendBatch(tracing));
        };
        traceSender(created);
        if (typeof created?.transaction === 'function' && !isWrapped(created.transaction)) {
          shimmer.wrap(created as Required<Producer>, 'transaction', (transaction) =>
            function tracedTransaction(this: unknown, ...transactionArgs: unknown[]) {
              return transaction.apply(this, transactionArgs as []).then((sender: Sender) => traceTransactionSender(sender, traceSender));
            },
          );
        }
      } catch (error) {
        reportAgentError(`${flavor.name} producer`, error);
      }
      return created;
    };
  }

  private patchConsumerFactory(flavor: Flavor, original: KafkaInstance['consumer']): KafkaInstance['consumer'] {
    const instrumentation = this;
    return function consumer(this: KafkaInstance & WithClient, ...args: unknown[]): Consumer {
      const created = original.apply(this, args as [object?]);
      try {
        const shared = this[KAFKA_CLIENT] ?? {};
        const client: ClientInfo = { ...shared, groupId: flavor.settings.groupId(args[0]) ?? shared.groupId };
        if (typeof created?.run === 'function' && !isWrapped(created.run)) {
          shimmer.wrap(created, 'run', wrapRun({ destinations: instrumentation.destinationsFor(flavor, client), options: instrumentation.options }));
        }
      } catch (error) {
        reportAgentError(`${flavor.name} consumer`, error);
      }
      return created;
    };
  }
}

/** A subclass that notes the client id and first broker; everything else is the library's. */
function recordClientSettings(flavor: Flavor, Original: KafkaClass): KafkaClass {
  return class Kafka extends Original {
    constructor(config: KafkaConfig) {
      super(config);
      try {
        (this as WithClient)[KAFKA_CLIENT] = flavor.settings.client(config);
      } catch (error) {
        reportAgentError(`${flavor.name} client`, error);
      }
    }
  };
}

/**
 * The client settings spans name (client id, first broker, consumer group), read from the config
 * objects the app hands each client library; pure, so both shapes are unit-tested.
 *
 * kafkajs (1.x and 2.x): `new Kafka({ clientId, brokers })`, `kafka.consumer({ groupId })`.
 * @confluentinc/kafka-javascript's KafkaJS API: the same keys inside a `kafkaJS` block
 * (`new Kafka({ kafkaJS: { brokers, clientId } })`, `consumer({ kafkaJS: { groupId } })`), or
 * librdkafka's own keys beside it (`client.id`, `bootstrap.servers`, `group.id`); a consumer's own
 * settings win over the shared ones, as that library merges them.
 * https://github.com/confluentinc/confluent-kafka-javascript/blob/v1.10.1/lib/kafkajs/_kafka.js
 */
import { firstBroker } from './attributes';
import type { ClientInfo } from './types';

export interface ClientSettingsReader {
  /** What `new Kafka(config)` says: client id, first broker, and (confluent) a shared group id. */
  client(config: unknown): ClientInfo;
  /** The consumer group a `kafka.consumer(config)` call names, if any. */
  groupId(consumerConfig: unknown): string | undefined;
}

type Config = Record<string, unknown> | undefined;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const asConfig = (value: unknown): Config => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined);

export const kafkajsSettings: ClientSettingsReader = {
  client(config) {
    const settings = asConfig(config);
    return { clientId: text(settings?.clientId), ...firstBroker(settings?.brokers) };
  },
  groupId(consumerConfig) {
    return text(asConfig(consumerConfig)?.groupId);
  },
};

function confluentGroupId(consumerConfig: unknown): string | undefined {
  const settings = asConfig(consumerConfig);
  return text(asConfig(settings?.kafkaJS)?.groupId) ?? text(settings?.['group.id']);
}

export const confluentKafkaJsSettings: ClientSettingsReader = {
  client(config) {
    const settings = asConfig(config);
    const kafkaJS = asConfig(settings?.kafkaJS);
    const brokerList = text(settings?.['bootstrap.servers']) ?? text(settings?.['metadata.broker.list']);
    const brokers = Array.isArray(kafkaJS?.brokers) ? kafkaJS.brokers : brokerList?.split(',').map((b) => b.trim());
    const groupId = confluentGroupId(config);
    return { clientId: text(kafkaJS?.clientId) ?? text(settings?.['client.id']), ...firstBroker(brokers), ...(groupId ? { groupId } : {}) };
  },
  groupId: confluentGroupId,
};

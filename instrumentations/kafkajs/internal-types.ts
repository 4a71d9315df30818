/**
 * Hand-written shapes of the kafkajs objects hoptrace touches, as kafkajs 2.2 declares them; kafkajs
 * 1.x and @confluentinc/kafka-javascript's KafkaJS API hand over the same shapes, less what is
 * marked optional here.
 * https://github.com/tulios/kafkajs/blob/v2.2.4/types/index.d.ts
 * https://github.com/tulios/kafkajs/blob/v1.4.0/src/index.js (1.x: no transaction() before 1.5)
 * https://github.com/confluentinc/confluent-kafka-javascript/blob/v1.10.1/types/kafkajs.d.ts
 */
export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type KafkaHeaders = Record<string, KafkaHeaderValue>;

/** A message as the app hands it to send(). */
export interface ProducerMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: KafkaHeaders;
  timestamp?: string;
}

export interface ProducerRecord {
  topic: string;
  messages: ProducerMessage[];
  [option: string]: unknown;
}

export interface ProducerBatch {
  topicMessages?: Array<{ topic: string; messages: ProducerMessage[] }>;
  [option: string]: unknown;
}

export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset?: string;
}

export type Send = (record: ProducerRecord) => Promise<RecordMetadata[]>;
export type SendBatch = (batch: ProducerBatch) => Promise<RecordMetadata[]>;

export interface Sender {
  send: Send;
  sendBatch: SendBatch;
}

export interface Producer extends Sender {
  /** kafkajs ≥ 1.5 and confluent; confluent's resolves with the producer itself. */
  transaction?: () => Promise<Sender>;
}

/** A message as a consumer receives it. */
export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  headers?: KafkaHeaders;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: ConsumedMessage;
  [more: string]: unknown;
}

export interface Batch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
}

export interface EachBatchPayload {
  batch: Batch;
  /** confluent takes the message's leader epoch as a second argument. */
  resolveOffset: (offset: string, ...more: unknown[]) => void;
  [more: string]: unknown;
}

export interface ConsumerRunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  [option: string]: unknown;
}

export interface Consumer {
  run: (config?: ConsumerRunConfig) => Promise<void>;
}

/** kafkajs's `{ clientId, brokers }`, confluent's `{ kafkaJS: { clientId, brokers } }` (client-settings.ts). */
export type KafkaConfig = object | undefined;

export interface KafkaClass {
  new (config: KafkaConfig): KafkaInstance;
  prototype: KafkaInstance;
}

export interface KafkaInstance {
  producer(config?: object): Producer;
  consumer(config?: object): Consumer;
}

/** What holds the `Kafka` class: kafkajs's exports; confluent's `KafkaJS` export. */
export interface KafkaNamespace {
  Kafka: KafkaClass;
}

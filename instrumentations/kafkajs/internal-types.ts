/**
 * Hand-written shapes of the kafkajs objects hoptrace touches (kafkajs 2.2).
 * https://github.com/tulios/kafkajs/blob/v2.2.4/types/index.d.ts
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
  transaction: () => Promise<Sender>;
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
  resolveOffset: (offset: string) => void;
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

export interface KafkaConfig {
  clientId?: string;
  brokers?: string[] | (() => unknown);
}

export interface KafkaClass {
  new (config: KafkaConfig): KafkaInstance;
  prototype: KafkaInstance;
}

export interface KafkaInstance {
  producer(config?: object): Producer;
  consumer(config?: { groupId?: string }): Consumer;
}

export interface KafkajsModule {
  Kafka: KafkaClass;
}

export { KafkajsInstrumentation, KAFKAJS_SUPPORTED_VERSIONS, CONFLUENT_KAFKA_SUPPORTED_VERSIONS } from './instrumentation';
export type { KafkajsInstrumentationOptions } from './types';

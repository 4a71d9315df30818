export { KafkajsInstrumentation, KAFKAJS_SUPPORTED_VERSIONS } from './instrumentation';
export type { KafkajsInstrumentationOptions } from './types';

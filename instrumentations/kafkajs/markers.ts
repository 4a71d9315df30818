/** What the kafkajs instrumentation marks on kafkajs's objects. A symbol: kafkajs and the app never see it. */
/** On a Kafka object: the client id and first broker it was built with. */
export const KAFKA_CLIENT = Symbol('hoptrace.kafkajs.client');

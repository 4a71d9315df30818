/** What the kafkajs instrumentation takes from the agent's configuration. */
export interface KafkajsInstrumentationOptions {
  /**
   * `per-message` (default): one PRODUCER span per message. `per-call`: one span per send() /
   * sendBatch() with messaging.batch.message_count, for producers of thousands of messages.
   * HOPTRACE_KAFKA_PRODUCER_SPANS.
   */
  readonly producerSpans: 'per-message' | 'per-call';
  /**
   * `child` (default): a consumer span continues the producer's trace. `link`: it starts a new
   * trace that links to the producer's span. HOPTRACE_KAFKA_CONSUMER_PARENT.
   */
  readonly consumerParent: 'child' | 'link';
}

/** What the instrumentation knows about the client a producer or consumer belongs to. */
export interface ClientInfo {
  readonly clientId?: string;
  readonly serverAddress?: string;
  readonly serverPort?: number;
  readonly groupId?: string;
}

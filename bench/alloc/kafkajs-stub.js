'use strict';
// A stand-in for kafkajs with its shapes (Kafka → producer().send / consumer().run) and none of
// its network: what kafkajs itself allocates is the same with or without an agent, so leaving it
// out shows what the agent adds. Sent messages come back to the consumer as kafkajs delivers
// them: key, value and header values as Buffers, offsets and timestamps as strings.
class Producer {
  constructor(broker) {
    this.broker = broker;
  }
  async connect() {}
  async disconnect() {}
  async send(record) {
    const baseOffset = this.broker.offset;
    for (const message of record.messages) this.broker.append(record.topic, message);
    return [{ topicName: record.topic, partition: 0, errorCode: 0, baseOffset: String(baseOffset), logAppendTime: '-1', logStartOffset: '0' }];
  }
  async sendBatch(batch) {
    const results = [];
    for (const group of batch.topicMessages) results.push(...(await this.send(group)));
    return results;
  }
}

class Consumer {
  constructor(broker) {
    this.broker = broker;
  }
  async connect() {}
  async disconnect() {}
  async subscribe() {}
  async run(config) {
    this.broker.handlers = config;
  }
}

function toBuffer(value) {
  return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
}

class Broker {
  constructor() {
    this.offset = 0;
    this.pending = [];
    this.handlers = undefined;
  }
  append(topic, message) {
    const headers = {};
    if (message.headers) for (const key of Object.keys(message.headers)) headers[key] = toBuffer(message.headers[key]);
    this.pending.push({
      topic,
      message: {
        key: message.key == null ? null : toBuffer(message.key),
        value: message.value == null ? null : toBuffer(message.value),
        timestamp: String(Date.now()),
        attributes: 0,
        offset: String(this.offset++),
        size: 0,
        headers,
      },
    });
  }
  /** Hands what was sent to the consumer's handler: one call per message, or one batch. */
  async deliver() {
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return;
    const noop = async () => {};
    if (this.handlers.eachMessage) {
      for (const { topic, message } of pending) {
        await this.handlers.eachMessage({ topic, partition: 0, message, heartbeat: noop, pause: () => () => {} });
      }
      return;
    }
    const messages = pending.map((p) => p.message);
    const batch = {
      topic: pending[0].topic,
      partition: 0,
      highWatermark: String(this.offset),
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0].offset,
      lastOffset: () => messages[messages.length - 1].offset,
      offsetLag: () => '0',
      offsetLagLow: () => '0',
    };
    await this.handlers.eachBatch({
      batch,
      resolveOffset: () => {},
      heartbeat: noop,
      commitOffsetsIfNecessary: noop,
      uncommittedOffsets: () => ({ topics: [] }),
      isRunning: () => true,
      isStale: () => false,
      pause: () => () => {},
    });
  }
}

class Kafka {
  constructor(config) {
    this.config = config;
    this.broker = new Broker();
  }
  producer() {
    return new Producer(this.broker);
  }
  consumer() {
    return new Consumer(this.broker);
  }
}

module.exports = { Kafka, logLevel: { NOTHING: 0 } };

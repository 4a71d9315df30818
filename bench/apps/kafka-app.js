'use strict';
// The Kafka benchmark app: produces MESSAGES messages to TOPIC in sends of BATCH messages and
// consumes them in the same process with MODE (eachMessage | eachBatch). Prints one JSON line with
// the end-to-end rate. No tracing code; FLOOR=1 adds the propagation floor by hand (floor.js).
//
// WARMUP messages go first, the same way, and are not measured: a run of a few seconds otherwise
// measures the JIT as much as the steady state (on Node 24, eachBatch sends of 100: 23-27 µs per
// message over the first 30,000 messages, 15-17 µs over 100,000, for every configuration alike).
const { Kafka, logLevel } = require('kafkajs');
const floor = process.env.FLOOR === '1' ? require('./floor') : undefined;
const { kafkaHandlers, benchMessages } = require('./kafka-handlers');

const { KAFKA_BROKERS, TOPIC, MODE } = process.env;
const MESSAGES = Number(process.env.MESSAGES);
const BATCH = Number(process.env.BATCH);
const kafka = new Kafka({ clientId: 'bench', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: `bench-${TOPIC}`, maxWaitTimeInMs: 50 });

const WARMUP = Number(process.env.WARMUP || 0);
let consumed = 0;
let handlerCalls = 0;
let expected = 0;
let done;
const count = (n) => {
  handlerCalls++;
  consumed += n;
  if (consumed >= expected) done();
};
const handlers = kafkaHandlers(count, floor);

(async () => {
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run(handlers[MODE]);
  if (WARMUP > 0) await produceAndConsume(WARMUP);
  consumed = 0;
  handlerCalls = 0;
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const sends = await produceAndConsume(MESSAGES);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  // The process's CPU per message (producing and consuming it): unlike the rate, it does not
  // depend on how busy the broker, sharing the machine, kept the other core.
  const cpuPerMessageUs = (cpu.user + cpu.system) / consumed;
  console.log(JSON.stringify({ messages: consumed, seconds, rate: consumed / seconds, cpuPerMessageUs, operations: sends + handlerCalls }));
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
})();

/** Sends `total` messages in sends of BATCH and waits until the handler has seen them all; returns the number of sends. */
async function produceAndConsume(total) {
  expected = total;
  const allConsumed = new Promise((resolve) => (done = resolve));
  let sends = 0;
  for (let sent = 0; sent < total; sent += BATCH) {
    const n = Math.min(BATCH, total - sent);
    await producer.send({ topic: TOPIC, messages: benchMessages(sent, n, floor) });
    sends++;
  }
  await allConsumed;
  return sends;
}

'use strict';
// The Kafka benchmark app: produces MESSAGES messages to TOPIC in sends of BATCH messages and
// consumes them in the same process with MODE (eachMessage | eachBatch). Prints one JSON line with
// the end-to-end rate. No tracing code; FLOOR=1 adds the propagation floor by hand (floor.js).
const { Kafka, logLevel } = require('kafkajs');
const floor = process.env.FLOOR === '1' ? require('./floor') : undefined;
const { kafkaHandlers, benchMessages } = require('./kafka-handlers');

const { KAFKA_BROKERS, TOPIC, MODE } = process.env;
const MESSAGES = Number(process.env.MESSAGES);
const BATCH = Number(process.env.BATCH);
const kafka = new Kafka({ clientId: 'bench', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: `bench-${TOPIC}`, maxWaitTimeInMs: 50 });

let consumed = 0;
let handlerCalls = 0;
let done;
const allConsumed = new Promise((resolve) => (done = resolve));
const count = (n) => {
  handlerCalls++;
  consumed += n;
  if (consumed >= MESSAGES) done();
};
const handlers = kafkaHandlers(count, floor);

(async () => {
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run(handlers[MODE]);
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  let sends = 0;
  for (let sent = 0; sent < MESSAGES; sent += BATCH) {
    const n = Math.min(BATCH, MESSAGES - sent);
    await producer.send({ topic: TOPIC, messages: benchMessages(sent, n, floor) });
    sends++;
  }
  await allConsumed;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  // The process's CPU per message (producing and consuming it): unlike the rate, it does not
  // depend on how busy the broker, sharing the machine, kept the other core.
  const cpuPerMessageUs = (cpu.user + cpu.system) / consumed;
  console.log(JSON.stringify({ messages: consumed, seconds, rate: consumed / seconds, cpuPerMessageUs, operations: sends + handlerCalls }));
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
})();

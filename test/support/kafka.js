'use strict';
// The real broker that `npm run kafka:start` (and .ci/run) starts. Tests that need it fail,
// loudly and with the reason, when it is not there: they are never skipped.
const { Kafka, logLevel } = require('kafkajs');
const { createReadyTopics, untilReady } = require('../infra/kafka/topics');

const KAFKA_BROKERS = process.env.KAFKA_BROKERS || '127.0.0.1:19092';
const kafka = new Kafka({ clientId: 'hoptrace-tests', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });

async function requireKafka() {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(`Kafka is not running at ${KAFKA_BROKERS} (${error.message}); start it with \`npm run kafka:start\``);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Fresh topics for one test, one partition each (so the order of messages is the order sent),
 * each with its leader answering (test/infra/kafka/topics.js: a busy machine makes the broker slow
 * to elect one).
 */
async function createTopics(...prefixes) {
  const names = prefixes.map((p) => `${p}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const admin = kafka.admin();
  await untilReady('connecting to the broker', () => admin.connect());
  try {
    await createReadyTopics(admin, names.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })));
  } finally {
    await admin.disconnect();
  }
  return names;
}

/** Produces from the test process, which runs no agent: what an uninstrumented peer sends. */
async function producePlain(topic, messages) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

module.exports = { KAFKA_BROKERS, requireKafka, createTopics, producePlain };

'use strict';
// Topic set-up that waits for the broker instead of failing on its first "not yet". A broker that
// has just created a topic answers NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE or
// UNKNOWN_TOPIC_OR_PARTITION until the partition's leader is elected and known to every part of
// it, and COORDINATOR_NOT_AVAILABLE until a group's coordinator is loaded; on a busy machine
// that takes seconds, and kafkajs's own retries (a few hundred milliseconds) give up first. Every
// step here is retried on such answers until `timeoutMs`, then fails with one message that says
// what was being waited for and the broker's last answer.
//
// Used by the demo (examples/demo.js) and by every test that creates topics (test/support/kafka.js);
// it takes an admin client so that each uses the kafkajs it has.

/** Answers that mean "not yet": the broker is still getting there. */
const NOT_YET = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_LEADER_FOR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'REQUEST_TIMED_OUT',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR',
  'NOT_CONTROLLER',
  'REBALANCE_IN_PROGRESS',
]);
/** kafkajs's own errors for a broker that is slow to answer or to accept a connection. */
const SLOW = new Set(['KafkaJSConnectionError', 'KafkaJSRequestTimeoutError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSTimeout', 'KafkaJSMetadataNotLoaded', 'KafkaJSBrokerNotFound']);

const DEFAULT_TIMEOUT_MS = Number(process.env.KAFKA_SETUP_TIMEOUT_MS || 120000);

/** Whether `error`, or any error it wraps, is one the broker gives while it is still getting there. */
function isNotYet(error) {
  const seen = new Set();
  const pending = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    if (NOT_YET.has(current.type) || SLOW.has(current.name)) return true;
    pending.push(current.cause, current.originalError, ...(Array.isArray(current.errors) ? current.errors : []));
  }
  return false;
}

/** The innermost message of a wrapped kafkajs error, which names the broker's answer. */
function answerOf(error) {
  let current = error;
  while (current?.originalError || current?.cause) current = current.originalError ?? current.cause;
  const errors = Array.isArray(error?.errors) ? error.errors.map(answerOf) : [];
  return [current?.type ?? current?.name, current?.message ?? String(current), ...errors].filter(Boolean).join(': ');
}

/**
 * Runs `step` until it succeeds; an answer that means "not yet" is retried (backing off from 100 ms
 * to 2 s) until `timeoutMs`, any other error is thrown at once.
 */
async function untilReady(what, step, { timeoutMs = DEFAULT_TIMEOUT_MS, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), now = Date.now } = {}) {
  const deadline = now() + timeoutMs;
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isNotYet(error)) throw error;
      if (now() + delay > deadline) {
        throw new Error(`Kafka: ${what} did not succeed within ${Math.round(timeoutMs / 1000)} s (${attempt} attempts); the broker's last answer: ${answerOf(error)}. Is the machine very busy? KAFKA_SETUP_TIMEOUT_MS allows longer.`, { cause: error });
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/**
 * Creates `topics` (kafkajs's createTopics shape; topics that exist already are kept) and waits
 * until every partition of each has a leader that answers for it.
 */
async function createReadyTopics(admin, topics, options) {
  const names = topics.map((t) => t.topic);
  await untilReady(`creating ${names.join(', ')}`, () => admin.createTopics({ topics, waitForLeaders: true }), options);
  // ListOffsets goes to each partition's leader: it answers once the leader is elected and known.
  for (const topic of names) await untilReady(`a leader for every partition of ${topic}`, () => admin.fetchTopicOffsets(topic), options);
}

/** Sets `groupId` to start reading `topic` at its end (the group must not be running). */
async function startGroupAtEnd(admin, groupId, topic, options) {
  await untilReady(`starting group ${groupId} at the end of ${topic}`, async () => {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })) });
  }, options);
}

module.exports = { createReadyTopics, startGroupAtEnd, untilReady, isNotYet };

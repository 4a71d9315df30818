'use strict';
// The topic set-up the demo and the tests share (test/infra/kafka/topics.js), against an admin
// client that answers as a broker still electing leaders does: "not yet" answers are waited out,
// other errors are not, and the wait is bounded with a message that names what was waited for.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { createReadyTopics, startGroupAtEnd, untilReady, isNotYet } = require('../infra/kafka/topics');

/** The shapes kafkajs throws: a protocol error, wrapped once its own retries give up. */
const protocolError = (type) => Object.assign(new Error(`broker said ${type}`), { name: 'KafkaJSProtocolError', type, retriable: true });
const retriesExceeded = (inner) => Object.assign(new Error(inner.message), { name: 'KafkaJSNumberOfRetriesExceeded', originalError: inner });

/** A clock that moves only when the code under test sleeps. */
function fakeTime() {
  let now = 0;
  return { now: () => now, sleep: async (ms) => void (now += ms), elapsed: () => now };
}

test('"not yet" answers, bare or wrapped, are retried until the step succeeds', async () => {
  const time = fakeTime();
  const answers = [retriesExceeded(protocolError('NOT_LEADER_OR_FOLLOWER')), protocolError('LEADER_NOT_AVAILABLE'), Object.assign(new Error('x'), { name: 'KafkaJSAggregateError', errors: [protocolError('UNKNOWN_TOPIC_OR_PARTITION')] })];
  let calls = 0;
  const result = await untilReady('a step', async () => {
    calls++;
    if (answers.length > 0) throw answers.shift();
    return 'done';
  }, { timeoutMs: 60000, ...time });
  assert.is(result, 'done');
  assert.is(calls, 4);
  assert.ok(time.elapsed() >= 100 + 200 + 400, `backed off ${time.elapsed()} ms`);
});

test('any other error is thrown at once, untouched', async () => {
  const denied = protocolError('TOPIC_AUTHORIZATION_FAILED');
  denied.retriable = false;
  let calls = 0;
  const thrown = await untilReady('a step', async () => {
    calls++;
    throw denied;
  }, fakeTime()).catch((error) => error);
  assert.is(thrown, denied);
  assert.is(calls, 1);
  assert.not.ok(isNotYet(new TypeError('a bug')));
});

test('the wait is bounded: past it, one message names the step and the broker\'s last answer', async () => {
  const time = fakeTime();
  const thrown = await untilReady('a leader for every partition of orders', async () => {
    throw retriesExceeded(protocolError('NOT_LEADER_OR_FOLLOWER'));
  }, { timeoutMs: 10000, ...time }).catch((error) => error);
  assert.match(thrown.message, /^Kafka: a leader for every partition of orders did not succeed within 10 s/);
  assert.match(thrown.message, /NOT_LEADER_OR_FOLLOWER/);
  assert.match(thrown.message, /KAFKA_SETUP_TIMEOUT_MS/);
  assert.ok(time.elapsed() <= 10000, `waited ${time.elapsed()} ms`);
});

test('topics: created, then every partition\'s leader asked until it answers; the group set to the end', async () => {
  const calls = [];
  let offsetAnswers = 0;
  const admin = {
    createTopics: async (request) => void calls.push(['createTopics', request.topics.map((t) => t.topic), request.waitForLeaders]),
    fetchTopicOffsets: async (topic) => {
      calls.push(['fetchTopicOffsets', topic]);
      if (++offsetAnswers <= 2) throw retriesExceeded(protocolError('NOT_LEADER_OR_FOLLOWER'));
      return [{ partition: 0, high: '7', low: '0' }, { partition: 1, high: '3', low: '0' }];
    },
    setOffsets: async (request) => void calls.push(['setOffsets', request]),
  };
  const time = fakeTime();
  await createReadyTopics(admin, [{ topic: 'orders' }, { topic: 'results' }], time);
  await startGroupAtEnd(admin, 'workers', 'orders', time);
  assert.equal(calls, [
    ['createTopics', ['orders', 'results'], true],
    ['fetchTopicOffsets', 'orders'],
    ['fetchTopicOffsets', 'orders'],
    ['fetchTopicOffsets', 'orders'],
    ['fetchTopicOffsets', 'results'],
    ['fetchTopicOffsets', 'orders'],
    ['setOffsets', { groupId: 'workers', topic: 'orders', partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '3' }] }],
  ]);
});

test.run();

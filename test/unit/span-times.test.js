'use strict';
// A span's times: its start from the wall clock, its end from the start plus the monotonic time
// elapsed; one reading of the clocks shared by spans that start or end at one moment.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');
const { AlwaysOnSampler } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { readClock } = require('../../dist/agent/tracing/clock');

const ended = [];
const processor = { onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
const tracer = new HoptraceTracer({ resource: resourceFromAttributes({}), sampler: new AlwaysOnSampler(), processor }, 'times', '1');
const noAttributes = () => ({});
const start = (startedAt) => tracer.startSpanWith('s', SpanKind.INTERNAL, ROOT_CONTEXT, noAttributes, undefined, undefined, undefined, startedAt);
const ms = ([seconds, nanos]) => seconds * 1e3 + nanos / 1e6;
/** Spends `duration` ms by the monotonic clock (Date.now() ticks by whole milliseconds). */
const busy = (duration) => {
  const until = performance.now() + duration;
  while (performance.now() < until);
};

test('started now: the start within the wall clock around it, the duration at least the time spent', () => {
  const before = Date.now();
  const span = start();
  busy(5);
  span.end();
  const after = Date.now();
  assert.ok(ms(span.startTime) >= before - 1 && ms(span.startTime) <= after + 1, 'start from the wall clock');
  assert.ok(ms(span.duration) >= 4.9, `lasted ${ms(span.duration)} ms`);
  assert.ok(ms(span.endTime) <= after + 1);
});

test('a start the caller gave: the end comes from the wall clock (an hour later), not from the monotonic clock', () => {
  const span = tracer.startSpan('given', { startTime: Date.now() - 3600e3 }, ROOT_CONTEXT);
  span.end();
  assert.ok(ms(span.duration) >= 3599e3, `lasted ${ms(span.duration)} ms`);
});

test('spans given one reading start together and, ended at one reading, end together', () => {
  const startedAt = readClock();
  const a = start(startedAt);
  busy(2);
  const b = start(startedAt);
  const endedAt = readClock();
  a.endAt(endedAt);
  b.endAt(endedAt);
  assert.equal(a.startTime, b.startTime);
  assert.equal(a.endTime, b.endTime);
  assert.ok(ms(a.duration) >= 1.9, `lasted ${ms(a.duration)} ms`);
});

test('a span that starts as another ends meets it exactly', () => {
  const first = start();
  busy(2);
  const endedAt = first.endWithReading();
  const next = start(endedAt);
  busy(2);
  next.end();
  assert.equal(next.startTime, first.endTime);
  assert.ok(ms(next.duration) >= 1.9);
  assert.is(first.endWithReading(), undefined, 'ended already: nothing to share');
});

test('an end before the start ends at the start', () => {
  const span = start();
  span.end(Date.now() - 60e3);
  assert.equal(span.endTime, span.startTime);
});

test.run();

'use strict';
// A span's times: readings of one timeline, the monotonic clock placed on the wall clock; one
// reading shared by spans that start or end at one moment.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');
const { AlwaysOnSampler } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { ClockReading, readClock } = require('../../dist/agent/tracing/clock');

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

test('a start the caller gave: the end comes from the timeline (an hour later)', () => {
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
  const handover = new ClockReading();
  const endedAt = first.endInto(handover);
  assert.is(endedAt, handover, 'written into the reading handed on');
  const next = start(endedAt);
  busy(2);
  next.end();
  assert.equal(next.startTime, first.endTime);
  assert.ok(ms(next.duration) >= 1.9);
  assert.is(first.endInto(handover), undefined, 'ended already: nothing to share');
  assert.equal(next.startTime, [handover.seconds, handover.nanos], 'the reading was not written again');
});

test('spans started one after another keep their order to the microsecond (one timeline, not a whole-millisecond start each)', () => {
  const spans = [];
  for (let i = 0; i < 50; i++) {
    spans.push(start());
    busy(0.05);
  }
  for (const span of spans) span.end();
  for (let i = 1; i < spans.length; i++) {
    const gap = ms(spans[i].startTime) - ms(spans[i - 1].startTime);
    assert.ok(gap >= 0.04, `span ${i} starts ${gap} ms after the one before, 0.05 ms were spent between`);
  }
  // Nested: a child started after its parent and ended before it lies inside it.
  const parent = start();
  busy(0.2);
  const child = start();
  busy(0.2);
  child.end();
  parent.end();
  assert.ok(ms(child.startTime) > ms(parent.startTime) && ms(child.endTime) < ms(parent.endTime), 'the child lies inside its parent');
});

test('a performance.now() time given through the API lands on the same timeline as the spans', () => {
  const before = start();
  const given = tracer.startSpan('given', { startTime: performance.now() }, ROOT_CONTEXT);
  const after = start();
  assert.ok(ms(given.startTime) >= ms(before.startTime) && ms(given.startTime) <= ms(after.startTime), 'between the spans started around it');
});

test('nanoseconds stay below a second and times stay whole numbers', () => {
  for (let i = 0; i < 200; i++) {
    const span = start();
    span.end();
    for (const [seconds, nanos] of [span.startTime, span.endTime]) {
      assert.ok(Number.isInteger(seconds) && Number.isInteger(nanos) && nanos >= 0 && nanos < 1e9, `${seconds} s ${nanos} ns`);
    }
  }
});

test('an end before the start ends at the start', () => {
  const span = start();
  span.end(Date.now() - 60e3);
  assert.equal(span.endTime, span.startTime);
});

test.run();

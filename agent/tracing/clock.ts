/**
 * When spans start and end: one timeline for the whole process, the monotonic clock placed on the
 * wall clock (`wallNowMs`). Every span's start and end is a reading of it, so the spans of one
 * process keep their order and nesting to the microsecond; per span anchors (a start from
 * Date.now(), whole milliseconds, and an end from it plus the monotonic time elapsed, as the SDK
 * does) let a child end up to a millisecond after its parent, and cost each span a start kept as a
 * floating-point number besides: 16 B of heap per span for the box V8 keeps such a field in.
 * A span's times are whole seconds and nanoseconds, which V8 keeps in the object itself.
 *
 * The wall clock can be stepped (an NTP step, a machine resumed from sleep, where the monotonic
 * clock stood still): at most once a second (by the monotonic clock) a reading compares the
 * timeline with Date.now() and moves it when the two disagree by more than DRIFT_LIMIT_MS. A span
 * open across such a move takes the step into its duration (an end before its start ends at the
 * start); every later span is placed right.
 *
 * A reading (ClockReading) is shared by spans that start or end at one moment: the spans of one
 * Kafka send start together and end together, and in an eachBatch loop the next message's span
 * starts at the very time the one the loop leaves ended.
 */
// The module's, not the global: Node's global `performance` is a getter, called at every use
// (~250 instructions a Kafka message's two recorded spans, callgrind on Node 24).
import { performance } from 'node:perf_hooks';
import type { HrTime, TimeInput } from '@opentelemetry/api';
import { isTimeInputHrTime } from '@opentelemetry/core';
import { keepShape } from './kept-shapes';

/** How far Date.now() may be from the timeline before the timeline moves to it (Date.now() itself ticks by whole ms). */
const DRIFT_LIMIT_MS = 2;
/** How often, by the monotonic clock, the timeline is compared with Date.now(). */
const CHECK_EVERY_MS = 1000;

/** Wall-clock ms = performance.now() + offset. performance.timeOrigin is the process's start on the wall clock, to the microsecond. */
let offsetMs = performance.timeOrigin;
let nextCheckAt = 0;

/** The wall clock now, in ms since the epoch, to a fraction of a microsecond: the monotonic clock on the process's timeline. */
export function wallNowMs(): number {
  const monotonic = performance.now();
  if (monotonic >= nextCheckAt) followWallClock(monotonic);
  return monotonic + offsetMs;
}

function followWallClock(monotonic: number): void {
  nextCheckAt = monotonic + CHECK_EVERY_MS;
  const drift = Date.now() - (monotonic + offsetMs);
  if (drift > DRIFT_LIMIT_MS || drift < -DRIFT_LIMIT_MS) offsetMs += drift;
}

/**
 * A moment: whole seconds since the epoch and the nanoseconds after them, both small integers (V8
 * keeps them in the object, no box per number). Mutable so that one reading can be handed from span
 * to span (eachBatch's loop); a span copies the numbers when it starts, never keeps the reading.
 */
export class ClockReading {
  // Assigned, not class fields (see CheckedSpanContext in span-context.ts).
  declare seconds: number;
  declare nanos: number;

  constructor(seconds = 0, nanos = 0) {
    this.seconds = seconds;
    this.nanos = nanos;
  }

  /** This reading set to `millis` (epoch ms). */
  setMillis(millis: number): this {
    this.seconds = secondsOf(millis);
    this.nanos = nanosOf(millis);
    return this;
  }
}

/** The clock now, into `into` when given (a reading that is handed on), else a new reading. */
export function readClock(into: ClockReading = new ClockReading()): ClockReading {
  return into.setMillis(wallNowMs());
}

// Made for recorded spans and handed between them (kept-shapes.ts); set as the hot path sets it.
keepShape(readClock());

/** The wall clock as HrTime. */
export function wallClockNow(): HrTime {
  const now = wallNowMs();
  return [secondsOf(now), nanosOf(now)];
}

/** A time given through the API: HrTime, Date, epoch milliseconds, or a performance.now() reading. */
export function explicitTime(input: TimeInput): HrTime {
  if (isTimeInputHrTime(input)) return input as HrTime;
  const millis = input instanceof Date ? input.getTime() : (input as number);
  // A number below the process's uptime is a performance.now() reading: placed on the timeline.
  const epochMillis = millis <= performance.now() ? millis + offsetMs : millis;
  return [secondsOf(epochMillis), nanosOf(epochMillis)];
}

/** Whole seconds of epoch `millis`. */
export function secondsOf(millis: number): number {
  return Math.floor(millis / 1000);
}

/** The nanoseconds of epoch `millis` after its whole second (below 1e9). */
export function nanosOf(millis: number): number {
  return Math.min(Math.round((millis - Math.floor(millis / 1000) * 1000) * 1e6), 999999999);
}

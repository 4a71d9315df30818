'use strict';
// How the interleaved benchmarks (floor.js, hotpath.js) order their rounds and read them.

/** The middle value; the mean of the two middle ones for an even count. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * `list` starting at its `by`-th entry, the ones before it moved to the end: each round runs the
 * configurations in another order, so that none always runs first (after the app's start-up and
 * the machine's idle spell) or last.
 */
function turned(list, by) {
  return [...list.slice(by % list.length), ...list.slice(0, by % list.length)];
}

module.exports = { median, turned };

/**
 * One instance of each kind of object hoptrace makes on every hop, kept for the life of the process.
 *
 * V8 gives an object the hidden class (map) that its constructor's assignments lead to, and holds
 * such a map only weakly: a full collection that finds no live instance of it lets it go, and every
 * optimized function that checks for it is thrown away, to run unoptimized until V8 compiles it
 * again. Between bursts a consumer holds no span context, no message iterator, nothing of a hop,
 * and Node collects in full when a process goes quiet. Seen with `--trace-deopt` (Node 24, eachBatch,
 * sampling off, after one full collection): fifteen functions of the hot path dropped at once
 * ("embedded weak objects cleared"), and still compiling again thousands of messages later. A kept
 * instance holds its map; the kept ones are a handful of small objects. Counted by callgrind over
 * the 10,000 messages after such a collection (bench/alloc's loops, sends of 100, Node 24, sampling off):
 * eachMessage 35,007 → 27,029 instructions a message (the floor's: 19,982), eachBatch 32,255 →
 * 24,629 (the floor's: ~17,500-18,300).
 */
const kept: object[] = [];

/** Keeps `instance` (and so its map) alive; made as the hot path makes its kind, with values of the same types. */
export function keepShape(instance: object): void {
  kept.push(instance);
}

/** Ids of the right form for the kept instances (never exported, never sent). */
export const KEPT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const KEPT_SPAN_ID = '00f067aa0ba902b7';

'use strict';
// hoptrace's context chain (agent/tracing/context.ts) against OpenTelemetry's own context
// (ROOT_CONTEXT, a BaseContext) on the same operations: random sequences of setValue / deleteValue
// from random earlier contexts, long enough to pass the depth at which a chain is folded, each
// read back for every key on both sides. Seeded, so every run tries the same sequences.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, createContextKey, context, trace } = require('@opentelemetry/api');
const { ROOT } = require('../../dist/agent/tracing/context');
const { contextManager } = require('../../dist/agent/tracing/context-manager');

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = Array.from({ length: 6 }, (_, i) => createContextKey(`key ${i}`));

test('the same values as OpenTelemetry’s context after any sequence of sets and deletes', () => {
  const random = mulberry32(21);
  for (let sequence = 0; sequence < 200; sequence++) {
    // Pairs [ours, theirs] derived in step; each operation starts from a random earlier pair.
    const pairs = [[ROOT, ROOT_CONTEXT]];
    for (let step = 0; step < 80; step++) {
      const [ours, theirs] = pairs[random() < 0.8 ? pairs.length - 1 : Math.floor(random() * pairs.length)];
      const key = KEYS[Math.floor(random() * KEYS.length)];
      const roll = random();
      const value = roll < 0.1 ? undefined : { step };
      pairs.push(roll < 0.25 ? [ours.deleteValue(key), theirs.deleteValue(key)] : [ours.setValue(key, value), theirs.setValue(key, value)]);
    }
    pairs.forEach(([ours, theirs], at) => {
      for (const key of KEYS) assert.is(ours.getValue(key), theirs.getValue(key), `sequence ${sequence}, context ${at}, ${key.toString()}`);
    });
  }
});

test('contexts are immutable: setting and deleting make new ones, the old ones read as before', () => {
  const [a, b] = KEYS;
  const one = ROOT.setValue(a, 1);
  const two = one.setValue(b, 2);
  const without = two.deleteValue(a);
  assert.is(one.getValue(b), undefined);
  assert.is(two.getValue(a), 1);
  assert.is(without.getValue(a), undefined);
  assert.is(without.getValue(b), 2);
  assert.is(ROOT.getValue(a), undefined);
  assert.is(ROOT.deleteValue(a), ROOT, 'deleting what is not there changes nothing');
});

test('the context manager answers with the chain’s root when nothing is active, and runs work in a context', () => {
  context.setGlobalContextManager(contextManager.enable());
  assert.is(context.active(), ROOT);
  const span = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
  const inside = context.with(trace.setSpan(context.active(), span), () => trace.getSpan(context.active()));
  assert.is(inside, span);
});


test.run();

'use strict';
// hoptrace's samplers against the SDK's on the same inputs: every sampler name the config accepts,
// asked about spans with no parent, sampled and unsampled parents (remote and local, hoptrace's
// own checked span contexts and plain objects), and parents whose ids are not valid.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanKind, TraceFlags, trace } = require('@opentelemetry/api');
const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = require('@opentelemetry/sdk-trace-node');
const { buildSampler } = require('../../dist/agent/tracing/sampler');
const { CheckedSpanContext, isValidSpanContext } = require('../../dist/agent/tracing/span-context');

const SDK = {
  always_on: () => new AlwaysOnSampler(),
  always_off: () => new AlwaysOffSampler(),
  traceidratio: (ratio) => new TraceIdRatioBasedSampler(ratio),
  parentbased_always_on: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  parentbased_always_off: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }),
  parentbased_traceidratio: (ratio) => new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
};

// A seeded generator, so that a failure names inputs that come back.
function random(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}
const hex = (next, length) => Array.from({ length }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');

function parents(next) {
  const traceId = hex(next, 32);
  const spanId = hex(next, 16);
  const out = [undefined];
  for (const flags of [TraceFlags.SAMPLED, TraceFlags.NONE]) {
    for (const isRemote of [true, false, undefined]) {
      out.push(new CheckedSpanContext(traceId, spanId, flags, undefined, isRemote));
      out.push({ traceId, spanId, traceFlags: flags, isRemote });
    }
    out.push({ traceId: '0'.repeat(32), spanId, traceFlags: flags });
    out.push({ traceId, spanId: 'not hex at all!!', traceFlags: flags });
    out.push({ traceId: traceId.slice(1), spanId, traceFlags: flags });
  }
  return out;
}

test('every sampler decides as the SDK sampler of the same name, for every kind of parent', () => {
  const next = random(7);
  let compared = 0;
  for (const [name, sdkSampler] of Object.entries(SDK)) {
    for (const ratio of name.endsWith('ratio') ? [0, 0.25, 0.5, 1] : [1]) {
      const ours = buildSampler({ name, ratio });
      const theirs = sdkSampler(ratio);
      for (let round = 0; round < 40; round++) {
        for (const parent of parents(next)) {
          const context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
          const traceId = parent && isValidSpanContext(parent) ? parent.traceId : hex(next, 32);
          const expected = theirs.shouldSample(context, traceId, 'span', SpanKind.CONSUMER, {}, []).decision;
          const actual = ours.shouldSample(context, traceId, 'span', SpanKind.CONSUMER, {}, []).decision;
          assert.is(actual, expected, `${name} ${ratio}: parent ${JSON.stringify(parent)}, trace ${traceId}`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 5000);
});

test('a checked span context is valid; other objects are checked by the API', () => {
  assert.ok(isValidSpanContext(new CheckedSpanContext('a'.repeat(32), 'b'.repeat(16), 1, undefined, true)));
  assert.ok(isValidSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }));
  assert.not.ok(isValidSpanContext({ traceId: '0'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }));
  assert.not.ok(isValidSpanContext({ traceId: 'a'.repeat(31), spanId: 'b'.repeat(16), traceFlags: 1 }));
});

test.run();

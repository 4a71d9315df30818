'use strict';
// hoptrace's samplers against the SDK's on the same inputs: every sampler name the config accepts,
// asked about spans with no parent, sampled and unsampled parents (remote and local, hoptrace's
// own checked span contexts and plain objects), and parents whose ids are not valid.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanKind, TraceFlags, trace } = require('@opentelemetry/api');
const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = require('@opentelemetry/sdk-trace-node');
const { buildSampler } = require('../../dist/agent/tracing/sampler');
const { CheckedSpanContext, isCheckedSpanContext, isValidSpanContext } = require('../../dist/agent/tracing/span-context');
const { UnsampledSpan } = require('../../dist/agent/tracing/unsampled-span');
const { SamplingDecision } = require('@opentelemetry/sdk-trace-node');

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
    for (const ratio of name.endsWith('ratio') ? [0, 0.1, 0.25, 0.5, 0.999, 1] : [1]) {
      const ours = buildSampler({ name, ratio });
      const theirs = sdkSampler(ratio);
      for (let round = 0; round < 40; round++) {
        for (const parent of parents(next)) {
          const context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
          const drawn = hex(next, 32);
          // Upper-case hex and ids that are not valid as well: the ratio sampler reads them all as the SDK's does.
          const traceId = parent && isValidSpanContext(parent) ? parent.traceId : round % 8 === 1 ? drawn.toUpperCase() : round % 8 === 2 ? '0'.repeat(32) : round % 8 === 3 ? drawn.slice(2) : round % 8 === 4 ? `${drawn.slice(0, 31)}g` : round % 8 === 5 ? `٣${drawn.slice(1)}` : drawn;
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

test("hoptrace's samplers answer with shared objects, and name themselves as the SDK's do", () => {
  const next = random(11);
  for (const name of [...Object.keys(SDK), 'parentbased_ratelimiting']) {
    const ours = buildSampler({ name, ratio: 0.5, perSecond: 50 });
    if (!name.startsWith('parentbased')) assert.is(ours.toString(), SDK[name](0.5).toString(), name);
    const answers = new Map();
    for (let i = 0; i < 200; i++) {
      const answer = ours.shouldSample(ROOT_CONTEXT, hex(next, 32), 'span', SpanKind.SERVER, {}, []);
      assert.ok(Object.isFrozen(answer), `${name}: a frozen answer`);
      if (answers.has(answer.decision)) assert.is(answer, answers.get(answer.decision), `${name}: one object per decision`);
      answers.set(answer.decision, answer);
    }
  }
});

test('a checked span context is valid; other objects are checked by the API', () => {
  assert.ok(isValidSpanContext(new CheckedSpanContext('a'.repeat(32), 'b'.repeat(16), 1, undefined, true)));
  assert.ok(isValidSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }));
  assert.not.ok(isValidSpanContext({ traceId: '0'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }));
  assert.not.ok(isValidSpanContext({ traceId: 'a'.repeat(31), spanId: 'b'.repeat(16), traceFlags: 1 }));
});

test("an unsampled span is a checked span context of its own, with the same five fields as any", () => {
  const unsampled = new UnsampledSpan('a'.repeat(32), 'b'.repeat(16), 0, undefined, {});
  assert.not.ok(unsampled instanceof CheckedSpanContext, 'a class of its own');
  assert.ok(isCheckedSpanContext(unsampled));
  assert.ok(isCheckedSpanContext(new CheckedSpanContext('a'.repeat(32), 'b'.repeat(16), 1, undefined, true)));
  assert.not.ok(isCheckedSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }));
  assert.equal(Object.keys(unsampled), Object.keys(new CheckedSpanContext('a'.repeat(32), 'b'.repeat(16), 1, undefined, undefined)));
  assert.equal(JSON.parse(JSON.stringify(unsampled)), { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 0 });
  // A parent-based sampler reads it as an unsampled parent, as it read it when it was a subclass.
  const parentFirst = buildSampler({ name: 'parentbased_always_on' }, 'svc');
  const ctx = trace.setSpan(ROOT_CONTEXT, unsampled);
  assert.is(parentFirst.shouldSample(ctx, 'a'.repeat(32), 'x', 0, {}, []).decision, SamplingDecision.NOT_RECORD);
});

test.run();

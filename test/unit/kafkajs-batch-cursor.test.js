'use strict';
// How eachBatch follows the app's loop over batch.messages (instrumentations/kafkajs/batch.ts), in
// process: for each way of walking the batch, which message's span the work lands in. "batch" is
// the batch span: where work goes whenever hoptrace cannot be sure which message it belongs to.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, context, propagation, trace } = require('@opentelemetry/api');
const { AlwaysOnSampler, SamplingDecision } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { contextManager } = require('../../dist/agent/tracing/context-manager');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');
const { traceEachBatch } = require('../../dist/instrumentations/kafkajs/batch');
const { KafkaDestinations } = require('../../dist/instrumentations/kafkajs/destinations');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');

// The globals are the process's: other test files in this run register the same ones.
context.setGlobalContextManager(contextManager.enable());
propagation.setGlobalPropagator(new HoptracePropagator(['tracecontext', 'jaeger']));

const TRACE = (n) => `${n}`.repeat(32);
const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `handler` as an eachBatch handler over messages k1…k`count`, each from its own producer
 * trace. `handler(payload, at)`: `at(label)` notes where the work runs now. Resolves with the notes
 * as [label, 'k1' | … | 'batch'], the spans that ended, and the handler's error.
 */
async function walk(handler, count = 3, sampler = new AlwaysOnSampler()) {
  const ended = [];
  const processor = { onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const tracer = new HoptraceTracer({ resource: resourceFromAttributes({}), sampler, processor }, '@hoptrace/kafkajs', '1');
  const messages = Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`k${i + 1}`),
    offset: String(i),
    timestamp: String(Date.now()),
    headers: { traceparent: `00-${TRACE(i + 1)}-${'b'.repeat(16)}-01` },
  }));
  const resolved = [];
  const batch = {
    topic: 't',
    partition: 0,
    messages,
    // kafkajs's Batch reads its own messages: run against kafkajs's object, never through the view.
    lastOffset() {
      return this.messages[this.messages.length - 1].offset;
    },
    calledOnItself() {
      return this === batch;
    },
  };
  const payload = { batch, resolveOffset: (...args) => resolved.push(args.length === 1 ? args[0] : args), heartbeat: async () => {} };
  const tracers = { tracerFor: () => tracer, settledTracerFor: () => tracer };
  const tracing = { destinations: new KafkaDestinations(tracers, '@hoptrace/kafkajs', {}), options: { consumerParent: 'child', producerSpans: 'per-message' } };
  const notes = [];
  const at = (label) => {
    const traceId = trace.getSpan(context.active())?.spanContext().traceId;
    const n = [1, 2, 3, 4].find((i) => TRACE(i) === traceId);
    notes.push([label, n ? `k${n}` : 'batch']);
  };
  const traced = traceEachBatch(tracing, (p) => handler(p, at, () => messageSpans(ended).length));
  let error;
  let thrownSynchronously = false;
  try {
    await context.with(ROOT_CONTEXT, () => {
      try {
        return traced(payload);
      } catch (e) {
        thrownSynchronously = true;
        throw e;
      }
    });
  } catch (e) {
    error = e;
  }
  return { notes, ended, error, resolved, thrownSynchronously };
}

const messageSpans = (ended) => ended.filter((s) => s.attributes['messaging.batch.message_count'] === undefined);
const batchSpanOf = (ended) => ended.find((s) => s.attributes['messaging.batch.message_count'] !== undefined);

test('for…of with await in the body: each message its own span, after the loop the batch', async () => {
  const { notes, ended } = await walk(async ({ batch }, at) => {
    at('before');
    for (const message of batch.messages) {
      await tick();
      at(`body ${message.key}`);
    }
    at('after');
  });
  assert.equal(notes, [['before', 'batch'], ['body k1', 'k1'], ['body k2', 'k2'], ['body k3', 'k3'], ['after', 'batch']]);
  assert.is(messageSpans(ended).length, 3);
  assert.ok(ended.every((s) => s.ended));
});

test('a message the loop leaves ends as the next one starts: one moment for both, and every span lasts as long as its body', async () => {
  const { ended } = await walk(async ({ batch }) => {
    for (const message of batch.messages) {
      // Work in the body, 3 ms by the monotonic clock: each span must last at least this long.
      const until = performance.now() + 3;
      while (performance.now() < until);
      void message;
    }
  });
  const spans = messageSpans(ended);
  assert.is(spans.length, 3);
  assert.equal(spans[1].startTime, spans[0].endTime, 'k2 starts when k1 ends');
  assert.equal(spans[2].startTime, spans[1].endTime, 'k3 starts when k2 ends');
  for (const span of spans) {
    const [seconds, nanos] = span.duration;
    assert.ok(seconds * 1e3 + nanos / 1e6 >= 2.9, `${span.attributes['messaging.kafka.message.key']} lasted ${seconds}s ${nanos}ns`);
  }
});

test('values() is followed like for…of; for await too', async () => {
  const { notes } = await walk(async ({ batch }, at) => {
    for (const message of batch.messages.values()) at(`values ${message.key}`);
    for await (const message of batch.messages) {
      await tick();
      at(`await ${message.key}`);
    }
    at('after');
  });
  assert.equal(notes, [
    ['values k1', 'k1'], ['values k2', 'k2'], ['values k3', 'k3'],
    ['await k1', 'k1'], ['await k2', 'k2'], ['await k3', 'k3'],
    ['after', 'batch'],
  ]);
});

test('break: the rest is the batch; the messages never reached get no span', async () => {
  const { notes, ended } = await walk(async ({ batch }, at) => {
    for (const message of batch.messages) {
      at(`body ${message.key}`);
      if (String(message.key) === 'k2') break;
    }
    at('after break');
  });
  assert.equal(notes, [['body k1', 'k1'], ['body k2', 'k2'], ['after break', 'batch']]);
  assert.equal(messageSpans(ended).map((s) => s.attributes['messaging.kafka.message.key']), ['k1', 'k2']);
});

test('an early return from inside the loop ends the message span with the batch', async () => {
  const { notes, ended } = await walk(async ({ batch }, at) => {
    for (const message of batch.messages) {
      at(`body ${message.key}`);
      if (String(message.key) === 'k1') return;
    }
  });
  assert.equal(notes, [['body k1', 'k1']]);
  assert.is(messageSpans(ended).length, 1);
  assert.ok(batchSpanOf(ended));
});

test('nested loops over the messages: the work of both belongs to several messages, so the batch', async () => {
  const { notes } = await walk(async ({ batch }, at) => {
    for (const outer of batch.messages) {
      at(`outer ${outer.key}`);
      for (const inner of batch.messages) at(`inner ${outer.key}/${inner.key}`);
      at(`outer ${outer.key} again`);
    }
    batch.messages.forEach((m) => at(`forEach ${m.key} after nesting`));
  }, 2);
  assert.equal(notes, [
    ['outer k1', 'k1'],
    ['inner k1/k1', 'batch'], ['inner k1/k2', 'batch'],
    ['outer k1 again', 'batch'],
    ['outer k2', 'batch'], ['inner k2/k1', 'batch'], ['inner k2/k2', 'batch'], ['outer k2 again', 'batch'],
    ['forEach k1 after nesting', 'batch'], ['forEach k2 after nesting', 'batch'],
  ]);
});

test('forEach and map: each callback in its message, async work included; the batch afterwards', async () => {
  const { notes } = await walk(async ({ batch }, at) => {
    const pending = [];
    batch.messages.forEach((m) => pending.push(tick().then(() => at(`forEach ${m.key}`))));
    await Promise.all(pending);
    await Promise.all(batch.messages.map(async (m) => (await tick(), at(`map ${m.key}`))));
    at('after');
  }, 2);
  assert.equal(notes, [['forEach k1', 'k1'], ['forEach k2', 'k2'], ['map k1', 'k1'], ['map k2', 'k2'], ['after', 'batch']]);
});

test('index loops from 0 in order are followed; repeated length reads are safe, the last message hands back early', async () => {
  const { notes } = await walk(async ({ batch }, at) => {
    for (let i = 0; i < batch.messages.length; i++) {
      const message = batch.messages[i];
      at(`start ${message.key}`);
      if (batch.messages.length > 0) at(`after a second length read ${message.key}`);
    }
    at('after');
  });
  assert.equal(notes, [
    ['start k1', 'k1'], ['after a second length read k1', 'k1'],
    ['start k2', 'k2'], ['after a second length read k2', 'k2'],
    ['start k3', 'k3'],
    // At the last message a length read may be the loop's end: hoptrace cannot tell, so the batch.
    ['after a second length read k3', 'batch'],
    ['after', 'batch'],
  ]);
});

test('index loops that skip, or go backwards, return to the batch for good', async () => {
  const skipping = await walk(async ({ batch }, at) => {
    for (let i = 0; i < batch.messages.length; i += 2) at(`skip ${batch.messages[i].key}`);
  });
  assert.equal(skipping.notes, [['skip k1', 'k1'], ['skip k3', 'batch']]);
  const backwards = await walk(async ({ batch }, at) => {
    for (let i = batch.messages.length - 1; i >= 0; i--) at(`back ${batch.messages[i].key}`);
  });
  assert.equal(backwards.notes, [['back k3', 'batch'], ['back k2', 'batch'], ['back k1', 'batch']]);
});

test('resolveOffset: for the current message it ends its span, and the rest of the loop body stays in its trace; out of order it changes nothing', async () => {
  const endedWhen = [];
  const { notes, ended, resolved } = await walk(async ({ batch, resolveOffset }, at, endedSoFar) => {
    for (const message of batch.messages) {
      resolveOffset(message.offset === '0' ? '1' : '0'); // another message's offset
      at(`after another's ${message.key}`);
      endedWhen.push(endedSoFar());
      resolveOffset(message.offset);
      at(`after its own ${message.key}`);
      endedWhen.push(endedSoFar());
    }
  }, 2);
  assert.equal(endedWhen, [0, 1, 1, 2], "each message's span ends at resolveOffset for it, not before");
  assert.equal(notes, [
    ["after another's k1", 'k1'], ['after its own k1', 'k1'],
    ["after another's k2", 'k2'], ['after its own k2', 'k2'],
  ]);
  assert.equal(resolved, ['1', '0', '0', '1'], 'kafkajs gets every call');
  assert.is(messageSpans(ended).length, 2);
});

test('an exception mid-loop: the handler fails as without hoptrace, recorded where it can be placed for sure', async () => {
  const thrown = new RangeError('message 2 failed');
  const forOf = await walk(async ({ batch }) => {
    for (const message of batch.messages) if (String(message.key) === 'k2') throw thrown;
  });
  assert.is(forOf.error, thrown);
  assert.is(batchSpanOf(forOf.ended).status.code, 2);
  assert.is(batchSpanOf(forOf.ended).attributes['error.type'], 'RangeError');
  // for…of has already left message 2 when the error reaches hoptrace: a break looks the same.
  assert.ok(messageSpans(forOf.ended).every((s) => s.status.code !== 2));

  const forEach = await walk(async ({ batch }) => {
    batch.messages.forEach((message) => {
      if (String(message.key) === 'k2') throw thrown;
    });
  });
  assert.is(forEach.error, thrown);
  const failed = messageSpans(forEach.ended).filter((s) => s.status.code === 2);
  assert.equal(failed.map((s) => s.attributes['messaging.kafka.message.key']), ['k2'], 'thrown inside its callback: on message 2');
  assert.is(batchSpanOf(forEach.ended).status.code, 2);
});

test('a handler that throws before it returns: kafkajs gets the throw as it came, not a rejection; the batch and the message it was on record it and end', async () => {
  const thrown = new TypeError('no batch of this shape');
  const run = await walk(({ batch }, at) => {
    if (batch.messages.length > 0 && batch.messages[0]) at('thrown');
    throw thrown;
  });
  assert.is(run.error, thrown);
  assert.ok(run.thrownSynchronously, 'as without hoptrace: a plain function that throws throws to its caller');
  assert.equal(run.notes, [['thrown', 'k1']]);
  assert.is(batchSpanOf(run.ended).status.code, 2);
  assert.is(batchSpanOf(run.ended).attributes['error.type'], 'TypeError');
  const failed = messageSpans(run.ended).filter((s) => s.status.code === 2);
  assert.equal(failed.map((s) => String(s.attributes['messaging.kafka.message.key'])), ['k1']);
  assert.ok(run.ended.every((s) => s.ended));
});

test('array methods other than forEach and map work on the plain array, on the batch', async () => {
  const { notes } = await walk(async ({ batch }, at) => {
    for (const message of batch.messages.filter(() => true)) at(`filtered ${message.key}`);
    batch.messages.slice(1).forEach((m) => at(`sliced ${m.key}`));
  }, 2);
  assert.equal(notes, [['filtered k1', 'batch'], ['filtered k2', 'batch'], ['sliced k2', 'batch']]);
});

test('a second loop over the batch: each message back in its trace, under the span of its first visit, ended; no second span', async () => {
  const firstVisit = [];
  const secondVisit = [];
  const recordingOnSecondVisit = [];
  const { notes, ended } = await walk(async ({ batch }, at) => {
    for (const message of batch.messages) firstVisit.push(trace.getSpan(context.active()).spanContext().spanId);
    for (const message of batch.messages) {
      at(`again ${message.key}`);
      const span = trace.getSpan(context.active());
      secondVisit.push(span.spanContext().spanId);
      recordingOnSecondVisit.push(span.isRecording());
      span.setAttribute('set.on.second.visit', true);
    }
  }, 2);
  assert.equal(notes, [['again k1', 'k1'], ['again k2', 'k2']]);
  assert.equal(secondVisit, firstVisit, 'the same span ids');
  assert.equal(recordingOnSecondVisit, [false, false], 'ended: it records nothing more');
  const spans = messageSpans(ended);
  assert.is(spans.length, 2, 'one span per message');
  assert.equal(spans.map((s) => s.spanContext().spanId), firstVisit);
  assert.equal(spans.map((s) => s.attributes['set.on.second.visit']), [undefined, undefined], 'nothing set after the end');
});

test("the batch's methods run on kafkajs's own object, a method taken off the view works on any array, and resolveOffset gets every argument as given", async () => {
  let ownBatch;
  let lastOffset;
  let plainForEach;
  const { notes, resolved } = await walk(async ({ batch, resolveOffset }, at) => {
    for (const message of batch.messages) {
      at(`before ${message.key}`);
      // Between the messages: the method reads kafkajs's array, which moves nothing.
      lastOffset = batch.lastOffset();
      ownBatch = batch.calledOnItself();
      at(`after ${message.key}`);
      resolveOffset(message.offset, 7);
    }
    const { forEach } = batch.messages;
    plainForEach = [];
    forEach.call([1, 2], (n) => plainForEach.push(n));
  }, 2);
  assert.equal(notes, [['before k1', 'k1'], ['after k1', 'k1'], ['before k2', 'k2'], ['after k2', 'k2']]);
  assert.is(lastOffset, '1');
  assert.is(ownBatch, true, "`this` is kafkajs's batch, not the view");
  assert.equal(plainForEach, [1, 2]);
  assert.equal(resolved, [['0', 7], ['1', 7]], 'the leader epoch (confluent) passed on');
});

test("every message span links to the batch span, through one list the spans share once one is recorded, the batch span's or a message's", async () => {
  const recorded = { shouldSample: () => ({ decision: SamplingDecision.RECORD_AND_SAMPLED }), toString: () => 'all' };
  // The batch span starts without links, each message span with its link to the batch span.
  const messagesOnly = { shouldSample: (_c, _t, _n, _k, _a, links) => ({ decision: links.length > 0 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD }), toString: () => 'messages' };
  const loop = async ({ batch }) => {
    for (const message of batch.messages) void message;
  };
  const all = await walk(loop, 4, recorded);
  const batchContext = batchSpanOf(all.ended).spanContext();
  const spans = messageSpans(all.ended);
  assert.is(spans.length, 4);
  for (const span of spans) assert.equal(span.links.map((l) => l.context.spanId), [batchContext.spanId]);
  assert.ok(spans.every((span) => span.links === spans[0].links) && Object.isFrozen(spans[0].links), 'one frozen list for all');

  const some = await walk(loop, 4, messagesOnly);
  assert.is(batchSpanOf(some.ended), undefined, 'the batch span is not recorded');
  const later = messageSpans(some.ended);
  assert.is(later.length, 4);
  const batchSpanId = later[0].links[0].context.spanId;
  for (const span of later) assert.equal(span.links.map((l) => l.context.spanId), [batchSpanId]);
  // The first recorded message span kept its own copy; from then on the list is shared.
  assert.ok(later.slice(2).every((span) => span.links === later[1].links) && Object.isFrozen(later[1].links));
});

test('a view the app keeps after the batch is the plain array: every message, no span switched, nothing of the batch kept', async () => {
  let kept;
  let keptResolve;
  const { ended } = await walk(async ({ batch, resolveOffset }) => {
    kept = batch;
    keptResolve = resolveOffset;
    for (const message of batch.messages) resolveOffset(message.offset);
  }, 3);
  const spansAtEnd = ended.length;
  const outside = context.active();
  const keys = (list) => list.map((m) => `${m.key}`);
  const seen = [];
  for (const message of kept.messages) seen.push(`${message.key}`);
  assert.equal(seen, ['k1', 'k2', 'k3'], 'for…of');
  assert.equal(keys([...kept.messages.values()]), ['k1', 'k2', 'k3'], 'values()');
  const viaForEach = [];
  kept.messages.forEach((m, i, all) => viaForEach.push([`${m.key}`, i, all.length]));
  assert.equal(viaForEach, [['k1', 0, 3], ['k2', 1, 3], ['k3', 2, 3]], 'forEach, with index and array');
  assert.equal(kept.messages.map((m) => `${m.key}`), ['k1', 'k2', 'k3'], 'map');
  const viaIndex = [];
  for (let i = 0; i < kept.messages.length; i++) viaIndex.push(`${kept.messages[i].key}`);
  assert.equal(viaIndex, ['k1', 'k2', 'k3'], 'index loop');
  assert.is(kept.topic, 't');
  keptResolve('1');
  assert.is(context.active(), outside, 'nothing entered a message or batch context');
  assert.is(ended.length, spansAtEnd, 'no span started or ended after the batch');
});

test.run();

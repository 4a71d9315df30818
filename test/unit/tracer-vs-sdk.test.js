'use strict';
// hoptrace's span (agent/tracing/span.ts) against the OpenTelemetry SDK's, run side by side on the
// same inputs: seeded random sequences of what an app can do to a span through the API (attributes
// good and bad, events, links valid and not, status, name, exceptions, end, and everything again
// after the end), past every limit. The views exporters read (ReadableSpan) must agree.
//
// Two differences are by design and left out of the comparison: an Error's exception.type follows
// hoptrace's error rule (agent/tracing/errors.ts: a string code, else the class), where the SDK
// writes any code, numbers included; and a link whose ids are not valid is dropped when added, where
// the SDK keeps it for every exporter to send (and backends to refuse).
const { isSpanContextValid } = require('@opentelemetry/api');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = require('@opentelemetry/api');
const { AlwaysOnSampler, BasicTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { HoptraceTracer } = require('../../dist/agent/tracing/tracer');

function random(seed) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function tracers() {
  const ended = { ours: [], sdk: [] };
  const processor = (list) => ({ onStart() {}, onEnd: (s) => list.push(s), forceFlush: async () => {}, shutdown: async () => {} });
  const resource = resourceFromAttributes({ 'service.name': 'orders' });
  const ours = new HoptraceTracer({ resource, sampler: new AlwaysOnSampler(), processor: processor(ended.ours) }, 'diff', '1');
  const sdk = new BasicTracerProvider({ resource, sampler: new AlwaysOnSampler(), spanProcessors: [processor(ended.sdk)] }).getTracer('diff', '1');
  return { ours, sdk, ended };
}

const VALID_LINK = (i) => ({ context: { traceId: `${(i % 9) + 1}`.repeat(32), spanId: `${(i % 7) + 1}`.repeat(16), traceFlags: 1 }, attributes: { n: i } });
const INVALID_LINK = { context: { traceId: 'nope', spanId: '2222222222222222', traceFlags: 1 } };
const VALUES = ['text', '', 7, -1.5, 0, true, false, ['a', 'b'], [1, 2, 3], [true, null], [], ['a', 1], { nested: 1 }, null, undefined, () => 0, Symbol('s'), NaN];
const KEYS = ['http.route', 'a', 'b', '', 'list', 'toString', '__proto__', 'constructor'];

/** One operation, chosen by `next` (every choice made here, not in the closure), applied alike to both spans. */
function operation(next, i) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const kind = Math.floor(next() * 12);
  const key = next() < 0.3 ? `k${Math.floor(next() * 200)}` : pick(KEYS);
  const value = pick(VALUES);
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return [`setAttribute(${String(key)}, ${String(value)})`, (s) => s.setAttribute(key, value)];
    case 3: {
      const second = pick(VALUES);
      return ['setAttributes', (s) => s.setAttributes({ [key]: value, [`${key}2`]: second })];
    }
    case 4: {
      const attributes = next() < 0.5 ? { [key]: value } : undefined;
      return ['addEvent', (s) => s.addEvent(`e${i}`, attributes, [1764115200 + i, 0])];
    }
    case 5: {
      const link = next() < 0.7 ? VALID_LINK(i) : INVALID_LINK;
      return ['addLink', (s) => s.addLink(link)];
    }
    case 6:
      return ['addLinks', (s) => s.addLinks([VALID_LINK(i), INVALID_LINK, VALID_LINK(i + 1)])];
    case 7: {
      const status = pick([{ code: SpanStatusCode.ERROR, message: 'boom' }, { code: SpanStatusCode.OK }, { code: SpanStatusCode.UNSET }, { code: SpanStatusCode.ERROR }, { code: SpanStatusCode.OK, message: 'ignored' }]);
      return [`setStatus(${JSON.stringify(status)})`, (s) => s.setStatus(status)];
    }
    case 8:
      return ['updateName', (s) => s.updateName(`name ${i}`)];
    case 9: {
      const exception = pick([new TypeError('bad'), Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'plain text', { name: 'Shape', message: 'shaped' }]);
      return ['recordException', (s) => s.recordException(exception, [1764115300 + i, 0])];
    }
    case 10:
      return ['end', (s) => s.end([1764115400 + i, 0])];
    default:
      return ['isRecording', (s) => s.isRecording()];
  }
}

/**
 * Attributes as sorted [key, value] pairs: compared as objects, a `constructor` attribute would be
 * taken for the object's class, and the SDK's copy of `{ __proto__: … }` has no prototype.
 */
const entries = (attributes) => Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** What an exporter reads of a span, in a form both can be compared in. */
function view(span) {
  return {
    name: span.name,
    kind: span.kind,
    attributes: entries(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    status: { ...span.status },
    events: span.events.map((e) => ({ name: e.name, time: e.time, attributes: entries(e.attributes), droppedAttributesCount: e.droppedAttributesCount ?? 0 })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.filter((l) => isSpanContextValid(l.context)).map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes && entries(l.attributes), droppedAttributesCount: l.droppedAttributesCount ?? 0 })),
    droppedLinksCount: span.droppedLinksCount,
    ended: span.ended,
    endTime: span.endTime,
    recording: span.isRecording(),
    parent: span.parentSpanContext?.spanId,
  };
}

test('400 random sequences of API calls: the same span as the SDK makes', () => {
  const next = random(2024);
  let compared = 0;
  for (let run = 0; run < 400; run++) {
    const { ours, sdk } = tracers();
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1, isRemote: true });
    const initial = next() < 0.5 ? { 'http.request.method': 'GET', count: 3 } : undefined;
    const options = { kind: SpanKind.CONSUMER, attributes: initial, startTime: [1764115200, 0], links: next() < 0.3 ? [VALID_LINK(run)] : undefined };
    const a = ours.startSpan('start', options, parent);
    const b = sdk.startSpan('start', options, parent);
    const steps = [];
    for (let i = 0; i < 40 + Math.floor(next() * 250); i++) {
      const [label, apply] = operation(next, i);
      steps.push(label);
      apply(a);
      apply(b);
    }
    // The attributes handed to startSpan are the caller's: neither span may change them.
    if (initial) assert.equal(initial, { 'http.request.method': 'GET', count: 3 }, `run ${run}: the caller's attributes changed`);
    const va = view(a);
    const vb = view(b);
    // By design (see the file head): an Error's exception.type by hoptrace's rule.
    for (const event of [...va.events, ...vb.events]) if (event.name === 'exception') delete event.attributes['exception.type'];
    assert.equal(va, vb, `run ${run}, after: ${steps.slice(-8).join(', ')}`);
    compared++;
  }
  assert.is(compared, 400);
});

test('an Error with a string code or none: exception.type is the same as the SDK\'s', () => {
  const { ours, sdk } = tracers();
  for (const error of [new TypeError('bad'), Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), new RangeError('range')]) {
    const a = ours.startSpan('x', {}, ROOT_CONTEXT);
    const b = sdk.startSpan('x', {}, ROOT_CONTEXT);
    a.recordException(error);
    b.recordException(error);
    assert.is(a.events[0].attributes['exception.type'], b.events[0].attributes['exception.type'], error.message);
  }
});

test.run();

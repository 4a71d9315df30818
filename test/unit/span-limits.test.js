'use strict';
// OpenTelemetry's span limit variables, read from the environment and applied as the SDK applies
// them: hoptrace's span against the SDK's, configured with the same limits, on the same calls.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');
const { AlwaysOnSampler, BasicTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { HoptraceTracer, setMadeAttribute } = require('../../dist/agent/tracing/tracer');
const { setSpanLimits, DEFAULT_SPAN_LIMITS } = require('../../dist/agent/tracing/span-limits');
const { loadConfig } = require('../../dist/agent/config/load-config');

const ENV = {
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '3',
  OTEL_ATTRIBUTE_COUNT_LIMIT: '99',
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '5',
  OTEL_SPAN_EVENT_COUNT_LIMIT: '2',
  OTEL_SPAN_LINK_COUNT_LIMIT: '1',
  OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: '1',
  OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: '2',
};

test('the variables are read, the span-specific ones before the general ones; unset ones keep the defaults', () => {
  const warnings = [];
  const { spanLimits } = loadConfig(ENV, {}, (m) => warnings.push(m));
  assert.equal(warnings, []);
  assert.equal({ ...spanLimits }, { attributeCount: 3, attributeValueLength: 5, eventCount: 2, linkCount: 1, eventAttributeCount: 1, linkAttributeCount: 2 });
  assert.equal({ ...loadConfig({}, {}, () => {}).spanLimits }, { ...DEFAULT_SPAN_LIMITS });
  assert.is(loadConfig({ OTEL_ATTRIBUTE_COUNT_LIMIT: '7' }, {}, () => {}).spanLimits.attributeCount, 7);
  const bad = [];
  assert.is(loadConfig({ OTEL_SPAN_EVENT_COUNT_LIMIT: 'lots' }, {}, (m) => bad.push(m)).spanLimits.eventCount, 128);
  assert.equal(bad, ['OTEL_SPAN_EVENT_COUNT_LIMIT="lots" is not valid (expected a whole number from 0 up); using 128']);
});

test('applied as the SDK applies the same limits: attributes, value lengths, events, links and their attributes', () => {
  const limits = loadConfig(ENV, {}, () => {}).spanLimits;
  setSpanLimits(limits);
  try {
    const ended = [];
    const processor = { onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
    const resource = resourceFromAttributes({});
    const ours = new HoptraceTracer({ resource, sampler: new AlwaysOnSampler(), processor }, 't', '1');
    const sdk = new BasicTracerProvider({
      resource,
      sampler: new AlwaysOnSampler(),
      spanProcessors: [processor],
      spanLimits: {
        attributeCountLimit: limits.attributeCount,
        attributeValueLengthLimit: limits.attributeValueLength,
        eventCountLimit: limits.eventCount,
        linkCountLimit: limits.linkCount,
        attributePerEventCountLimit: limits.eventAttributeCount,
        attributePerLinkCountLimit: limits.linkAttributeCount,
      },
    }).getTracer('t', '1');
    const link = (n) => ({ context: { traceId: `${n}`.repeat(32), spanId: `${n}`.repeat(16), traceFlags: 1 }, attributes: { a: 'abcdefgh', b: 2, c: 3 } });
    for (const tracer of [ours, sdk]) {
      const span = tracer.startSpan('op', { attributes: { first: 'abcdefghij', list: ['abcdefgh', 'ab'] }, links: [link(1), link(2)] }, ROOT_CONTEXT);
      span.setAttribute('second', 'short');
      span.setAttribute('third', 'dropped: past the count');
      span.setAttribute('first', 'replaced and cut');
      span.addEvent('one', { x: 'abcdefgh', y: 2 });
      span.addEvent('two');
      span.addEvent('three', { z: 1 });
      span.end();
    }
    const view = (s) => ({
      attributes: s.attributes,
      droppedAttributesCount: s.droppedAttributesCount,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes, droppedAttributesCount: e.droppedAttributesCount })),
      droppedEventsCount: s.droppedEventsCount,
      links: s.links.map((l) => ({ attributes: l.attributes, droppedAttributesCount: l.droppedAttributesCount })),
      droppedLinksCount: s.droppedLinksCount,
    });
    assert.equal(view(ended[0]), view(ended[1]));
    assert.equal(ended[0].attributes, { first: 'repla', list: ['abcde', 'ab'], second: 'short' });
    assert.is(ended[0].droppedAttributesCount, 1);
    assert.equal(ended[0].events.map((e) => e.name), ['two', 'three']);
    assert.is(ended[0].links.length, 1);
  } finally {
    setSpanLimits(DEFAULT_SPAN_LIMITS);
  }
});

test("a destination's template counts once per key toward the limit, whether or not the span's own attributes repeat its keys", () => {
  setSpanLimits({ ...DEFAULT_SPAN_LIMITS, attributeCount: 3 });
  try {
    const ended = [];
    const processor = { onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
    const resource = resourceFromAttributes({});
    const ours = new HoptraceTracer({ resource, sampler: new AlwaysOnSampler(), processor }, 't', '1');
    const sdk = new BasicTracerProvider({ resource, sampler: new AlwaysOnSampler(), spanProcessors: [processor], spanLimits: { attributeCountLimit: 3 } }).getTracer('t', '1');
    const template = Object.freeze({ topic: 'orders', system: 'kafka' });
    // The same span both ways: hoptrace's with the template beside its own attributes (one of
    // them over a template key), the SDK's with all of them as one object.
    const spans = [
      ours.startSpanWith('send', SpanKind.PRODUCER, ROOT_CONTEXT, () => ({ topic: 'orders-retry' }), undefined, undefined, template),
      sdk.startSpan('send', { kind: SpanKind.PRODUCER, attributes: { ...template, topic: 'orders-retry' } }, ROOT_CONTEXT),
    ];
    for (const span of spans) {
      span.setAttribute('key', 'k1'); // the third key: kept
      span.setAttribute('offset', 7); // a fourth: dropped
      span.setAttribute('system', 'kafka-2'); // over the template's: no new key, kept
      span.end();
    }
    assert.equal(ended[0].attributes, { topic: 'orders-retry', system: 'kafka-2', key: 'k1' });
    assert.equal(ended[0].attributes, ended[1].attributes);
    assert.is(ended[0].droppedAttributesCount, 1);
    assert.is(ended[1].droppedAttributesCount, 1);
  } finally {
    setSpanLimits(DEFAULT_SPAN_LIMITS);
  }
});

test("attributes hoptrace makes after the start (a message's partition, a response's status) count as the app's do", () => {
  for (const limit of [3, 4, 128]) {
    setSpanLimits({ ...DEFAULT_SPAN_LIMITS, attributeCount: limit });
    try {
      const ended = [];
      const processor = { onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
      const resource = resourceFromAttributes({});
      const ours = new HoptraceTracer({ resource, sampler: new AlwaysOnSampler(), processor }, 't', '1');
      const sdk = new BasicTracerProvider({ resource, sampler: new AlwaysOnSampler(), spanProcessors: [processor], spanLimits: { attributeCountLimit: limit } }).getTracer('t', '1');
      const template = Object.freeze({ topic: 'orders', system: 'kafka' });
      const spans = [
        ours.startSpanWith('send', SpanKind.PRODUCER, ROOT_CONTEXT, () => ({ topic: 'orders-retry' }), undefined, undefined, template),
        sdk.startSpan('send', { kind: SpanKind.PRODUCER, attributes: { ...template, topic: 'orders-retry' } }, ROOT_CONTEXT),
      ];
      for (const span of spans) {
        // A new key, one set twice, one of the template's, then more new ones than the limit leaves room for.
        for (const [key, value] of [['partition', '0'], ['offset', 7], ['offset', 8], ['system', 'kafka-2'], ['status', 200], ['version', '1.1']]) setMadeAttribute(span, key, value);
        span.end();
        setMadeAttribute(span, 'late', 1); // after the end: ignored
      }
      assert.equal(ended[0].attributes, ended[1].attributes, `limit ${limit}`);
      assert.is(ended[0].droppedAttributesCount, ended[1].droppedAttributesCount, `limit ${limit}`);
    } finally {
      setSpanLimits(DEFAULT_SPAN_LIMITS);
    }
  }
});

test.run();

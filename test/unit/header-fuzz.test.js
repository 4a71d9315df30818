'use strict';
// Property-based fuzzing of every header reader hoptrace has: the two getters in
// agent/propagation/carriers.ts, HoptracePropagator.extract, and the Kafka helpers
// extractMessageContext / headersWithContext. Inputs come from a seeded PRNG (mulberry32), so every
// run sees the same cases. A property that fails is reported with the smallest input that broke it
// (the first failure would hide the others). HEADER_FUZZ_SUMMARY=1 prints how many inputs ran.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, context, createContextKey, isSpanContextValid, propagation, trace } = require('@opentelemetry/api');
const { contextManager } = require('../../dist/agent/tracing/context-manager');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { anyCaseHeaderGetter, incomingHttpHeaderGetter } = require('../../dist/agent/propagation/carriers');

// The README's rule (Context propagation): "A malformed or oversized value (over 8 KiB) is
// ignored". Written here, not imported from the code under test, so that a changed limit fails.
const MAX_HEADER_VALUE_LENGTH = 8 * 1024;
const { extractMessageContext, headersWithContext } = require('../../dist/instrumentations/kafkajs/headers');

// The globals are the process's: other test files in this run register the same ones.
context.setGlobalContextManager(contextManager.enable());
propagation.setGlobalPropagator(new HoptracePropagator(['tracecontext', 'jaeger']));

const propagator = new HoptracePropagator(['tracecontext', 'jaeger']);
const SEED = 0x4f7a11ce;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32, seeded per test so that adding cases to one test does not reshuffle the others. */
function randomSource(testName) {
  let state = (SEED ^ fnv1a(testName)) >>> 0;
  function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  const rng = {
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    hex: (length) => {
      let out = '';
      for (let i = 0; i < length; i++) out += '0123456789abcdef'[rng.int(16)];
      return out;
    },
    nonZeroHex: (length) => {
      let out;
      do out = rng.hex(length);
      while (/^0+$/.test(out));
      return out;
    },
  };
  return rng;
}

function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Header names and values

const TRACE_NAMES = ['traceparent', 'tracestate', 'baggage', 'uber-trace-id', 'second_span_uber-trace-id', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags'];
/** The headers headersWithContext drops before writing its own (instrumentations/kafkajs/headers.ts). */
const REPLACED_NAMES = new Set(['traceparent', 'tracestate', 'uber-trace-id', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags']);
const SPECIAL_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype', 'length', 'then', '0', ''];
const NEAR_MISS_NAMES = [' traceparent', 'traceparent ', 'traceparent\u0000', 'trace-parent', 'uber_trace_id', 'uber-trace-id-', 'b3 ', 'x-b3-trace-id', '\uff54raceparent', 'uberctx', 'x-\u212aey'];

function randomCase(rng, text) {
  let out = '';
  for (const ch of text) out += rng.chance(0.5) ? ch.toUpperCase() : ch;
  return out;
}

function randomKey(rng) {
  const kind = rng.int(10);
  if (kind < 4) return rng.pick(TRACE_NAMES);
  if (kind < 5) return `uberctx-${randomPrintable(rng, 6)}`;
  if (kind < 6) return rng.pick(SPECIAL_NAMES);
  if (kind < 7) return rng.pick(NEAR_MISS_NAMES);
  if (kind < 8) return randomUnicode(rng, 1 + rng.int(6));
  return `x-${randomPrintable(rng, 1 + rng.int(10))}`;
}

function randomPrintable(rng, length) {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(0x20 + rng.int(0x5f));
  return out;
}

function randomControl(rng, length) {
  let out = '';
  for (let i = 0; i < length; i++) out += rng.chance(0.5) ? String.fromCharCode(rng.int(0x20)) : rng.pick(['\u007f', '\u0085', '\u2028', '\ufeff', ',', ' ', '%', ':', '-']);
  return out;
}

function randomUnicode(rng, length) {
  let out = '';
  for (let i = 0; i < length; i++) {
    const kind = rng.int(5);
    if (kind === 0) out += String.fromCharCode(0xd800 + rng.int(0x800)); // lone surrogate
    else if (kind === 1) out += String.fromCodePoint(0x10000 + rng.int(0xfffff)); // astral
    else if (kind === 2) out += String.fromCharCode(0x80 + rng.int(0x780));
    else out += String.fromCharCode(0x20 + rng.int(0xd7e0));
  }
  return out;
}

const INVALID_UTF8 = [[0xff], [0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]];

function randomBytes(rng) {
  const parts = [];
  for (let i = rng.int(6); i >= 0; i--) {
    parts.push(rng.chance(0.5) ? Buffer.from(rng.pick(INVALID_UTF8)) : Buffer.from(randomTraceish(rng)));
  }
  return Buffer.concat(parts);
}

/** A valid W3C traceparent and what it must extract to. Versions above 00 may carry more fields. */
function validTraceparent(rng) {
  const traceId = rng.nonZeroHex(32);
  const spanId = rng.nonZeroHex(16);
  const flags = rng.chance(0.8) ? rng.pick(['00', '01']) : rng.hex(2);
  const version = rng.chance(0.9) ? '00' : rng.pick(['01', 'cc', 'fe']);
  const extra = version !== '00' && rng.chance(0.5) ? `-${rng.hex(5)}` : ''; // no comma: HTTP lists split on it
  return { value: `${version}-${traceId}-${spanId}-${flags}${extra}`, traceId, spanId, traceFlags: parseInt(flags, 16) };
}

/** A traceparent that W3C parsing must reject, each for a different reason. */
function brokenTraceparent(rng) {
  const { traceId, spanId } = validTraceparent(rng);
  const at = rng.int(32);
  switch (rng.int(10)) {
    case 0: return `00-${traceId.slice(0, at)}${rng.pick(['g', 'X', '_', ' ', '\u00e9'])}${traceId.slice(at + 1)}-${spanId}-01`;
    case 1: return `ff-${traceId}-${spanId}-01`;
    case 2: return `00-${'0'.repeat(32)}-${spanId}-01`;
    case 3: return `00-${traceId}-${'0'.repeat(16)}-01`;
    case 4: return `00-${traceId.slice(1)}-${spanId}-01`;
    case 5: return `00-${traceId}-${spanId}-01-${randomPrintable(rng, 3)}`;
    case 6: return `00_${traceId}_${spanId}_01`;
    case 7: return `00-${traceId}-${spanId}-zz`;
    case 8: return `00-${traceId.toUpperCase().replace(/^[0-9]/, 'A')}-${spanId}-01`;
    default: return rng.pick(['', '-', '00', '00---', `00-${traceId}`]);
  }
}

/** A valid uber-trace-id in the shapes real Jaeger clients send, and what it must extract to. */
function validUberTraceId(rng) {
  let traceId = rng.chance(0.3) ? '0'.repeat(16) + rng.nonZeroHex(16) : rng.nonZeroHex(32);
  let spanId = rng.nonZeroHex(16);
  if (rng.chance(0.3)) traceId = '0'.repeat(rng.int(8)) + rng.nonZeroHex(1 + rng.int(8)).replace(/^0+/, '') || '1';
  if (rng.chance(0.3)) spanId = rng.nonZeroHex(1 + rng.int(16)).replace(/^0+/, '') || '1';
  const shortTrace = rng.chance(0.5) ? traceId.replace(/^0+/, '') : traceId; // no leading zeros
  const parent = rng.pick(['0', rng.hex(16), rng.hex(3)]);
  const flags = rng.pick(['0', '1', '00', '01', '03', 'f', 'fe']);
  const colon = () => (rng.chance(0.2) ? rng.pick(['%3A', '%3a']) : ':');
  let value = `${shortTrace}${colon()}${spanId}${colon()}${parent}${colon()}${flags}`;
  if (rng.chance(0.2)) value = value.toUpperCase();
  if (rng.chance(0.1)) value = ` ${value}\t`;
  return { value, traceId: traceId.padStart(32, '0'), spanId: spanId.padStart(16, '0'), sampled: (parseInt(flags, 16) & 1) === 1 };
}

function brokenUberTraceId(rng) {
  const { traceId, spanId } = validTraceparent(rng);
  switch (rng.int(9)) {
    case 0: return `${traceId}:${spanId}:0`;
    case 1: return `${traceId}:${spanId}:0:1:1`;
    case 2: return `${traceId}0:${spanId}:0:1`;
    case 3: return `${traceId}:${spanId}0:0:1`;
    case 4: return `0:${spanId}:0:1`;
    case 5: return `${traceId}:0000:0:1`;
    case 6: return `${traceId}:${spanId}:0:100`;
    case 7: return `${traceId}%3${spanId}:0:1`;
    default: return `${traceId.replace(/[0-9]/, 'q')}:${spanId}:0:1`;
  }
}

/** A valid b3 single header (lowercase hex, as B3 defines it) and what it must extract to. */
function validB3Single(rng) {
  const long = rng.chance(0.6);
  const traceId = long ? rng.nonZeroHex(32) : rng.nonZeroHex(16);
  const spanId = rng.nonZeroHex(16);
  const sampling = rng.pick(['', '-0', '-1', '-d']);
  const parent = sampling && rng.chance(0.5) ? `-${rng.nonZeroHex(16)}` : '';
  return { value: `${traceId}-${spanId}${sampling}${parent}`, traceId: traceId.padStart(32, '0'), spanId, sampled: sampling === '-1' || sampling === '-d' };
}

/** Valid b3 multi headers, keys in any case, and what they must extract to. */
function validB3Multi(rng, caseKey) {
  const traceId = rng.chance(0.6) ? rng.nonZeroHex(32) : rng.nonZeroHex(16);
  const spanId = rng.nonZeroHex(16);
  const headers = [
    [caseKey('x-b3-traceid'), traceId],
    [caseKey('x-b3-spanid'), spanId],
  ];
  const sampled = rng.pick([undefined, '1', '0', 'true', 'false']);
  if (sampled !== undefined) headers.push([caseKey('x-b3-sampled'), sampled]);
  if (rng.chance(0.3)) headers.push([caseKey('x-b3-parentspanid'), rng.nonZeroHex(16)]);
  return { headers, traceId: traceId.padStart(32, '0'), spanId, sampled: sampled === '1' || sampled === 'true' };
}

function randomTraceish(rng) {
  switch (rng.int(9)) {
    case 0: return validTraceparent(rng).value;
    case 1: return brokenTraceparent(rng);
    case 2: return validUberTraceId(rng).value;
    case 3: return brokenUberTraceId(rng);
    case 4: return validB3Single(rng).value;
    case 5: return rng.pick(['0', '1', 'd', 'true', `${rng.hex(16)}-${rng.hex(16)}-x`, `${rng.hex(24)}-${rng.hex(16)}`]);
    case 6: return `k${rng.int(9)}=${randomPrintable(rng, 4)},${randomPrintable(rng, 6)}`; // baggage-ish
    case 7: return `${validTraceparent(rng).value}, ${randomTraceish(rng)}`; // as Node joins duplicates
    default: return rng.hex(1 + rng.int(40));
  }
}

// A few large values, built once and shared: bounding the size of what is parsed is hoptrace's job.
const HUGE_VALUES = [
  'x'.repeat(MAX_HEADER_VALUE_LENGTH + 1),
  `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01${' '.repeat(MAX_HEADER_VALUE_LENGTH)}`,
  'a'.repeat(1 << 20),
  Buffer.alloc(1 << 20, 0x61),
  Buffer.alloc(MAX_HEADER_VALUE_LENGTH + 1, 0x3a),
  new Uint8Array(1 << 20).subarray(7),
];

function randomValue(rng, depth = 0) {
  const kind = rng.int(100);
  if (kind < 30) return randomTraceish(rng);
  if (kind < 40) return randomPrintable(rng, rng.int(40));
  if (kind < 46) return randomControl(rng, 1 + rng.int(12));
  if (kind < 54) return randomUnicode(rng, 1 + rng.int(12));
  if (kind < 66) return rng.chance(0.5) ? Buffer.from(randomTraceish(rng)) : randomBytes(rng);
  if (kind < 72) {
    // A view into the middle of a larger buffer, as decoders hand them over.
    const bytes = Buffer.from(`${randomPrintable(rng, 5)}${randomTraceish(rng)}${randomPrintable(rng, 5)}`);
    const start = rng.int(6);
    return new Uint8Array(bytes.buffer, bytes.byteOffset + start, Math.max(0, bytes.length - start - rng.int(6)));
  }
  if (kind < 84) {
    if (depth >= 4) return [];
    return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
  }
  if (kind < 90) return rng.pick([0, 1, -1, 1.5, -0, NaN, Infinity, 1e21, 2 ** 53, 4736]);
  if (kind < 97) return rng.pick([null, undefined]);
  if (kind < 98 && rng.chance(0.5)) return rng.pick(HUGE_VALUES);
  return { traceparent: validTraceparent(rng).value }; // not a header value at all
}

// ---------------------------------------------------------------------------------------------
// Carriers

/** Carriers whose property reads run code that throws: hoptrace must survive reading them. */
const hostileCarriers = new WeakSet();

function defineHeader(carrier, key, value) {
  // defineProperty, not assignment: `__proto__` becomes an own key instead of replacing the prototype.
  Object.defineProperty(carrier, key, { value, enumerable: true, writable: true, configurable: true });
}

function defineThrowingHeader(carrier, key) {
  Object.defineProperty(carrier, key, {
    enumerable: true,
    configurable: true,
    get() {
      throw new Error(`hostile getter for ${key}`);
    },
  });
  hostileCarriers.add(carrier);
}

/** An empty header map of one of the shapes headers arrive in. */
function emptyCarrier(rng) {
  return rng.chance(0.35) ? Object.create(null) : {};
}

function randomCarrier(rng, { hostile = 0.04 } = {}) {
  const kind = rng.int(20);
  if (kind === 0) return rng.pick([null, undefined, 42, 'traceparent', Buffer.from(validTraceparent(rng).value), [validTraceparent(rng).value], () => {}]);
  if (kind === 1) {
    // JSON.parse makes `__proto__` an own key, as a JSON header map off the wire would.
    const entries = Array.from({ length: 1 + rng.int(5) }, () => `${JSON.stringify(rng.chance(0.5) ? rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty']) : randomCase(rng, rng.pick(TRACE_NAMES)))}:${JSON.stringify(randomTraceish(rng))}`);
    return JSON.parse(`{${entries.join(',')}}`);
  }
  const carrier = emptyCarrier(rng);
  const mixedCase = rng.chance(0.5);
  for (let i = rng.int(9); i > 0; i--) {
    const name = randomKey(rng);
    const key = mixedCase ? randomCase(rng, name) : name;
    if (rng.chance(hostile)) defineThrowingHeader(carrier, key);
    else defineHeader(carrier, key, rng.chance(0.5) ? valueFor(rng, name) : randomValue(rng));
  }
  return carrier;
}

/** A value shaped for the header `name`, valid or broken, so that random carriers reach the parsers. */
function valueFor(rng, name) {
  switch (name) {
    case 'traceparent': return wrapValue(rng, rng.chance(0.6) ? validTraceparent(rng).value : brokenTraceparent(rng));
    case 'uber-trace-id':
    case 'second_span_uber-trace-id': return wrapValue(rng, rng.chance(0.6) ? validUberTraceId(rng).value : brokenUberTraceId(rng));
    case 'b3': return wrapValue(rng, rng.chance(0.6) ? validB3Single(rng).value : randomTraceish(rng));
    case 'x-b3-traceid': return wrapValue(rng, rng.chance(0.5) ? rng.hex(32) : rng.hex(1 + rng.int(33)));
    case 'x-b3-spanid':
    case 'x-b3-parentspanid': return wrapValue(rng, rng.hex(rng.chance(0.7) ? 16 : rng.int(20)));
    case 'x-b3-sampled':
    case 'x-b3-flags': return wrapValue(rng, rng.pick(['0', '1', 'true', 'false', 'True', 'd', '']));
    case 'tracestate': return wrapValue(rng, `${randomPrintable(rng, 3)}=${randomPrintable(rng, 5)},vendor=${rng.hex(8)}`);
    default: return wrapValue(rng, randomTraceish(rng));
  }
}

/**
 * Random headers none of whose keys lower-case to a name in `excluded`. Values are free, so junk
 * formats of lower precedence than the one under test appear too.
 */
function junkCarrier(rng, excluded, { lowercaseKeys = false } = {}) {
  const carrier = emptyCarrier(rng);
  for (let i = rng.int(10); i > 0; i--) {
    const name = randomKey(rng);
    const key = lowercaseKeys ? name.toLowerCase() : rng.chance(0.5) ? randomCase(rng, name) : name;
    if (excluded.has(key.toLowerCase()) || Object.prototype.hasOwnProperty.call(carrier, key)) continue;
    defineHeader(carrier, key, randomValue(rng));
  }
  return carrier;
}

/** A value carrying `text` in one of the shapes a reader must understand; the last of an array wins. */
function wrapValue(rng, text, { arrays = true } = {}) {
  switch (rng.int(arrays ? 5 : 3)) {
    case 0: return text;
    case 1: return Buffer.from(text);
    case 2: {
      const bytes = Buffer.from(`##${text}##`);
      return new Uint8Array(bytes.buffer, bytes.byteOffset + 2, bytes.length - 4);
    }
    case 3: return [randomValue(rng), Buffer.from(text)];
    default: return [brokenTraceparent(rng), randomTraceish(rng), text];
  }
}

// ---------------------------------------------------------------------------------------------
// Checking

let totalInputs = 0;
let totalChecks = 0;
let randomWithContext = 0; // random carriers that did carry a valid context: the fuzz reaches the parsers

/** Runs every check, remembers the smallest failing input per property, fails once at the end. */
function propertyRun() {
  const failures = new Map();
  return {
    input() {
      totalInputs++;
    },
    check(property, input, body) {
      totalChecks++;
      try {
        body();
      } catch (error) {
        const shown = show(input);
        const message = error instanceof Error ? error.message : String(error);
        const previous = failures.get(property);
        const count = (previous?.count ?? 0) + 1;
        if (!previous || shown.length < previous.shown.length) failures.set(property, { shown, message, count });
        else previous.count = count;
      }
    },
    done() {
      const lines = [...failures].map(([property, { shown, message, count }]) => `\n- ${property} (${count} failing inputs); smallest: ${shown}\n    ${message}`);
      assert.ok(failures.size === 0, `properties failed:${lines.join('')}`);
    },
  };
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function expectSame(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** A short, faithful rendering of a header value or carrier for failure messages. */
function show(value, seen = new Set()) {
  if (typeof value === 'string') return value.length > 200 ? `${JSON.stringify(value.slice(0, 60))}…(${value.length} chars)` : JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return '[function]';
  if (typeof value !== 'object') return typeof value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (value instanceof Uint8Array) {
      const name = Buffer.isBuffer(value) ? 'Buffer' : 'Uint8Array';
      const bytes = Buffer.from(value.buffer, value.byteOffset, Math.min(value.length, 80));
      return value.length > 80 ? `${name}(${value.length} bytes: ${bytes.toString('hex')}…)` : `${name}(${JSON.stringify(bytes.toString('latin1'))})`;
    }
    if (Array.isArray(value)) {
      const items = value.slice(0, 10).map((item) => show(item, seen));
      return `[${items.join(', ')}${value.length > 10 ? `, …(${value.length} items)` : ''}]`;
    }
    const keys = Object.keys(value);
    const entries = keys.slice(0, 12).map((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      return descriptor && 'value' in descriptor ? `${JSON.stringify(key)}: ${show(descriptor.value, seen)}` : `get ${JSON.stringify(key)}() { throw }`;
    });
    const prefix = Object.getPrototypeOf(value) === null ? 'Object.create(null) ' : '';
    return `${prefix}{${entries.join(', ')}${keys.length > 12 ? `, …(${keys.length} keys)` : ''}}`;
  } finally {
    seen.delete(value);
  }
}

/** Everything about a carrier that a reader could change, read without running its getters. */
function snapshot(carrier) {
  if (carrier === null || typeof carrier !== 'object') return { primitive: carrier };
  return {
    prototype: Object.getPrototypeOf(carrier),
    extensible: Object.isExtensible(carrier),
    properties: Reflect.ownKeys(carrier).map((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(carrier, key);
      return 'value' in descriptor
        ? { key, value: descriptor.value, content: show(descriptor.value), enumerable: descriptor.enumerable, writable: descriptor.writable }
        : { key, get: descriptor.get, set: descriptor.set, enumerable: descriptor.enumerable };
    }),
  };
}

function expectUnchanged(carrier, before, what) {
  const after = snapshot(carrier);
  if ('primitive' in before) return;
  expect(after.prototype === before.prototype, `${what}: the carrier's prototype changed`);
  expect(after.extensible === before.extensible, `${what}: the carrier's extensibility changed`);
  expect(after.properties.length === before.properties.length, `${what}: the carrier's keys changed from ${before.properties.map((p) => String(p.key))} to ${after.properties.map((p) => String(p.key))}`);
  before.properties.forEach((was, i) => {
    const now = after.properties[i];
    const label = `${what}: header ${JSON.stringify(String(was.key))}`;
    expect(now.key === was.key, `${label} moved or was replaced`);
    expect(now.enumerable === was.enumerable && now.writable === was.writable && now.get === was.get && now.set === was.set, `${label}: its descriptor changed`);
    if ('value' in was) {
      expect(Object.is(now.value, was.value), `${label}: its value was replaced`);
      expect(now.content === was.content, `${label}: its value was changed in place: ${was.content} → ${now.content}`);
    }
  });
}

const LOWERCASE_TRACE_ID = /^[0-9a-f]{32}$/;
const LOWERCASE_SPAN_ID = /^[0-9a-f]{16}$/;
const BASE_KEY = createContextKey('header-fuzz base');
const BASE_CONTEXT = ROOT_CONTEXT.setValue(BASE_KEY, 'base');

/** The extraction contract: the context passed in, plus either no span or a valid remote one. */
function expectWellFormedExtraction(ctx, what) {
  expect(ctx && typeof ctx.getValue === 'function', `${what}: did not return a context`);
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined) return undefined;
  const { traceId, spanId, traceFlags } = spanContext;
  expect(LOWERCASE_TRACE_ID.test(traceId) && !/^0+$/.test(traceId), `${what}: trace id ${JSON.stringify(traceId)} is not 32 lowercase hex digits, not all zero`);
  expect(LOWERCASE_SPAN_ID.test(spanId) && !/^0+$/.test(spanId), `${what}: span id ${JSON.stringify(spanId)} is not 16 lowercase hex digits, not all zero`);
  expect(isSpanContextValid(spanContext), `${what}: isSpanContextValid rejects the span context`);
  expect(spanContext.isRemote === true, `${what}: the span context is not marked remote`);
  expect(Number.isInteger(traceFlags) && traceFlags >= 0 && traceFlags <= 0xff, `${what}: trace flags ${traceFlags} are not one byte`);
  return spanContext;
}

function extractWith(carrier, getter) {
  const ctx = propagator.extract(BASE_CONTEXT, carrier, getter);
  expect(ctx.getValue(BASE_KEY) === 'base', 'extract: the result does not derive from the context passed in');
  return expectWellFormedExtraction(ctx, 'extract');
}

function idsOf(spanContext) {
  return spanContext ? `${spanContext.traceId}/${spanContext.spanId}` : 'none';
}

function expectExtracted(spanContext, expected, what) {
  expect(spanContext !== undefined, `${what}: no span context extracted, expected ${expected.traceId}/${expected.spanId}`);
  expectSame(idsOf(spanContext), `${expected.traceId}/${expected.spanId}`, what);
  if (expected.sampled !== undefined) expectSame((spanContext.traceFlags & 1) === 1, expected.sampled, `${what}: sampled flag`);
}

/**
 * What a header getter must return, from the README (Context propagation): "values as strings,
 * Buffers or other byte arrays (UTF-8), a number as its decimal text; for repeated headers (an array
 * of values) the last value wins, and an array whose last item is itself an array is no header. A
 * malformed or oversized value (over 8 KiB) is ignored."
 */
function expectedHeaderText(value) {
  if (typeof value === 'string') return value.length <= MAX_HEADER_VALUE_LENGTH ? value : undefined;
  if (typeof value === 'number') return String(value);
  if (value instanceof Uint8Array) return value.length <= MAX_HEADER_VALUE_LENGTH ? Buffer.from(value).toString('utf8') : undefined;
  // Repeated values come as one flat array (Node, kafkajs); nested arrays are nobody's headers.
  if (Array.isArray(value)) return value.length === 0 || Array.isArray(value[value.length - 1]) ? undefined : expectedHeaderText(value[value.length - 1]);
  return undefined;
}

function ownValue(carrier, key) {
  return Object.prototype.hasOwnProperty.call(carrier, key) ? carrier[key] : undefined;
}

/**
 * From the README: "Header names in any case (a header under several spellings at once: the
 * spelling asked for, then lower case, then the first in the carrier's own order)"; "Only a
 * carrier's own headers are read".
 */
function expectedAnyCaseValue(carrier, askedKey) {
  const lowerKey = askedKey.toLowerCase();
  const asked = ownValue(carrier, askedKey);
  if (asked !== undefined) return asked;
  const exact = ownValue(carrier, lowerKey);
  if (exact !== undefined) return exact;
  const key = Object.keys(carrier).find((candidate) => candidate.toLowerCase() === lowerKey);
  return key === undefined ? undefined : carrier[key];
}

function randomSpanContext(rng) {
  return { traceId: rng.nonZeroHex(32), spanId: rng.nonZeroHex(16), traceFlags: rng.int(2) };
}

/** headersWithContext's contract, for a context with a valid span (or none). */
function expectHeadersWithContext(input, spanContext) {
  const before = snapshot(input);
  const ctx = spanContext ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
  const output = headersWithContext(input, ctx);
  expectUnchanged(input, before, 'headersWithContext');
  expect(output !== null && typeof output === 'object' && output !== input, 'headersWithContext: did not return a new object');
  const outputKeys = Object.keys(output);
  const traceKeys = outputKeys.filter((key) => REPLACED_NAMES.has(key.toLowerCase()));
  if (spanContext) {
    const flags = spanContext.traceFlags === 1 ? '01' : '00';
    expectSame(traceKeys.sort().join(','), 'traceparent,uber-trace-id', 'headersWithContext: trace headers in the copy');
    expectSame(output.traceparent, `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`, 'headersWithContext: traceparent');
    expectSame(output['uber-trace-id'], `${spanContext.traceId}:${spanContext.spanId}:0:${flags}`, 'headersWithContext: uber-trace-id');
    const roundTrip = extractMessageContext(output);
    expectSame(idsOf(roundTrip && trace.getSpanContext(roundTrip)), idsOf(spanContext), 'headersWithContext then extractMessageContext');
  } else {
    expectSame(traceKeys.join(','), '', 'headersWithContext without a span: trace headers in the copy');
  }
  if (input === null || typeof input !== 'object') return;
  for (const key of Object.keys(input)) {
    if (REPLACED_NAMES.has(key.toLowerCase())) continue;
    expect(Object.prototype.hasOwnProperty.call(output, key), `headersWithContext: header ${JSON.stringify(key)} is missing from the copy`);
    const was = Object.getOwnPropertyDescriptor(input, key);
    if ('value' in was) expect(Object.is(Object.getOwnPropertyDescriptor(output, key).value, was.value), `headersWithContext: header ${JSON.stringify(key)} has another value in the copy`);
  }
  expect(outputKeys.length === Object.keys(input).filter((key) => !REPLACED_NAMES.has(key.toLowerCase())).length + traceKeys.length, 'headersWithContext: the copy has headers the input did not');
}

const GETTERS = [
  ['anyCaseHeaderGetter', anyCaseHeaderGetter],
  ['incomingHttpHeaderGetter', incomingHttpHeaderGetter],
];

// ---------------------------------------------------------------------------------------------
// Properties over random carriers

test('random carriers: the getters never throw, read only own headers, and return bounded text', () => {
  const rng = randomSource('getters');
  const run = propertyRun();
  for (let i = 0; i < 1500; i++) {
    const carrier = randomCarrier(rng);
    run.input();
    const isObject = carrier !== null && typeof carrier === 'object';
    const hostile = hostileCarriers.has(carrier);
    for (const [name, getter] of GETTERS) {
      run.check(`${name}.keys`, carrier, () => {
        const keys = getter.keys(carrier);
        // Own keys as written; get() then finds each of them in any case.
        const expected = isObject ? Object.keys(carrier) : [];
        expectSame(JSON.stringify(keys), JSON.stringify(expected), `${name}.keys`);
      });
      if (hostile) continue; // its own getters throw when read; the extract properties cover it
      const asked = new Set([...TRACE_NAMES, ...(isObject ? Object.keys(carrier).slice(0, 6) : [])]);
      for (const key of asked) {
        run.check(`${name}.get`, carrier, () => {
          const text = getter.get(carrier, key);
          expect(text === undefined || (typeof text === 'string' && text.length <= MAX_HEADER_VALUE_LENGTH), `${name}.get(${JSON.stringify(key)}) returned ${show(text)}`);
          if (getter !== anyCaseHeaderGetter || !isObject || typeof carrier === 'function') return;
          const lowerKey = key.toLowerCase();
          let value = expectedAnyCaseValue(carrier, key);
          if (value === undefined && lowerKey === 'uber-trace-id') value = expectedAnyCaseValue(carrier, 'second_span_uber-trace-id');
          expectSame(text, expectedHeaderText(value), `${name}.get(${JSON.stringify(key)})`);
        });
      }
    }
  }
  run.done();
});

test('random carriers: extract never throws, never mutates, and yields no span or a valid one', () => {
  const rng = randomSource('extract');
  const run = propertyRun();
  for (let i = 0; i < 1500; i++) {
    const carrier = randomCarrier(rng);
    run.input();
    const before = snapshot(carrier);
    for (const [name, getter] of GETTERS) {
      run.check(`HoptracePropagator.extract with ${name}`, carrier, () => {
        if (extractWith(carrier, getter) && getter === anyCaseHeaderGetter) randomWithContext++;
        expectUnchanged(carrier, before, 'extract');
      });
    }
    run.check('extractMessageContext', carrier, () => {
      const ctx = extractMessageContext(carrier);
      expectUnchanged(carrier, before, 'extractMessageContext');
      if (ctx === undefined) return;
      const spanContext = expectWellFormedExtraction(ctx, 'extractMessageContext');
      expect(spanContext !== undefined, 'extractMessageContext: returned a context without a span context');
    });
    run.check('extractMessageContext agrees with HoptracePropagator.extract', carrier, () => {
      const ctx = extractMessageContext(carrier);
      expectSame(idsOf(ctx && trace.getSpanContext(ctx)), idsOf(extractWith(carrier, anyCaseHeaderGetter)), 'extractMessageContext');
    });
  }
  run.done();
});

test('random carriers: headersWithContext never throws, never mutates, writes exactly our context, keeps the rest', () => {
  const rng = randomSource('headersWithContext');
  const run = propertyRun();
  for (let i = 0; i < 1200; i++) {
    const carrier = randomCarrier(rng);
    run.input();
    const spanContext = rng.chance(0.85) ? randomSpanContext(rng) : undefined;
    const property = hostileCarriers.has(carrier) ? 'headersWithContext on a carrier with a throwing getter' : 'headersWithContext';
    run.check(property, carrier, () => expectHeadersWithContext(carrier, spanContext));
  }
  run.done();
});

test('any-case carriers: re-casing the keys changes nothing that is extracted', () => {
  const rng = randomSource('recase');
  const run = propertyRun();
  for (let i = 0; i < 400; i++) {
    const lower = junkCarrier(rng, new Set(), { lowercaseKeys: true });
    if (rng.chance(0.5)) defineHeader(lower, rng.pick(['traceparent', 'uber-trace-id', 'b3']), randomTraceish(rng));
    const recased = emptyCarrier(rng);
    for (const key of Object.keys(lower)) defineHeader(recased, randomCase(rng, key), lower[key]);
    run.input();
    run.check('re-cased keys', recased, () => {
      const expected = propagator.extract(ROOT_CONTEXT, lower, anyCaseHeaderGetter);
      const actual = propagator.extract(ROOT_CONTEXT, recased, anyCaseHeaderGetter);
      expectSame(idsOf(trace.getSpanContext(actual)), idsOf(trace.getSpanContext(expected)), 'span context');
      const entries = (ctx) => JSON.stringify(propagation.getBaggage(ctx)?.getAllEntries() ?? []);
      expectSame(entries(actual), entries(expected), 'baggage');
    });
  }
  run.done();
});

// ---------------------------------------------------------------------------------------------
// Oracles: a valid context in noise is found when the rest of the carrier is well-formed

const W3C_NAMES = new Set(['traceparent']);
const JAEGER_NAMES = new Set(['traceparent', 'uber-trace-id', 'second_span_uber-trace-id']);
const B3_SINGLE_NAMES = new Set([...JAEGER_NAMES, 'b3']);
const B3_MULTI_NAMES = new Set([...B3_SINGLE_NAMES, 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags']);

/** Checks the any-case readers (Kafka), and with `http` the HTTP getter too; `kafka: false` skips the former. */
function expectFoundEverywhere(run, carrier, expected, label, { http = false, kafka = true } = {}) {
  if (kafka) run.check(`${label}: HoptracePropagator.extract with anyCaseHeaderGetter`, carrier, () => expectExtracted(extractWith(carrier, anyCaseHeaderGetter), expected, 'extract'));
  if (kafka) run.check(`${label}: extractMessageContext`, carrier, () => {
    const ctx = extractMessageContext(carrier);
    expectExtracted(ctx && expectWellFormedExtraction(ctx, 'extractMessageContext'), expected, 'extractMessageContext');
  });
  if (http) run.check(`${label}: HoptracePropagator.extract with incomingHttpHeaderGetter`, carrier, () => expectExtracted(extractWith(carrier, incomingHttpHeaderGetter), expected, 'extract'));
}

test('oracle: one valid traceparent among junk headers is what is extracted', () => {
  const rng = randomSource('oracle traceparent');
  const run = propertyRun();
  for (let i = 0; i < 400; i++) {
    const valid = validTraceparent(rng);
    const expected = { traceId: valid.traceId, spanId: valid.spanId, sampled: (valid.traceFlags & 1) === 1 };
    const kafka = junkCarrier(rng, W3C_NAMES);
    defineHeader(kafka, randomCase(rng, 'traceparent'), wrapValue(rng, valid.value));
    run.input();
    expectFoundEverywhere(run, kafka, expected, 'traceparent, any case');
    // Node lower-cases names and joins repeated headers with ", ".
    const http = junkCarrier(rng, W3C_NAMES, { lowercaseKeys: true });
    const joined = rng.chance(0.5);
    defineHeader(http, 'traceparent', joined ? `${brokenTraceparent(rng)}, ${valid.value}` : valid.value);
    run.input();
    expectFoundEverywhere(run, http, expected, joined ? 'traceparent, joined by Node' : 'traceparent, HTTP', { http: true, kafka: !joined });
  }
  run.done();
});

test('oracle: a valid uber-trace-id (any shape Jaeger clients send) is found when no traceparent is', () => {
  const rng = randomSource('oracle jaeger');
  const run = propertyRun();
  for (let i = 0; i < 400; i++) {
    const valid = validUberTraceId(rng);
    const carrier = junkCarrier(rng, JAEGER_NAMES);
    if (rng.chance(0.3)) defineHeader(carrier, randomCase(rng, 'traceparent'), brokenTraceparent(rng));
    const legacy = rng.chance(0.15);
    defineHeader(carrier, randomCase(rng, legacy ? 'second_span_uber-trace-id' : 'uber-trace-id'), wrapValue(rng, valid.value));
    run.input();
    expectFoundEverywhere(run, carrier, valid, legacy ? 'second_span_uber-trace-id' : 'uber-trace-id');
  }
  run.done();
});

test('oracle: valid B3 headers, single or multi, are found when no W3C or Jaeger header is', () => {
  const rng = randomSource('oracle b3');
  const run = propertyRun();
  for (let i = 0; i < 400; i++) {
    if (rng.chance(0.5)) {
      const valid = validB3Single(rng);
      const carrier = junkCarrier(rng, B3_SINGLE_NAMES);
      if (rng.chance(0.3)) defineHeader(carrier, randomCase(rng, 'uber-trace-id'), brokenUberTraceId(rng));
      defineHeader(carrier, randomCase(rng, 'b3'), wrapValue(rng, valid.value));
      run.input();
      expectFoundEverywhere(run, carrier, valid, 'b3 single');
    } else {
      const valid = validB3Multi(rng, (name) => randomCase(rng, name));
      const carrier = junkCarrier(rng, B3_MULTI_NAMES);
      for (const [key, value] of valid.headers) defineHeader(carrier, key, wrapValue(rng, value, { arrays: false }));
      run.input();
      expectFoundEverywhere(run, carrier, valid, 'b3 multi');
    }
  }
  run.done();
});

test('oracle: hex ids in upper case (accepted by lenient readers) come out in lower case or not at all', () => {
  const rng = randomSource('oracle uppercase');
  const run = propertyRun();
  for (let i = 0; i < 200; i++) {
    const valid = rng.chance(0.5) ? validB3Multi(rng, (name) => name) : { ...validUberTraceId(rng), headers: undefined };
    const carrier = {};
    if (valid.headers) {
      for (const [key, value] of valid.headers) defineHeader(carrier, key, /^[0-9a-f]+$/.test(value) ? value.toUpperCase() : value);
    } else {
      defineHeader(carrier, 'uber-trace-id', valid.value.toUpperCase());
    }
    run.input();
    run.check(valid.headers ? 'upper-case b3 multi' : 'upper-case uber-trace-id', carrier, () => {
      const spanContext = extractWith(carrier, anyCaseHeaderGetter);
      if (spanContext) expectExtracted(spanContext, valid, 'extract');
    });
    run.check('what is extracted is written on as valid W3C', carrier, () => {
      const ctx = extractMessageContext(carrier);
      if (!ctx) return;
      const next = headersWithContext({}, ctx);
      const downstream = propagator.extract(ROOT_CONTEXT, { traceparent: next.traceparent }, anyCaseHeaderGetter);
      expectSame(idsOf(trace.getSpanContext(downstream)), idsOf(trace.getSpanContext(ctx)), `a W3C peer reading traceparent ${JSON.stringify(next.traceparent)}`);
    });
  }
  run.done();
});

test('oracle: W3C wins over Jaeger, Jaeger over B3, whatever else is there', () => {
  const rng = randomSource('oracle precedence');
  const run = propertyRun();
  for (let i = 0; i < 300; i++) {
    const w3c = validTraceparent(rng);
    const jaeger = validUberTraceId(rng);
    const b3 = validB3Single(rng);
    const carrier = junkCarrier(rng, B3_MULTI_NAMES);
    const formats = [
      ['traceparent', w3c.value],
      ['uber-trace-id', jaeger.value],
      ['b3', b3.value],
    ].filter(() => rng.chance(0.7));
    for (const [name, value] of formats) defineHeader(carrier, randomCase(rng, name), wrapValue(rng, value));
    const winner = formats.length === 0 ? undefined : { traceparent: w3c, 'uber-trace-id': jaeger, b3 }[formats[0][0]];
    run.input();
    run.check('precedence', carrier, () => {
      const spanContext = extractWith(carrier, anyCaseHeaderGetter);
      if (winner) expectExtracted(spanContext, { traceId: winner.traceId, spanId: winner.spanId }, 'extract');
      else expectSame(spanContext, undefined, 'extract from junk without trace headers');
    });
  }
  run.done();
});

// ---------------------------------------------------------------------------------------------
// Hand-picked hostile inputs

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

test('keys named like Object.prototype members: read as headers, kept in copies', () => {
  const run = propertyRun();
  const specialValues = ['x', Buffer.from('y'), ['a', 'b'], { nested: true }];
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    for (const value of specialValues) {
      const viaJson = typeof value === 'string' ? JSON.parse(`{${JSON.stringify(name)}: ${JSON.stringify(value)}, "TraceParent": ${JSON.stringify(TRACEPARENT)}}`) : undefined;
      const nullPrototype = Object.create(null);
      defineHeader(nullPrototype, name, value);
      defineHeader(nullPrototype, 'traceparent', Buffer.from(TRACEPARENT));
      const plain = {};
      defineHeader(plain, name, value);
      defineHeader(plain, 'traceparent', TRACEPARENT);
      for (const carrier of [viaJson, nullPrototype, plain].filter(Boolean)) {
        run.input();
        expectFoundEverywhere(run, carrier, { traceId: TRACE_ID, spanId: SPAN_ID }, `own ${name} key`);
        run.check(`own ${name} key: the getters read it as a header`, carrier, () => {
          expectSame(anyCaseHeaderGetter.get(carrier, name.toLowerCase()), expectedHeaderText(value), 'anyCaseHeaderGetter.get');
          // Node lower-cases header names, so the HTTP getter only finds the lower-case ones.
          if (name === name.toLowerCase()) expectSame(incomingHttpHeaderGetter.get(carrier, name), expectedHeaderText(value), 'incomingHttpHeaderGetter.get');
        });
        run.check(`own ${name} key: headersWithContext`, carrier, () => expectHeadersWithContext(carrier, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }));
      }
    }
  }
  run.done();
});

test('headers whose getters throw: hoptrace does not throw', () => {
  const run = propertyRun();
  const rng = randomSource('throwing getters');
  for (let i = 0; i < 60; i++) {
    const carrier = junkCarrier(rng, new Set(TRACE_NAMES));
    defineThrowingHeader(carrier, randomCase(rng, rng.pick([...TRACE_NAMES, 'x-tenant', 'uberctx-user'])));
    if (rng.chance(0.5)) defineHeader(carrier, 'uber-trace-id', `${TRACE_ID}:${SPAN_ID}:0:1`);
    run.input();
    run.check('extract', carrier, () => {
      for (const [, getter] of GETTERS) extractWith(carrier, getter);
    });
    run.check('extractMessageContext', carrier, () => extractMessageContext(carrier));
    run.check('headersWithContext', carrier, () => expectHeadersWithContext(carrier, randomSpanContext(rng)));
  }
  run.done();
});

test('huge and self-referencing values: ignored, with the rest of the carrier still read', () => {
  const run = propertyRun();
  const uber = `${TRACE_ID}:${SPAN_ID}:0:1`;
  const circular = [];
  circular.push(circular);
  const longest = uber.padEnd(MAX_HEADER_VALUE_LENGTH, ' ');
  const cases = [
    ...HUGE_VALUES.map((huge) => [{ traceparent: huge, 'uber-trace-id': uber }, true]),
    [{ TraceParent: [HUGE_VALUES[2], HUGE_VALUES[3]], 'Uber-Trace-Id': uber }, true],
    [{ traceparent: Array.from({ length: 1 << 16 }, () => HUGE_VALUES[0]), 'uber-trace-id': uber }, true],
    [{ 'uber-trace-id': longest }, true],
    [{ 'uber-trace-id': Buffer.from(longest) }, true],
    [{ 'uber-trace-id': `${longest} ` }, false],
    [{ traceparent: circular, 'uber-trace-id': uber }, true],
  ];
  for (const [carrier, found] of cases) {
    run.input();
    if (found) expectFoundEverywhere(run, carrier, { traceId: TRACE_ID, spanId: SPAN_ID }, 'next to a huge value');
    else run.check('over 8 KiB: ignored', carrier, () => expectSame(extractWith(carrier, anyCaseHeaderGetter), undefined, 'extract'));
    for (const [name, getter] of GETTERS) {
      run.check(`${name}.get on huge values`, carrier, () => {
        for (const key of TRACE_NAMES) {
          const text = getter.get(carrier, key);
          expect(text === undefined || (typeof text === 'string' && text.length <= MAX_HEADER_VALUE_LENGTH), `${name}.get(${key}) returned ${show(text)}`);
        }
      });
    }
    run.check('headersWithContext on huge values', carrier, () => expectHeadersWithContext(carrier, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 0 }));
  }
  run.done();
});

test('10,000 headers: the one traceparent is found, every other header kept', () => {
  const run = propertyRun();
  const rng = randomSource('wide');
  for (const lowercase of [true, false]) {
    const carrier = {};
    for (let i = 0; i < 10_000; i++) defineHeader(carrier, `${lowercase ? 'x-junk' : 'X-Junk'}-${i}-${randomPrintable(rng, 4)}`, rng.chance(0.5) ? randomTraceish(rng) : Buffer.from(randomTraceish(rng)));
    defineHeader(carrier, lowercase ? 'traceparent' : 'TraceParent', TRACEPARENT);
    run.input();
    expectFoundEverywhere(run, carrier, { traceId: TRACE_ID, spanId: SPAN_ID }, `10,000 ${lowercase ? 'lower-case' : 'mixed-case'} headers`, { http: lowercase });
    run.check('10,000 headers: headersWithContext', carrier, () => expectHeadersWithContext(carrier, randomSpanContext(rng)));
  }
  run.done();
});

test('reading a carrier touches each header a bounded number of times, whatever the case of its names', () => {
  // A count, not a clock: a Kafka message may carry thousands of headers, so a reader that scans the
  // whole map once per header name it looks up is quadratic in what the sender controls.
  const run = propertyRun();
  const size = 300;
  for (const prefix of ['x-junk-', 'uberctx-', 'UberCtx-']) {
    const target = {};
    for (let i = 0; i < size; i++) defineHeader(target, `${prefix}${i}`, 'v');
    let reads = 0;
    const carrier = new Proxy(target, {
      get: (object, key, receiver) => (reads++, Reflect.get(object, key, receiver)),
      getOwnPropertyDescriptor: (object, key) => (reads++, Reflect.getOwnPropertyDescriptor(object, key)),
      has: (object, key) => (reads++, Reflect.has(object, key)),
    });
    run.input();
    run.check(`${size} headers named ${prefix}…`, `${size} headers named ${prefix}0…${prefix}${size - 1}`, () => {
      propagator.extract(ROOT_CONTEXT, carrier, anyCaseHeaderGetter);
      expect(reads <= 40 * size, `extract made ${reads} property reads on ${size} headers (bound: ${40 * size})`);
    });
  }
  run.done();
});

test('a polluted Object.prototype changes nothing that is read or copied', () => {
  const rng = randomSource('pollution');
  const run = propertyRun();
  const carriers = [{}, Object.create(null), { 'x-tenant': 'a' }, JSON.parse('{"__proto__": "x"}')];
  for (let i = 0; i < 150; i++) carriers.push(randomCarrier(rng, { hostile: 0 }));
  const observe = (carrier) => {
    const out = [];
    for (const [, getter] of GETTERS) {
      const ctx = propagator.extract(ROOT_CONTEXT, carrier, getter);
      out.push(idsOf(trace.getSpanContext(ctx)), JSON.stringify(propagation.getBaggage(ctx)?.getAllEntries() ?? []));
      if (carrier !== null && typeof carrier === 'object') out.push(JSON.stringify(TRACE_NAMES.map((key) => getter.get(carrier, key) ?? null)));
    }
    const copy = headersWithContext(carrier, ROOT_CONTEXT);
    out.push(JSON.stringify(Object.keys(copy)));
    return out;
  };
  const clean = carriers.map(observe);
  const pollution = {
    traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`,
    TraceParent: `00-${'3'.repeat(32)}-${'4'.repeat(16)}-01`,
    'uber-trace-id': `${'5'.repeat(32)}:${'6'.repeat(16)}:0:1`,
    b3: `${'7'.repeat(32)}-${'8'.repeat(16)}-1`,
    baggage: 'polluted=1',
    'uberctx-polluted': '1',
  };
  let polluted;
  try {
    for (const [key, value] of Object.entries(pollution)) Object.prototype[key] = value;
    polluted = carriers.map((carrier) => {
      try {
        return observe(carrier);
      } catch (error) {
        return [`threw ${error}`];
      }
    });
  } finally {
    for (const key of Object.keys(pollution)) delete Object.prototype[key];
  }
  assert.equal(Object.keys(Object.prototype), [], 'Object.prototype restored');
  carriers.forEach((carrier, i) => {
    run.input();
    run.check('polluted Object.prototype', carrier, () => expectSame(JSON.stringify(polluted[i]), JSON.stringify(clean[i]), 'what hoptrace reads'));
  });
  run.done();
});

test.after(() => {
  if (process.env.HEADER_FUZZ_SUMMARY) console.log(`header-fuzz: ${totalInputs} inputs (${randomWithContext} random ones with a valid context), ${totalChecks} property checks`);
});

test.run();

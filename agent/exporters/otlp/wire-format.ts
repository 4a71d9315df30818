/**
 * The OTLP protobuf wire format of spans, resources and scopes (see otlp-batch.ts for how a
 * request is put together from them).
 *
 * The OpenTelemetry transformer first builds an object per span, attribute and value, then hands
 * them to a generic protobuf library; on a busy service that was a sixth of the process's CPU. This
 * writes the wire format directly. Field numbers and value mapping follow opentelemetry-proto
 * (opentelemetry/proto/trace/v1/trace.proto, common/v1/common.proto) and match what the
 * transformer sends: span kind + 1, integer numbers as int_value, other numbers as double_value,
 * span flags carrying the W3C flags and whether the parent was remote.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import type { Attributes, AttributeValue, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { HoptraceSpan, isSharedLinkList } from '../../tracing/span';
import { isCheckedSpanContext, ParsedSpanContext } from '../../tracing/span-context';
import { ProtobufWriter } from './protobuf-writer';

// opentelemetry-proto: SpanFlags
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

/** ResourceSpans.resource: the resource message, tag included. */
export function writeResource(out: ProtobufWriter, resource: Resource): void {
  out.tag(1, 2);
  const mark = out.begin();
  writeAttributes(out, 1, resource.attributes);
  out.end(mark);
}

/** ScopeSpans.scope: the scope message, tag included. */
export function writeScope(out: ProtobufWriter, scope: Scope): void {
  out.tag(1, 2);
  const mark = out.begin();
  out.tag(1, 2);
  out.string(scope.name);
  if (scope.version) {
    out.tag(2, 2);
    out.string(scope.version);
  }
  out.end(mark);
}

/**
 * One ScopeSpans.spans field. Ids go on the wire as exactly 16 and 8 bytes, or not at all
 * (backends reject any other): a span whose own ids are not (the batch processor drops those
 * before any exporter) is left out, and so is a link with such ids.
 */
export function writeSpan(out: ProtobufWriter, span: ReadableSpan): void {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  // hoptrace's own span's ids are hoptrace's (tracer.ts): drawn, or copied from a parent it checked.
  const checked = span instanceof HoptraceSpan;
  const start = out.position();
  out.tag(2, 2); // ScopeSpans.spans
  const mark = out.beginLarge();
  out.tag(1, 2);
  // hoptrace's own span's ids from their bytes where it has them (drawn, or read from a header: span.ts), others from their text.
  if (checked && span.traceIdWords !== undefined) out.idFrom(16, span.traceIdWords, span.traceIdAt);
  else if (!out.idBytes(context.traceId, 16, checked)) return out.rewind(start);
  out.tag(2, 2);
  if (checked && span.spanIdWords !== undefined) out.idFrom(8, span.spanIdWords, span.spanIdAt);
  else if (!out.idBytes(context.spanId, 8, checked)) return out.rewind(start);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    out.tag(3, 2);
    out.string(traceState);
  }
  if (parent?.spanId) {
    const parentStart = out.position();
    out.tag(4, 2);
    // The parent is an object of hoptrace's only if it is a checked span context (span-context.ts); the app's could change after the check.
    if (checked && span.parentIdWords !== undefined) out.idFrom(8, span.parentIdWords, span.parentIdAt);
    else if (!out.idBytes(parent.spanId, 8, checked && isCheckedSpanContext(parent))) out.rewind(parentStart);
  }
  const fieldsStart = out.position();
  if (!(checked && writeAsItsDestination(out, span as HoptraceSpan))) {
    out.rewind(fieldsStart);
    out.tag(5, 2);
    out.string(span.name);
    out.tag(6, 0);
    out.varint((span.kind ?? -1) + 1);
    if (span instanceof HoptraceSpan) {
      writeTimes(out, span);
      writeSpanAttributes(out, span);
    } else {
      out.tag(7, 1);
      writeHrTime(out, span.startTime);
      out.tag(8, 1);
      writeHrTime(out, span.endTime);
      writeAttributes(out, 9, span.attributes);
    }
  }
  writeCount(out, 10, span.droppedAttributesCount);
  // Index loops: an iterator per loop per span was most of what encoding a span allocated.
  const events = span.events;
  for (let e = 0; e < events.length; e++) {
    const event = events[e];
    out.tag(11, 2);
    const eventMark = out.begin();
    out.tag(1, 1);
    writeHrTime(out, event.time);
    out.tag(2, 2);
    out.string(event.name);
    if (event.attributes) writeAttributes(out, 3, event.attributes);
    writeCount(out, 4, event.droppedAttributesCount);
    out.end(eventMark);
  }
  writeCount(out, 12, span.droppedEventsCount);
  const links = span.links;
  if (links.length > 0) {
    // A shared list (every message of an eachBatch links to its batch span) is encoded once;
    // such lists are frozen, so other lists skip the lookup.
    if (Object.isFrozen(links) && isSharedLinkList(links)) out.raw(encodedLinkList(links));
    else writeLinks(out, links, false);
  }
  writeCount(out, 14, span.droppedLinksCount);
  const status = span.status;
  if (status.code !== 0 || status.message) {
    out.tag(15, 2);
    const statusMark = out.begin();
    if (status.message) {
      out.tag(2, 2);
      out.string(status.message);
    }
    if (status.code !== 0) {
      out.tag(3, 0);
      out.varint(status.code);
    }
    out.end(statusMark);
  }
  out.tag(16, 5);
  out.fixed32((context.traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (parent?.isRemote ? FLAGS_IS_REMOTE : 0));
  out.endLarge(mark);
}

/**
 * Span.links (field 13): a link whose ids are not hex of the right length is left out. `checked`:
 * every link's context is hoptrace's own (a shared list's); others are checked here, as the app
 * may change a link after handing it over, unless their context is a checked one.
 */
function writeLinks(out: ProtobufWriter, links: ReadableSpan['links'], checked: boolean): void {
  for (let l = 0; l < links.length; l++) {
    const link = links[l];
    const linkStart = out.position();
    out.tag(13, 2);
    const linkMark = out.begin();
    out.tag(1, 2);
    // A link to a context hoptrace made (eachBatch's batch span links each message's producer) is
    // as checked as a parent (writeSpan): the checking loop reads text a character at a time, ~50
    // instructions a character for those ids (callgrind, Node 24), where Node's decoder is a call.
    const linked = link.context;
    if (linked instanceof ParsedSpanContext) {
      // A producer's context read from a message's header: its ids' bytes as the parser decoded them (w3c.ts).
      out.idFrom(16, linked.idWords, linked.idAt);
      out.tag(2, 2);
      out.idFrom(8, linked.idWords, linked.idAt + 4);
    } else {
      const own = checked || isCheckedSpanContext(linked);
      if (!(out.idBytes(linked.traceId, 16, own) && (out.tag(2, 2), out.idBytes(linked.spanId, 8, own)))) {
        out.rewind(linkStart);
        continue;
      }
    }
    const linkState = linked.traceState?.serialize();
    if (linkState) {
      out.tag(3, 2);
      out.string(linkState);
    }
    if (link.attributes) writeAttributes(out, 4, link.attributes);
    writeCount(out, 5, link.droppedAttributesCount);
    out.tag(6, 5);
    out.fixed32(spanFlags(linked));
    out.end(linkMark);
  }
}

function spanFlags(context: SpanContext): number {
  return (context.traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (context.isRemote ? FLAGS_IS_REMOTE : 0);
}

function writeCount(out: ProtobufWriter, field: number, count: number | undefined): void {
  if (!count) return;
  out.tag(field, 0);
  out.varint(count);
}

// 1e9 = 15258 * 2^16 + 51712: splitting the multiplication keeps every step an exact double, so
// [seconds, nanoseconds] becomes the two 32-bit halves of a fixed64 without BigInt. Remainders are
// taken as x - floor(x / 2^k) * 2^k, exact for these sizes: `%` of a double above 2^31 is a call
// into C (fmod), which made this 30-40 ns a time stamp on Node 24, against 10.
function writeHrTime(out: ProtobufWriter, time: readonly [number, number]): void {
  writeTime(out, time[0], time[1]);
}

function writeTimes(out: ProtobufWriter, span: HoptraceSpan): void {
  out.tag(7, 1);
  writeTime(out, span.startSeconds, span.startNanos);
  out.tag(8, 1);
  writeTime(out, span.endSeconds, span.endNanos);
}

function writeTime(out: ProtobufWriter, seconds: number, nanos: number): void {
  const low = seconds * 51712 + nanos;
  const high16 = seconds * 15258;
  const highOfHigh16 = Math.floor(high16 / 0x10000);
  const mixed = (high16 - highOfHigh16 * 0x10000) * 0x10000 + low;
  const carry = Math.floor(mixed / 0x100000000);
  out.fixed64(mixed - carry * 0x100000000, highOfHigh16 + carry);
}

/**
 * Attribute keys repeat on every span, and many values too (the messaging system, the topic, the
 * operation, the server, the HTTP method and route): each key is encoded once, and a KeyValue
 * whose scalar value was seen before is kept whole on its second appearance and copied from then
 * on. A few values per key, so that keys whose values alternate (send and process, two topics)
 * are served too; keys with many values (offsets, ids) fill their few places and are then
 * encoded as usual. Bounded, in case an app makes up keys as it goes.
 *
 * A key whose values miss many times in a row with nothing kept (its places full, as a message's
 * offset, key or queue time fill them with a new value on every span; or values too long to keep,
 * such as URLs) is no longer looked up at all: each lookup hashed a fresh value for nothing, ~800
 * instructions a Kafka message's two spans at 100 % (callgrind, Node 24). The bytes written are
 * the same either way.
 */
const KEY_CACHE_LIMIT = 1024;
const VALUES_PER_KEY = 8;
// Longer values (URLs, statements) rarely repeat exactly and would hold memory for nothing.
const CACHED_VALUE_MAX_LENGTH = 64;
/** Misses in a row that kept nothing, after which a key's values are no longer looked up. */
const MISSES_BEFORE_PASSING_OVER = 64;

interface EncodedKey {
  /** KeyValue.key: tag, length, UTF-8. */
  readonly key: Buffer;
  /** Values seen: the whole KeyValue once a value came a second time, null until then. */
  readonly values: Map<unknown, Buffer | null>;
  /** Lookups in a row that found nothing and kept nothing (every place taken, or a value too long to keep); past the limit, `values` is passed over. */
  unkeptMisses: number;
}

const encodedKeys = new Map<string, EncodedKey>();

function encodedKey(key: string): EncodedKey {
  let encoded = encodedKeys.get(key);
  if (encoded === undefined) {
    const writer = new ProtobufWriter(16 + key.length * 3);
    writer.tag(1, 2);
    writer.string(key);
    encoded = { key: Buffer.from(writer.finish()), values: new Map(), unkeptMisses: 0 };
    if (encodedKeys.size < KEY_CACHE_LIMIT) encodedKeys.set(key, encoded);
  }
  return encoded;
}

/** The caches' bounds, for the tests that hold the encoder to them. */
export const CACHE_LIMITS = Object.freeze({
  keyLimit: KEY_CACHE_LIMIT,
  valuesPerKey: VALUES_PER_KEY,
  longestValue: CACHED_VALUE_MAX_LENGTH,
  missesBeforePassingOver: MISSES_BEFORE_PASSING_OVER,
});

/** How much the encoder's caches hold (for the tests that they stay bounded whatever arrives). */
export function encodingCacheSizes(): { keys: number; largestValueSet: number } {
  let largestValueSet = 0;
  for (const { values } of encodedKeys.values()) largestValueSet = Math.max(largestValueSet, values.size);
  return { keys: encodedKeys.size, largestValueSet };
}

/** Empties the caches, so that a test of their bounds does not depend on what ran before it. */
export function forgetEncodedKeys(): void {
  encodedKeys.clear();
}

/** How many values of `key` the encoder keeps (undefined: the key itself is not kept). */
export function cachedValueCount(key: string): number | undefined {
  return encodedKeys.get(key)?.values.size;
}

/** Whether the encoder still looks `key`'s values up (undefined: the key itself is not kept). */
export function valuesLookedUp(key: string): boolean | undefined {
  const encoded = encodedKeys.get(key);
  return encoded && isLookedUp(encoded);
}

function isLookedUp(encoded: EncodedKey): boolean {
  return encoded.unkeptMisses <= MISSES_BEFORE_PASSING_OVER;
}

function isCacheable(value: unknown): boolean {
  return typeof value === 'string' ? value.length <= CACHED_VALUE_MAX_LENGTH : typeof value === 'number' || typeof value === 'boolean';
}

/** A destination's template, encoded once: alone, and with the name and kind of the first span that came with it. */
interface EncodedTemplate {
  /** Repeated Span.attributes fields, whole. */
  readonly attributes: Buffer;
  readonly name: string;
  readonly kind: number;
  /** Span.name, Span.kind and the attributes: what every span of the destination has alike. */
  readonly shared: Buffer;
  /** Own keys of the destination's spans, in their order, none of them the template's (writeOwnAttributes). */
  ownKeys: string[];
  /** Those keys encoded. */
  ownEncodedKeys: EncodedKey[];
  /** Spans in a row whose own keys were not those. */
  ownKeysMissed: number;
}

const encodedTemplates = new WeakMap<Attributes, EncodedTemplate>();
const MISSES_BEFORE_LEARNING_KEYS = 2;

function encodedTemplate(span: HoptraceSpan, template: Attributes): EncodedTemplate {
  let encoded = encodedTemplates.get(template);
  if (encoded === undefined) {
    const attributes = encodedWith((writer) => writeAttributes(writer, 9, template));
    const name = span.name;
    const kind = span.kind;
    const shared = encodedWith((writer) => {
      writer.tag(5, 2);
      writer.string(name);
      writer.tag(6, 0);
      writer.varint(kind + 1);
      writer.raw(attributes);
    });
    encoded = { attributes, name, kind, shared, ownKeys: [], ownEncodedKeys: [], ownKeysMissed: 0 };
    encodedTemplates.set(template, encoded);
  }
  return encoded;
}

/**
 * Span.name, kind, times and attributes of a span as its destination's spans have them: name, kind
 * and template written from bytes encoded once (fields may come in any order on the wire), then
 * its own attributes. A span named otherwise than the template's first span (one the app renamed;
 * an HTTP server span, named after its route as it ends) writes its own name and kind, and the
 * template still from its bytes. False, with bytes written that the caller takes back, for a span
 * whose own attribute has a key of the template's (own ones take precedence; seldom so).
 */
function writeAsItsDestination(out: ProtobufWriter, span: HoptraceSpan): boolean {
  const template = span.template;
  if (template === undefined) return false;
  const encoded = encodedTemplate(span, template);
  if (encoded.name === span.name && encoded.kind === span.kind) {
    out.raw(encoded.shared);
  } else {
    out.tag(5, 2);
    out.string(span.name);
    out.tag(6, 0);
    out.varint((span.kind ?? -1) + 1);
    out.raw(encoded.attributes);
  }
  writeTimes(out, span);
  return writeOwnAttributes(out, span.ownAttributes, encoded, template);
}

/**
 * writeAttributes for the own attributes of a span with a template; false as soon as one has a
 * key of the template's. A destination's spans have the same own keys in the same order, span
 * after span: those are remembered with their encoded keys, and a key that is the same string in
 * the same place needs neither a lookup in the template (a call V8 does not inline for keys that
 * vary) nor one among the encoded keys. Keys are learnt again only after two spans in a row
 * differ: spans of two shapes that take turns (eachBatch's batch span and its messages') would
 * otherwise replace them on every span.
 */
function writeOwnAttributes(out: ProtobufWriter, own: Attributes, encoded: EncodedTemplate, template: Attributes): boolean {
  const known = encoded.ownKeys;
  const knownEncoded = encoded.ownEncodedKeys;
  let at = 0;
  let asKnown = true;
  for (const key in own) {
    let encodedKeyValue: EncodedKey;
    if (asKnown && at < known.length && known[at] === key) {
      encodedKeyValue = knownEncoded[at];
      at++;
    } else {
      asKnown = false;
      if (Object.prototype.hasOwnProperty.call(template, key)) return false;
      encodedKeyValue = encodedKey(key);
    }
    const value = own[key];
    if (value !== undefined && value !== null) writeKeyValue(out, 9, encodedKeyValue, value);
  }
  if (asKnown) {
    encoded.ownKeysMissed = 0;
  } else if (++encoded.ownKeysMissed >= MISSES_BEFORE_LEARNING_KEYS) {
    encoded.ownKeys = Object.keys(own);
    encoded.ownEncodedKeys = encoded.ownKeys.map(encodedKey);
    encoded.ownKeysMissed = 0;
  }
  return true;
}

/**
 * A span's template from its bytes, then its own attributes; where an own attribute replaces one
 * of the template's (rare), the two are written as one object instead.
 */
function writeSpanAttributes(out: ProtobufWriter, span: HoptraceSpan): void {
  const { template, ownAttributes } = span;
  if (template === undefined) return writeAttributes(out, 9, ownAttributes);
  for (const key in ownAttributes) if (Object.prototype.hasOwnProperty.call(template, key)) return writeAttributes(out, 9, span.attributes);
  out.raw(encodedTemplate(span, template).attributes);
  writeAttributes(out, 9, ownAttributes);
}

/** The bytes of shared link lists (see sharedLinks in tracing/span.ts), by list. */
const encodedLinkLists = new WeakMap<ReadableSpan['links'], Buffer>();

function encodedLinkList(links: ReadableSpan['links']): Buffer {
  let encoded = encodedLinkLists.get(links);
  if (encoded === undefined) {
    encoded = encodedWith((writer) => writeLinks(writer, links, true));
    encodedLinkLists.set(links, encoded);
  }
  return encoded;
}

function encodedWith(write: (writer: ProtobufWriter) => void): Buffer {
  const writer = new ProtobufWriter(256);
  write(writer);
  return Buffer.from(writer.finish());
}

function writeAttributes(out: ProtobufWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined && value !== null) writeKeyValue(out, field, encodedKey(key), value);
  }
}

/** One KeyValue: from its bytes when its value came before, else encoded (and maybe kept). */
function writeKeyValue(out: ProtobufWriter, field: number, encoded: EncodedKey, value: AttributeValue): void {
  const lookedUp = isLookedUp(encoded);
  const cached = lookedUp ? encoded.values.get(value) : undefined;
  if (cached) {
    encoded.unkeptMisses = 0;
    out.tag(field, 2);
    out.varint(cached.length);
    out.raw(cached);
    return;
  }
  out.tag(field, 2);
  const mark = out.begin();
  const start = out.position();
  out.raw(encoded.key);
  out.tag(2, 2); // KeyValue.value
  const valueMark = out.begin();
  writeAnyValue(out, value);
  out.end(valueMark);
  // Seen before (null): kept whole from now on. New: remembered, while the key has room.
  if (lookedUp) {
    if (cached === null) {
      encoded.values.set(value, out.copy(start));
      encoded.unkeptMisses = 0;
    } else if (encoded.values.size < VALUES_PER_KEY && isCacheable(value)) {
      encoded.values.set(value, null);
    } else {
      encoded.unkeptMisses++;
    }
  }
  out.end(mark);
}

const MIN_INT64 = -(2 ** 63);
const MAX_INT64_PLUS_ONE = 2 ** 63;

function writeAnyValue(out: ProtobufWriter, value: AttributeValue | unknown): void {
  switch (typeof value) {
    case 'string':
      out.tag(1, 2);
      out.string(value);
      return;
    case 'boolean':
      out.tag(2, 0);
      out.varint(value ? 1 : 0);
      return;
    case 'number':
      // An integer as int64 wherever it fits, as the OpenTelemetry transformer writes it (integers
      // past 2^53 that a double holds exactly, such as powers of two, included); others as double.
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64_PLUS_ONE) {
        out.tag(3, 0);
        out.int64(value);
      } else {
        out.tag(4, 1);
        out.double(value);
      }
      return;
    case 'object':
      if (value instanceof Uint8Array) {
        out.tag(7, 2);
        out.bytes(value);
      } else if (Array.isArray(value)) {
        out.tag(5, 2); // ArrayValue
        const mark = out.begin();
        for (const item of value) {
          out.tag(1, 2);
          const itemMark = out.begin();
          if (item !== null && item !== undefined) writeAnyValue(out, item);
          out.end(itemMark);
        }
        out.end(mark);
      }
      return;
  }
}


/**
 * One `traceparent` value, read as the W3C Trace Context spec says
 * (https://www.w3.org/TR/trace-context/#traceparent-header): version 00 exactly as specified, later
 * versions by their first four fields; ids in lower-case hex and not all zeros.
 *
 * Read by character codes, not a regular expression: this runs for every request and message
 * received, and the scan is about three times cheaper.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import { TraceFlags } from '@opentelemetry/api';
import { CheckedSpanContext, ParsedSpanContext } from '../tracing/span-context';
import type { HopContext } from './newest-context';

const LENGTH_OF_VERSION_00 = 55;

/**
 * Whether `text[from, to)` is lower-case hex with at least one digit other than 0 (ids): IS_ID;
 * hex but all zeros: ALL_ZEROS; anything else: NOT_HEX.
 */
const NOT_HEX = -1;
const ALL_ZEROS = 0;
const IS_ID = 1;

/**
 * What each character code is to an id, by table (one load and one test per character, where
 * comparing ranges took up to four): NOT_A_DIGIT, ZERO, or OTHER_DIGIT (1-9, a-f).
 */
const NOT_A_DIGIT = 0;
const ZERO = 1;
const OTHER_DIGIT = 2;
const DIGIT_CLASS = new Uint8Array(128);
DIGIT_CLASS[48] = ZERO;
for (let code = 49; code <= 57; code++) DIGIT_CLASS[code] = OTHER_DIGIT;
for (let code = 97; code <= 102; code++) DIGIT_CLASS[code] = OTHER_DIGIT;

function scanHex(text: string, from: number, to: number): typeof NOT_HEX | typeof ALL_ZEROS | typeof IS_ID {
  let seen = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    const kind = code < 128 ? DIGIT_CLASS[code] : NOT_A_DIGIT;
    if (kind === NOT_A_DIGIT) return NOT_HEX;
    seen |= kind;
  }
  return seen & OTHER_DIGIT ? IS_ID : ALL_ZEROS;
}

/** The value of one lower-case hex digit; -1 for any other character. */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

export function parseTraceparent(header: string): HopContext | undefined {
  const value = header.length === LENGTH_OF_VERSION_00 ? header : header.trim();
  if (value.length < LENGTH_OF_VERSION_00) return undefined;
  if (value.charCodeAt(2) !== 45 || value.charCodeAt(35) !== 45 || value.charCodeAt(52) !== 45) return undefined; // '-'
  const version0 = hexDigit(value.charCodeAt(0));
  const version1 = hexDigit(value.charCodeAt(1));
  const flags0 = hexDigit(value.charCodeAt(53));
  const flags1 = hexDigit(value.charCodeAt(54));
  if (version0 < 0 || version1 < 0 || flags0 < 0 || flags1 < 0) return undefined;
  if (version0 === 15 && version1 === 15) return undefined; // version ff
  // Version 00 is exactly 55 characters; a later version may go on, after a '-'.
  if (value.length > LENGTH_OF_VERSION_00 && ((version0 === 0 && version1 === 0) || value.charCodeAt(LENGTH_OF_VERSION_00) !== 45)) return undefined;
  if (scanHex(value, 3, 35) !== IS_ID || scanHex(value, 36, 52) !== IS_ID) return undefined;
  return { traceId: value.slice(3, 35), spanId: value.slice(36, 52), sampled: (flags1 & 1) === 1 };
}

/**
 * parseTraceparent for a value that came as bytes (Kafka headers), made straight into the remote
 * span context it names (no HopContext in between, one object fewer a message): the common 55-byte
 * value is checked on the bytes, which is about twice as fast as on a string, and only the ids
 * become text, made from the bytes in JavaScript (Buffer#toString crosses into C++ for every
 * value). Anything else is read as text, by the rules above.
 */
export function parseTraceparentBytes(bytes: Buffer): CheckedSpanContext | undefined {
  if (bytes.length !== LENGTH_OF_VERSION_00) {
    const hop = parseTraceparent(bytes.toString('latin1'));
    return hop && new CheckedSpanContext(hop.traceId, hop.spanId, hop.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, undefined, true);
  }
  if (bytes[2] !== 45 || bytes[35] !== 45 || bytes[52] !== 45) return undefined; // '-'
  // Digits by table (255: not one), not by hexDigit(): four calls fewer for V8 to inline, which
  // left it no room to inline the trace id's text (a call more a message, ~400 instructions).
  const version0 = DIGIT_VALUE[bytes[0]];
  const version1 = DIGIT_VALUE[bytes[1]];
  const flags1 = DIGIT_VALUE[bytes[54]];
  if (version0 > 15 || version1 > 15 || DIGIT_VALUE[bytes[53]] > 15 || flags1 > 15) return undefined;
  if (version0 === 15 && version1 === 15) return undefined; // version ff
  // Not sampled upstream, the ids' bytes are seldom wanted (only when a sampler here decides to
  // record all the same): checked only, as before. Sampled, decoded as they are checked (below).
  const sampled = (flags1 & 1) === 1;
  let at = 0;
  if (!sampled) {
    if (scanHexBytes(bytes, 3, 35) !== IS_ID || scanHexBytes(bytes, 36, 52) !== IS_ID) return undefined;
  } else {
    at = decodeIds(bytes);
    if (at < 0) return undefined;
  }
  // The ids' text made in one place: V8 inlines it there (two places left it a call).
  const traceId = textOf32(bytes, 3);
  const spanId = textOf16(bytes, 36);
  return sampled ? new ParsedSpanContext(traceId, spanId, TraceFlags.SAMPLED, idWords, at >> 2) : new CheckedSpanContext(traceId, spanId, TraceFlags.NONE, undefined, true);
}

/** The ids of a 55-byte value decoded into the pool (below); where they begin, or -1 when they are not ids. */
function decodeIds(bytes: Buffer): number {
  if (idBytesUsed + ID_BYTES > idBytes.length) {
    idBytes = Buffer.allocUnsafeSlow(ID_POOL_SIZE);
    idWords = new Uint32Array(idBytes.buffer, idBytes.byteOffset, ID_POOL_SIZE / 4);
    idBytesUsed = 0;
  }
  const at = idBytesUsed;
  if (decodeHex(bytes, 3, 35, at) !== IS_ID || decodeHex(bytes, 36, 52, at + 16) !== IS_ID) return -1;
  idBytesUsed = at + ID_BYTES;
  return at;
}

function scanHexBytes(bytes: Buffer, from: number, to: number): typeof NOT_HEX | typeof ALL_ZEROS | typeof IS_ID {
  let seen = 0;
  for (let i = from; i < to; i++) {
    const code = bytes[i];
    const kind = code < 128 ? DIGIT_CLASS[code] : NOT_A_DIGIT;
    if (kind === NOT_A_DIGIT) return NOT_HEX;
    seen |= kind;
  }
  return seen & OTHER_DIGIT ? IS_ID : ALL_ZEROS;
}

/**
 * The ids' bytes, decoded as they are checked (the scan read every digit anyway): the OTLP encoder
 * copies a recorded span's parent and links from them, where it decoded each id's text again
 * through Node's C++ decoder (~550 instructions an id; two or four a consumed message). Trace id
 * then span id, 24 bytes, in a pool of its own that is never written over (a span points into it
 * for as long as it lives, as to the pool of drawn ids, tracer.ts).
 */
const ID_BYTES = 24;
const ID_POOL_SIZE = 4096;
let idBytes: Buffer = Buffer.alloc(0);
/** The same bytes as 32-bit words, as the encoder copies them (24 bytes a context: each begins on a word). */
let idWords: Uint32Array = new Uint32Array(0);
let idBytesUsed = 0;

/** Each hex digit's value by byte (lower case only, as the spec has ids); 255 for any other byte. */
const DIGIT_VALUE = new Uint8Array(256).fill(255);
for (let code = 48; code <= 57; code++) DIGIT_VALUE[code] = code - 48;
for (let code = 97; code <= 102; code++) DIGIT_VALUE[code] = code - 87;

/** scanHexBytes, writing the bytes the digits stand for into the id pool at `at`. */
function decodeHex(bytes: Buffer, from: number, to: number, at: number): typeof NOT_HEX | typeof ALL_ZEROS | typeof IS_ID {
  const into = idBytes;
  let seen = 0;
  for (let i = from; i < to; i += 2) {
    const high = DIGIT_VALUE[bytes[i]];
    const low = DIGIT_VALUE[bytes[i + 1]];
    if ((high | low) > 15) return NOT_HEX;
    const byte = (high << 4) | low;
    seen |= byte;
    into[at++] = byte;
  }
  return seen !== 0 ? IS_ID : ALL_ZEROS;
}

/** Sixteen bytes from `at`, checked to be hex digits, as text. */
function textOf16(b: Buffer, at: number): string {
  return String.fromCharCode(
    b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7],
    b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15],
  );
}

/** Thirty-two bytes from `at`, checked to be hex digits, as text. */
function textOf32(b: Buffer, at: number): string {
  return String.fromCharCode(
    b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7],
    b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15],
    b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23],
    b[at + 24], b[at + 25], b[at + 26], b[at + 27], b[at + 28], b[at + 29], b[at + 30], b[at + 31],
  );
}

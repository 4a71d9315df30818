/**
 * Just enough of a protobuf writer for OTLP: varints, fixed 32/64-bit numbers, doubles, strings,
 * bytes and nested messages, written straight into one growing buffer.
 *
 * Nested messages are written in place: `begin()` reserves one byte for the length, `end()` fills
 * it in and, when the message turned out to need a longer length prefix, moves the message along.
 * Attributes and events mostly fit in 127 bytes and never move; spans, mostly 128 bytes to 16 KiB,
 * get two bytes (`beginLarge()`) and move only outside that range. That copy, when it comes, is
 * what buys encoding a batch in a single pass with no intermediate objects.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';

// Hex digit values by character code; 255 for anything else.
const HEX_VALUE = new Uint8Array(256).fill(255);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[97 + i] = HEX_VALUE[65 + i] = 10 + i;

function hexValue(code: number): number {
  return code < 256 ? HEX_VALUE[code] : 255;
}

/**
 * Node's own hex decoder into a buffer: Buffer's `hexWrite` where it has one (every Node hoptrace
 * supports), else the documented `write(…, 'hex')`. Both stop at the first pair that is not hex
 * and return how many bytes they wrote, but read a character above U+00FF by its low byte
 * ('٣', U+0663, as 'c'): only for ids already checked (checkedHexBytes).
 */
const hexInto: (buf: Buffer, hex: string, offset: number, length: number) => number =
  typeof (Buffer.prototype as { hexWrite?: unknown }).hexWrite === 'function'
    ? (buf, hex, offset, length) => (buf as Buffer & { hexWrite(hex: string, offset: number, length: number): number }).hexWrite(hex, offset, length)
    : (buf, hex, offset, length) => buf.write(hex, offset, length, 'hex');

/** Whether this machine keeps a number's least significant byte first (as Uint32Array reads it). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class ProtobufWriter {
  private buf: Buffer;
  /** The same bytes, for writes of a word at a time (idFrom). */
  private view: DataView;
  private pos = 0;

  constructor(initialSize: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, initialSize));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Bytes the buffer holds before it must grow. */
  get capacity(): number {
    return this.buf.length;
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Room for `bytes` more before the next write grows the buffer. */
  reserve(bytes: number): void {
    this.ensure(bytes);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.length);
  }

  /** Field key: number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  tag(field: number, wire: 0 | 1 | 2 | 5): void {
    const key = (field << 3) | wire;
    // Fields 1-15, every key but one of a span's: one byte, written here so that the call stays
    // small enough for V8 to inline into the writers. As a call into varint() it was ~9 % of what
    // exporting a Kafka message's spans cost (callgrind, Node 24: ~2,600 of ~29,000 instructions).
    if (key < 0x80 && this.pos < this.buf.length) this.buf[this.pos++] = key;
    else this.varint(key);
  }

  /** A non-negative integer below 2^64 (exact: dividing a double by 128 loses nothing). */
  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /** An integer of the int64 range, negative numbers as ten-byte two's complement. */
  int64(value: number): void {
    if (value >= 0) {
      this.varint(value);
      return;
    }
    this.ensure(10);
    let twos = BigInt.asUintN(64, BigInt(value));
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = Number(twos & 0x7fn) | 0x80;
      twos >>= 7n;
    }
    this.buf[this.pos++] = Number(twos);
  }

  fixed32(value: number): void {
    if (this.pos + 4 > this.buf.length) this.ensure(4);
    this.view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  /**
   * A 64-bit unsigned number given as its two 32-bit halves (time stamps), least significant
   * first. Through the DataView: a store a half, where byte by byte it was eight stores, each
   * checked against the buffer's length.
   */
  fixed64(low: number, high: number): void {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    const view = this.view;
    view.setUint32(this.pos, low, true);
    view.setUint32(this.pos + 4, high, true);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** A length-delimited UTF-8 string (tag written by the caller). */
  string(value: string): void {
    const length = value.length;
    this.ensure(5 + length * 3);
    const buf = this.buf;
    // Short ASCII (attribute keys, methods, routes) is copied by hand: cheaper than a call into
    // the UTF-8 encoder. Anything else goes through Buffer#write.
    if (length < 128) {
      let pos = this.pos + 1;
      let ascii = true;
      for (let i = 0; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 0x7f) {
          ascii = false;
          break;
        }
        buf[pos++] = code;
      }
      if (ascii) {
        buf[this.pos] = length;
        this.pos = pos;
        return;
      }
    }
    const start = this.begin();
    this.pos += buf.write(value, this.pos, 'utf8');
    this.end(start);
  }

  /**
   * Length-delimited bytes given as hex (trace and span ids): true when `hex` is exactly `bytes`
   * bytes of hex. Otherwise what was written is garbage, and the caller rewinds past it.
   */
  hexBytes(hex: string, bytes: number): boolean {
    if (typeof hex !== 'string' || hex.length !== 2 * bytes) return false;
    const length = bytes;
    this.ensure(1 + length);
    const buf = this.buf;
    const mark = this.pos;
    let pos = mark + 1;
    for (let i = 0; i < length; i++) {
      const high = hexValue(hex.charCodeAt(2 * i));
      const low = hexValue(hex.charCodeAt(2 * i + 1));
      if (high > 15 || low > 15) return false;
      buf[pos++] = (high << 4) | low;
    }
    buf[mark] = length;
    this.pos = pos;
    return true;
  }

  /**
   * hexBytes for ids checked to be hex when they were made or taken in (hoptrace's own spans'):
   * decoded by Node rather than by the loop above, which reads hoptrace's ids (slices of one long
   * hex text, tracer.ts) a character at a time at twice the cost of a flat string's. With raw()'s
   * copies by set(), encoding a Kafka process span got 13 % faster on Node 26, 8 % on 24, 3 % on 20.
   */
  checkedHexBytes(hex: string, bytes: number): boolean {
    if (typeof hex !== 'string' || hex.length !== 2 * bytes) return false;
    this.ensure(1 + bytes);
    if (hexInto(this.buf, hex, this.pos + 1, bytes) !== bytes) return false;
    this.buf[this.pos] = bytes;
    this.pos += 1 + bytes;
    return true;
  }

  /**
   * A trace id (16 bytes) or span id (8), length-delimited, copied from 32-bit words (`words`
   * from index `at`): four stores of a word for a trace id, where byte by byte it was 16 loads and
   * 16 stores, each checked against its array's length.
   */
  idFrom(bytes: 8 | 16, words: Uint32Array, at: number): void {
    if (this.pos + 17 > this.buf.length) this.ensure(17);
    const view = this.view;
    const pos = this.pos;
    this.buf[pos] = bytes;
    // The words were read in this machine's byte order; written back in it, the bytes are as they were.
    view.setUint32(pos + 1, words[at], LITTLE_ENDIAN);
    view.setUint32(pos + 5, words[at + 1], LITTLE_ENDIAN);
    if (bytes === 16) {
      view.setUint32(pos + 9, words[at + 2], LITTLE_ENDIAN);
      view.setUint32(pos + 13, words[at + 3], LITTLE_ENDIAN);
    }
    this.pos = pos + 1 + bytes;
  }

  /** An id: checkedHexBytes when `checked`, else hexBytes. */
  idBytes(hex: string, bytes: number, checked: boolean): boolean {
    return checked ? this.checkedHexBytes(hex, bytes) : this.hexBytes(hex, bytes);
  }

  /** Where the next byte goes; with `rewind`, a way to take back what was written since. */
  position(): number {
    return this.pos;
  }

  rewind(position: number): void {
    this.pos = position;
  }

  /** Bytes encoded once beforehand (a field key and its value), copied as they are. */
  raw(bytes: Uint8Array): void {
    const length = bytes.length;
    this.ensure(length);
    if (length >= 16) {
      this.buf.set(bytes, this.pos);
      this.pos += length;
      return;
    }
    // Only the shortest copies by hand: from 16 bytes on (a key with its value is 20-45), set() is
    // cheaper on Node 20 to 26 (40 bytes: 41 ns by hand, 16 by set() on Node 24).
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) buf[pos++] = bytes[i];
    this.pos = pos;
  }

  /** A copy of what was written from `start` on. */
  copy(start: number): Buffer {
    return Buffer.from(this.buf.subarray(start, this.pos));
  }

  /**
   * A length-delimited field made of parts already encoded: its length is known beforehand, so
   * nothing moves (large messages, such as a batch's spans, are not copied twice).
   */
  lengthDelimited(field: number, parts: readonly Uint8Array[]): void {
    let length = 0;
    for (const part of parts) length += part.length;
    this.tag(field, 2);
    this.varint(length);
    for (const part of parts) this.raw(part);
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Starts a nested message; returns the mark to pass to `end`. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /**
   * Starts a nested message expected to be 128 to 16,383 bytes long (a span): two bytes kept for
   * its length, so that end() moves nothing in the usual case. Returns the mark for `endLarge`.
   */
  beginLarge(): number {
    this.ensure(2);
    const mark = this.pos;
    this.pos += 2;
    return mark;
  }

  /**
   * Ends a message started by `beginLarge`. A length outside the expected range moves the message
   * by the difference: varints on the wire are the shortest for their value, as decoders expect.
   */
  endLarge(mark: number): void {
    const length = this.pos - mark - 2;
    if (length >= 0x80 && length < 0x4000) {
      this.buf[mark] = (length & 0x7f) | 0x80;
      this.buf[mark + 1] = length >>> 7;
      return;
    }
    // Either way, end() moves the message from one byte after the mark to where its length needs.
    this.buf.copyWithin(mark + 1, mark + 2, this.pos);
    this.pos--;
    this.end(mark);
  }

  /** Ends the nested message started at `mark`, writing its length. */
  end(mark: number): void {
    const length = this.pos - mark - 1;
    if (length < 0x80) {
      this.buf[mark] = length;
      return;
    }
    let prefix = 1;
    for (let rest = length >>> 7; rest > 0; rest >>>= 7) prefix++;
    this.ensure(prefix - 1);
    this.buf.copyWithin(mark + prefix, mark + 1, this.pos);
    let value = length;
    let pos = mark;
    while (value > 0x7f) {
      this.buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[pos] = value;
    this.pos += prefix - 1;
  }
}

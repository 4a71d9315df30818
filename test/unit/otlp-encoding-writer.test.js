'use strict';
// The protobuf writer under the OTLP encoder, value by value: each kind of value written at every
// place near the end of a buffer's room comes out as it does with room to spare, and numbers come
// out as protobuf's own rule writes them (little-endian groups of 7 bits, as few as the value
// needs; negative int64 as ten bytes of two's complement), checked against a reference encoder
// of a few lines written from that rule.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ProtobufWriter } = require('../../dist/agent/exporters/otlp/protobuf-writer');

/** protobuf's base-128 varint of an unsigned 64-bit value. */
function referenceVarint(value) {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Buffer.from(bytes);
}

const written = (write, capacity = 1 << 16) => {
  const writer = new ProtobufWriter(capacity);
  write(writer);
  return Buffer.from(writer.finish());
};

const EDGES = [0, 1, 126, 127, 128, 129, 255, 256, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 - 1, 2 ** 35, 2 ** 42, 2 ** 49, 2 ** 53 - 1, 2 ** 56, 2 ** 60, 2 ** 63, 2 ** 64 - 2 ** 11];

test('varints: as protobuf writes them, in as few bytes as each value needs', () => {
  for (const value of EDGES) assert.equal(written((w) => w.varint(value)), referenceVarint(value), `varint ${value}`);
});

test('int64: non-negative as a varint, negative as ten bytes of two\'s complement', () => {
  const values = [...EDGES.filter((v) => v < 2 ** 63), -1, -2, -127, -128, -129, -(2 ** 31), -(2 ** 32), -(2 ** 53 - 1), -(2 ** 60), -(2 ** 63)];
  for (const value of values) {
    const bytes = written((w) => w.int64(value));
    assert.equal(bytes, referenceVarint(value), `int64 ${value}`);
    if (value < 0) assert.is(bytes.length, 10);
  }
});

test('every kind of value, written at every place near the end of the room, comes out as with room to spare', () => {
  const nested = (w) => {
    const mark = w.begin();
    w.raw(Buffer.alloc(200, 0x42));
    w.end(mark);
  };
  const writes = {
    tag: (w) => w.tag(2 ** 20, 2),
    varint: (w) => w.varint(2 ** 52 + 3),
    int64: (w) => w.int64(-12345),
    fixed32: (w) => w.fixed32(0xdeadbeef),
    fixed64: (w) => w.fixed64(0x01234567, 0x89abcdef),
    double: (w) => w.double(-1.5e-300),
    'ascii string': (w) => w.string('x'.repeat(100)),
    'utf-8 string': (w) => w.string('é日🚀'.repeat(30)),
    'long string': (w) => w.string('y'.repeat(300)),
    'hex ids': (w) => w.hexBytes('0af7651916cd43dd8448eb211c80319c', 16),
    bytes: (w) => w.bytes(new Uint8Array(40).map((_, i) => i)),
    'short raw': (w) => w.raw(Buffer.from('0123456789')),
    'long raw': (w) => w.raw(Buffer.alloc(100, 0x7e)),
    'parts of known length': (w) => w.lengthDelimited(3, [Buffer.alloc(90, 1), Buffer.alloc(90, 2)]),
    'nested message': nested,
    'nested message, long prefix': (w) => {
      const mark = w.begin();
      nested(w);
      w.raw(Buffer.alloc(20000, 0x43));
      w.end(mark);
    },
  };
  const ROOM = 256; // the smallest buffer a writer starts with
  for (const [kind, write] of Object.entries(writes)) {
    const alone = written(write);
    for (let start = 0; start <= ROOM; start++) {
      const bytes = written((w) => {
        w.raw(Buffer.alloc(start, 0xaa));
        write(w);
        w.raw(Buffer.from([0x55])); // what follows must land after it, not over it
      }, ROOM);
      assert.equal(bytes.subarray(start), Buffer.concat([alone, Buffer.from([0x55])]), `${kind} written at ${start} of ${ROOM}`);
    }
  }
});

test('a nested message that ends at the very end of the room, its length prefix grown to two and three bytes', () => {
  for (const room of [256, 1 << 15]) {
    for (const length of [200, 20000]) {
      for (const gap of [-2, -1, 0, 1, 2]) {
        const before = room - 1 - length + gap;
        if (before < 0) continue;
        const message = Buffer.alloc(length).map((_, i) => i % 251);
        const bytes = written((w) => {
          w.raw(Buffer.alloc(before, 0xaa));
          const mark = w.begin();
          w.raw(message);
          w.end(mark);
          w.raw(Buffer.from([0x55]));
        }, room);
        assert.equal(bytes.subarray(before), Buffer.concat([referenceVarint(length), message, Buffer.from([0x55])]), `${length} bytes ending ${gap} from ${room}`);
      }
    }
  }
});

test('ids: exactly the given number of bytes of hex digits, or false', () => {
  const w = new ProtobufWriter(64);
  assert.is(w.hexBytes('0123456789abcdefABCDEF0123456789', 16), true);
  assert.equal(Buffer.from(w.finish()), Buffer.from('100123456789abcdefabcdef0123456789', 'hex'));
  for (const bad of ['012', '0123456789abcdef0', '0123456789abcdeg', 'g123456789abcdef', ':123456789abcdef', '01234567890abcd/', '`123456789abcdef', '@123456789abcdef', '\u0100123456789abcdef'.slice(0, 16), 'ā123456789abcdef', undefined, 42]) {
    assert.is(new ProtobufWriter(64).hexBytes(bad, 8), false, JSON.stringify(bad));
  }
});

test.run();

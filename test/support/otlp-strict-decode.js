'use strict';
// A strict reader of OTLP ExportTraceServiceRequest protobuf, written from opentelemetry-proto's
// trace.proto, common.proto and resource.proto (v1), for tests that compare two encoders: every
// field of every message is read (none is skipped, so none can differ unseen), and anything a
// correct encoder would not write is an error: an unknown field, a wrong wire type, a varint with
// more bytes than its value needs, a length past the end of its message, a singular field twice.
// proto3 leaves a field at its default whether it is written or not, so the result always holds
// every field, defaults filled in; absent and empty messages read alike.

// [name, type, repeated]; a type is a scalar name or a message name of this table.
const SCHEMA = {
  ExportTraceServiceRequest: { 1: ['resourceSpans', 'ResourceSpans', true] },
  ResourceSpans: { 1: ['resource', 'Resource'], 2: ['scopeSpans', 'ScopeSpans', true], 3: ['schemaUrl', 'string'] },
  Resource: { 1: ['attributes', 'KeyValue', true], 2: ['droppedAttributesCount', 'uint32'], 3: ['entityRefs', 'bytes', true] },
  ScopeSpans: { 1: ['scope', 'InstrumentationScope'], 2: ['spans', 'Span', true], 3: ['schemaUrl', 'string'] },
  InstrumentationScope: {
    1: ['name', 'string'],
    2: ['version', 'string'],
    3: ['attributes', 'KeyValue', true],
    4: ['droppedAttributesCount', 'uint32'],
  },
  Span: {
    1: ['traceId', 'bytes'],
    2: ['spanId', 'bytes'],
    3: ['traceState', 'string'],
    4: ['parentSpanId', 'bytes'],
    16: ['flags', 'fixed32'],
    5: ['name', 'string'],
    6: ['kind', 'enum'],
    7: ['startTimeUnixNano', 'fixed64'],
    8: ['endTimeUnixNano', 'fixed64'],
    9: ['attributes', 'KeyValue', true],
    10: ['droppedAttributesCount', 'uint32'],
    11: ['events', 'Event', true],
    12: ['droppedEventsCount', 'uint32'],
    13: ['links', 'Link', true],
    14: ['droppedLinksCount', 'uint32'],
    15: ['status', 'Status'],
  },
  Event: {
    1: ['timeUnixNano', 'fixed64'],
    2: ['name', 'string'],
    3: ['attributes', 'KeyValue', true],
    4: ['droppedAttributesCount', 'uint32'],
  },
  Link: {
    1: ['traceId', 'bytes'],
    2: ['spanId', 'bytes'],
    3: ['traceState', 'string'],
    4: ['attributes', 'KeyValue', true],
    5: ['droppedAttributesCount', 'uint32'],
    6: ['flags', 'fixed32'],
  },
  Status: { 2: ['message', 'string'], 3: ['code', 'enum'] },
  KeyValue: { 1: ['key', 'string'], 2: ['value', 'AnyValue'] },
  // A oneof: read as { oneof: <field name>, value }, or { oneof: 'none' } when nothing is set.
  AnyValue: {
    1: ['stringValue', 'string'],
    2: ['boolValue', 'bool'],
    3: ['intValue', 'int64'],
    4: ['doubleValue', 'double'],
    5: ['arrayValue', 'ArrayValue'],
    6: ['kvlistValue', 'KeyValueList'],
    7: ['bytesValue', 'bytes'],
  },
  ArrayValue: { 1: ['values', 'AnyValue', true] },
  KeyValueList: { 1: ['values', 'KeyValue', true] },
};

const WIRE_TYPE = { uint32: 0, enum: 0, bool: 0, int64: 0, fixed64: 1, double: 1, fixed32: 5, string: 2, bytes: 2 };
const DEFAULT = { uint32: 0, enum: 0, bool: false, int64: '0', fixed64: '0', double: 0, fixed32: 0, string: '', bytes: '' };

class Reader {
  constructor(buffer, start, end, where) {
    this.buf = buffer;
    this.pos = start;
    this.end = end;
    this.where = where;
  }

  fail(what) {
    throw new Error(`${this.where}: ${what} (byte ${this.pos})`);
  }

  /** A varint as a BigInt, in as few bytes as its value needs. */
  varint() {
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end');
      const byte = this.buf[this.pos++];
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) this.fail('varint longer than its value needs');
        if (i === 9 && byte > 1) this.fail('varint over 64 bits');
        return value;
      }
    }
    this.fail('varint of more than 10 bytes');
  }

  take(length) {
    if (this.pos + length > this.end) this.fail(`${length} bytes run past the end`);
    const start = this.pos;
    this.pos += length;
    return start;
  }
}

function scalar(reader, type) {
  const buf = reader.buf;
  switch (type) {
    case 'uint32': {
      const value = reader.varint();
      if (value > 0xffffffffn) reader.fail('uint32 out of range');
      return Number(value);
    }
    case 'enum':
      return Number(BigInt.asIntN(32, reader.varint()));
    case 'bool': {
      const value = reader.varint();
      if (value > 1n) reader.fail('bool other than 0 or 1');
      return value === 1n;
    }
    case 'int64':
      return String(BigInt.asIntN(64, reader.varint()));
    case 'fixed64':
      return String(buf.readBigUInt64LE(reader.take(8)));
    case 'double':
      return buf.readDoubleLE(reader.take(8));
    case 'fixed32':
      return buf.readUInt32LE(reader.take(4));
    case 'string':
    case 'bytes': {
      const length = Number(reader.varint());
      const start = reader.take(length);
      const bytes = buf.subarray(start, start + length);
      if (type === 'bytes') return bytes.toString('hex');
      const text = bytes.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(bytes)) reader.fail('string that is not UTF-8');
      return text;
    }
  }
  throw new Error(`no such type ${type}`);
}

function message(buffer, start, end, name, where) {
  const fields = SCHEMA[name];
  const reader = new Reader(buffer, start, end, where);
  const out = {};
  const seen = new Set();
  for (const [, [field, type, repeated]] of Object.entries(fields)) {
    if (name === 'AnyValue') continue;
    out[field] = repeated ? [] : type in DEFAULT ? DEFAULT[type] : message(buffer, 0, 0, type, `${where}.${field}`);
  }
  if (name === 'AnyValue') out.oneof = 'none';
  while (reader.pos < end) {
    const key = reader.varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    const spec = fields[number];
    if (!spec) reader.fail(`unknown field ${number} in ${name}`);
    const [field, type, repeated] = spec;
    const expected = type in WIRE_TYPE ? WIRE_TYPE[type] : 2;
    if (wire !== expected) reader.fail(`${name}.${field} with wire type ${wire}, not ${expected}`);
    if (!repeated) {
      if (seen.has(field) || (name === 'AnyValue' && seen.size > 0)) reader.fail(`${name}.${field} written twice`);
      seen.add(field);
    }
    let value;
    if (type in WIRE_TYPE) {
      value = scalar(reader, type);
    } else {
      const length = Number(reader.varint());
      const at = reader.take(length);
      value = message(buffer, at, at + length, type, `${where}.${field}`);
    }
    if (name === 'AnyValue') {
      out.oneof = field;
      out.value = value;
    } else if (repeated) out[field].push(value);
    else out[field] = value;
  }
  return out;
}

/** The request, every field read; throws on anything a correct encoder would not write. */
function decodeStrictly(body) {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return message(buffer, 0, buffer.length, 'ExportTraceServiceRequest', 'request');
}

module.exports = { decodeStrictly };

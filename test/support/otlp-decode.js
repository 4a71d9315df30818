'use strict';
// Turns an OTLP ExportTraceServiceRequest (protobuf or JSON) into plain span records:
// { traceId, spanId, parentSpanId, name, kind, attributes, status, events, links, resource, scope }.
// Field numbers: opentelemetry-proto, opentelemetry/proto/trace/v1/trace.proto.
const { readFields } = require('./protobuf');

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];

const text = (b) => Buffer.from(b).toString('utf8');
const hex = (b) => Buffer.from(b).toString('hex');

function anyValue(buf) {
  for (const f of readFields(buf)) {
    switch (f.number) {
      case 1: return text(f.value);
      case 2: return f.value !== 0n;
      case 3: return Number(BigInt.asIntN(64, f.value));
      case 4: return f.value.readDoubleLE(0);
      case 5: return readFields(f.value).filter((x) => x.number === 1).map((x) => anyValue(x.value));
      case 7: return Buffer.from(f.value);
    }
  }
  return undefined;
}

function keyValues(fields, number) {
  const out = {};
  for (const f of fields) {
    if (f.number !== number) continue;
    const kv = readFields(f.value);
    const key = kv.find((x) => x.number === 1);
    const value = kv.find((x) => x.number === 2);
    out[key ? text(key.value) : ''] = value ? anyValue(value.value) : undefined;
  }
  return out;
}

function decodeSpan(buf, resource, scope) {
  const fields = readFields(buf);
  const get = (n) => fields.find((f) => f.number === n);
  const statusFields = get(15) ? readFields(get(15).value) : [];
  const parent = get(4);
  return {
    traceId: hex(get(1).value),
    spanId: hex(get(2).value),
    parentSpanId: parent && parent.value.length > 0 ? hex(parent.value) : undefined,
    name: get(5) ? text(get(5).value) : '',
    kind: KINDS[Number(get(6)?.value ?? 0n)],
    startTimeUnixNano: get(7) ? get(7).value.readBigUInt64LE(0) : 0n,
    endTimeUnixNano: get(8) ? get(8).value.readBigUInt64LE(0) : 0n,
    attributes: keyValues(fields, 9),
    events: fields.filter((f) => f.number === 11).map((f) => {
      const e = readFields(f.value);
      const name = e.find((x) => x.number === 2);
      return { name: name ? text(name.value) : '', attributes: keyValues(e, 3) };
    }),
    links: fields.filter((f) => f.number === 13).map((f) => {
      const l = readFields(f.value);
      return { traceId: hex(l.find((x) => x.number === 1).value), spanId: hex(l.find((x) => x.number === 2).value), attributes: keyValues(l, 4) };
    }),
    status: {
      code: STATUS[Number(statusFields.find((f) => f.number === 3)?.value ?? 0n)],
      message: statusFields.find((f) => f.number === 2) ? text(statusFields.find((f) => f.number === 2).value) : undefined,
    },
    resource,
    scope,
  };
}

function decodeProtobuf(body) {
  const spans = [];
  for (const rs of readFields(body).filter((f) => f.number === 1)) {
    const rsFields = readFields(rs.value);
    const resourceField = rsFields.find((f) => f.number === 1);
    const resource = resourceField ? keyValues(readFields(resourceField.value), 1) : {};
    for (const ss of rsFields.filter((f) => f.number === 2)) {
      const ssFields = readFields(ss.value);
      const scopeField = ssFields.find((f) => f.number === 1);
      const scopeName = scopeField ? readFields(scopeField.value).find((f) => f.number === 1) : undefined;
      const scope = scopeName ? text(scopeName.value) : '';
      for (const s of ssFields.filter((f) => f.number === 2)) spans.push(decodeSpan(s.value, resource, scope));
    }
  }
  return spans;
}

function jsonValue(v) {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return (v.arrayValue.values || []).map(jsonValue);
  return undefined;
}
const jsonAttributes = (list) => Object.fromEntries((list || []).map((kv) => [kv.key, jsonValue(kv.value)]));

function decodeJson(body) {
  const request = JSON.parse(body.toString('utf8'));
  const spans = [];
  for (const rs of request.resourceSpans || []) {
    const resource = jsonAttributes(rs.resource && rs.resource.attributes);
    for (const ss of rs.scopeSpans || []) {
      for (const s of ss.spans || []) {
        spans.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId || undefined,
          name: s.name,
          kind: KINDS[s.kind || 0],
          attributes: jsonAttributes(s.attributes),
          events: (s.events || []).map((e) => ({ name: e.name, attributes: jsonAttributes(e.attributes) })),
          links: (s.links || []).map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: jsonAttributes(l.attributes) })),
          status: { code: STATUS[(s.status && s.status.code) || 0], message: s.status && s.status.message },
          resource,
          scope: ss.scope && ss.scope.name,
        });
      }
    }
  }
  return spans;
}

module.exports = { decodeProtobuf, decodeJson };

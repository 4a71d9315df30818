'use strict';
// The fields log correlation adds (instrumentations/logs/trace-fields.ts): the active span's ids
// under OpenTelemetry's log field names, added without replacing the app's own.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { ROOT_CONTEXT, context, trace, TraceFlags } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { activeTraceFields, stampRecord, stampJsonLine } = require('../../dist/instrumentations/logs/trace-fields');

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const inSpan = (spanContext, fn) => context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), fn);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

test('inside a span: its ids, lower-case hex, flags as two digits; outside, or with invalid ids: nothing', () => {
  assert.is(activeTraceFields(), undefined);
  assert.equal(
    inSpan({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED }, activeTraceFields),
    { trace_id: TRACE, span_id: SPAN, trace_flags: '01' },
  );
  assert.is(inSpan({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.NONE }, activeTraceFields).trace_flags, '00');
  assert.is(inSpan({ traceId: '0'.repeat(32), spanId: SPAN, traceFlags: 1 }, activeTraceFields), undefined);
  assert.is(inSpan({ traceId: TRACE, spanId: '0'.repeat(16), traceFlags: 1 }, activeTraceFields), undefined);
});

const FIELDS = { trace_id: TRACE, span_id: SPAN, trace_flags: '01' };

test("a record object: the fields added, the app's own of those names kept", () => {
  const record = { msg: 'x' };
  stampRecord(record, FIELDS);
  assert.equal(record, { msg: 'x', ...FIELDS });
  const own = { trace_id: 'mine', span_id: 'mine too' };
  stampRecord(own, FIELDS);
  assert.equal(own, { trace_id: 'mine', span_id: 'mine too', trace_flags: '01' });
});

test('a JSON line: the fields first, the rest as it was; an empty object; text that is no JSON object untouched', () => {
  const line = stampJsonLine('{"level":30,"msg":"hi"}\n', FIELDS);
  assert.is(line, `{"trace_id":"${TRACE}","span_id":"${SPAN}","trace_flags":"01","level":30,"msg":"hi"}\n`);
  assert.equal(JSON.parse(line), { ...FIELDS, level: 30, msg: 'hi' });
  assert.equal(JSON.parse(stampJsonLine('{}', FIELDS)), FIELDS);
  assert.is(stampJsonLine('level=30 msg=hi', FIELDS), 'level=30 msg=hi');
  assert.is(stampJsonLine('', FIELDS), '');
});

test.run();

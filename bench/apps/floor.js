'use strict';
// The propagation floor: what any agent that carries context must cost, written by hand with no
// agent loaded. Per Kafka message: a copy of the message with `traceparent` and `uber-trace-id`
// headers on send; on consume, both read back and one AsyncLocalStorage context entered around the
// handler. Per HTTP request: `traceparent` read and a context entered around the handler; per
// outgoing call, both headers written. No span is recorded, sampled or exported.
const { AsyncLocalStorage } = require('node:async_hooks');
const { randomFillSync } = require('node:crypto');

const storage = new AsyncLocalStorage();
const ids = Buffer.alloc(4096);
let offset = ids.length;

function randomHex(bytes) {
  if (offset + bytes > ids.length) {
    randomFillSync(ids);
    offset = 0;
  }
  offset += bytes;
  return ids.toString('hex', offset - bytes, offset);
}

/** The headers a hop writes: a new span id under the active trace (or a new trace). */
function traceHeaders() {
  const active = storage.getStore();
  const traceId = active ? active.traceId : randomHex(16);
  const spanId = randomHex(8);
  return { traceparent: `00-${traceId}-${spanId}-01`, 'uber-trace-id': `${traceId}:${spanId}:0:1` };
}

/** A copy of a message to send, with trace headers added (the app's own object left as it was). */
function withTraceHeaders(message) {
  return { ...message, headers: { ...message.headers, ...traceHeaders() } };
}

/** The context a header map carries: `traceparent` first, `uber-trace-id` when it is absent. */
function contextOf(headers) {
  const w3c = headers && headers.traceparent;
  if (w3c !== undefined) {
    const text = w3c.toString();
    return { traceId: text.slice(3, 35), spanId: text.slice(36, 52) };
  }
  const jaeger = headers && headers['uber-trace-id'];
  if (jaeger !== undefined) {
    const [traceId, spanId] = jaeger.toString().split(':');
    return { traceId, spanId };
  }
  return { traceId: randomHex(16), spanId: randomHex(8) };
}

/** Runs `handler` inside the context `headers` carry. */
function runWithContextOf(headers, handler) {
  return storage.run(contextOf(headers), handler);
}

/** eachBatch: each message's context entered for the rest of the current execution, as an agent following the loop must. */
function enterContextOf(headers) {
  storage.enterWith(contextOf(headers));
}

module.exports = { withTraceHeaders, traceHeaders, runWithContextOf, enterContextOf, storage };

'use strict';
// The REST → Kafka → REST scenario the Kafka client tests share: service A's request produces, B
// consumes and calls C. One place for what "one trace across it" means.
const assert = require('uvu/assert');

const spansOf = (spans, service, kind) => spans.filter((s) => s.resource['service.name'] === service && s.kind === kind);

/** Waits for A's SERVER and PRODUCER, B's CONSUMER and CLIENT, C's SERVER; asserts one trace and every parent; returns them. */
async function assertRestKafkaRest(receiver) {
  const spans = await receiver.waitFor((s) =>
    ['svc-a:SERVER', 'svc-a:PRODUCER', 'svc-b:CONSUMER', 'svc-b:CLIENT', 'svc-c:SERVER'].every((k) => spansOf(s, ...k.split(':')).length >= 1),
  );
  const [aServer] = spansOf(spans, 'svc-a', 'SERVER');
  const [aSend] = spansOf(spans, 'svc-a', 'PRODUCER');
  const [bProcess] = spansOf(spans, 'svc-b', 'CONSUMER');
  const [bClient] = spansOf(spans, 'svc-b', 'CLIENT');
  const [cServer] = spansOf(spans, 'svc-c', 'SERVER');
  for (const span of [aSend, bProcess, bClient, cServer]) assert.is(span.traceId, aServer.traceId, span.name);
  assert.is(aSend.parentSpanId, aServer.spanId);
  assert.is(bProcess.parentSpanId, aSend.spanId);
  assert.is(bClient.parentSpanId, bProcess.spanId);
  assert.is(cServer.parentSpanId, bClient.spanId);
  return { spans, aServer, aSend, bProcess, bClient, cServer };
}

module.exports = { assertRestKafkaRest };

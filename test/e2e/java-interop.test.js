'use strict';
// Java services and hoptrace services share one trace over the real Kafka broker. The Java peers
// (test/infra/java, built with Maven) are traced as JVM services are: by the OpenTelemetry Java
// agent on plain kafka-clients, or by the OpenTracing Kafka clients with jaeger-client. Every case
// asserts one trace id and the exact parent of every hop.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { runFixture } = require('../support/run-fixture');
const { KAFKA_BROKERS, requireKafka, createTopics } = require('../support/kafka');
const { buildJavaPeers, startJavaPeer } = require('../support/java-peer');

before(test, async () => {
  await requireKafka();
  // Fails the suite, with Maven's or the JVM's own message, when either is missing: never skipped.
  await buildJavaPeers();
});

/** The Node worker: consumes `topic` (eachMessage, or eachBatch with MODE=for-of) and calls `downstream` per message. */
function startNodeWorker(receiver, topic, downstreamPort, mode = 'eachMessage') {
  return runFixture('kafka-worker.js', {
    timeoutMs: 90000,
    env: { OTEL_SERVICE_NAME: 'node-worker', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, TOPIC: topic, GROUP: `g-${topic}`, DOWNSTREAM_PORT: String(downstreamPort), MODE: mode },
  });
}

/** Node producer: one send per key, no request around them (each its own trace). */
async function produceFromNode(receiver, topic, keys) {
  const result = await runFixture('kafka-producer.js', {
    timeoutMs: 60000,
    env: { OTEL_SERVICE_NAME: 'node-producer', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, SCENARIO: 'keys', TOPIC: topic, KEYS: keys.join(',') },
  }).exited;
  assert.is(result.code, 0, result.stderr);
}

function startNodeRelay(receiver, topic, toTopic, count) {
  return runFixture('kafka-relay.js', {
    timeoutMs: 90000,
    env: { OTEL_SERVICE_NAME: 'node-relay', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, TOPIC: topic, TO_TOPIC: toTopic, GROUP: `g-${topic}`, COUNT: String(count) },
  });
}

const keyOf = (span) => span.attributes['messaging.kafka.message.key'];
const one = (spans, predicate, what) => {
  const found = spans.filter(predicate);
  assert.is(found.length, 1, `${what}: ${found.length} found among ${JSON.stringify(spans.map((s) => `${s.kind} ${s.name} ${s.spanId}<-${s.parentSpanId}`))}`);
  return found[0];
};
/** Asserts `child` is a child of `parent` (same trace, parent's span id). */
function assertChild(child, parent, what) {
  assert.is(child.traceId, parent.traceId, `${what}: one trace`);
  assert.is(child.parentSpanId, parent.spanId, `${what}: the exact parent`);
}
/** The OpenTracing stack's finished spans from a peer's output, normalized to the receiver's shape. */
function openTracingSpans(peer) {
  return peer.lines.filter((l) => l.span).map(({ span }) => ({
    name: span.operationName,
    traceId: span.traceId32,
    spanId: span.spanId,
    // From_ spans follow from the producer's span; the first reference is the one that counts here.
    parentSpanId: span.parentId && span.parentId !== '0' && !/^0+$/.test(span.parentId) ? span.parentId : span.references?.[0]?.spanId,
  }));
}
/** Every span of `n` messages' Node hops has arrived: process, the REST call, the REST service. */
const nodeHopsArrived = (spans, topic, n) =>
  spans.filter((s) => s.kind === 'CONSUMER' && s.name === `process ${topic}`).length >= n &&
  spans.filter((s) => s.kind === 'CLIENT').length >= n &&
  spans.filter((s) => s.kind === 'SERVER').length >= n;

/**
 * The Node consumer's hop and the REST call under it: process ← producer, CLIENT ← process, SERVER ←
 * CLIENT. Each span is picked by what it is and the trace it is in, never by its parent, so that
 * the parent asserted is one the span was not chosen for.
 */
function assertNodeWorkerHops(spans, topic, producerSpan, what) {
  const inTrace = spans.filter((s) => s.traceId === producerSpan.traceId);
  const process = one(inTrace, (s) => s.kind === 'CONSUMER' && s.name === `process ${topic}`, `${what}: Node process span in ${producerSpan.name}'s trace`);
  assertChild(process, producerSpan, `${what}: Node process ← ${producerSpan.name}`);
  const client = one(inTrace, (s) => s.kind === 'CLIENT', `${what}: the REST call`);
  assertChild(client, process, `${what}: REST call ← Node process`);
  const server = one(inTrace, (s) => s.kind === 'SERVER', `${what}: the REST service`);
  assertChild(server, client, `${what}: REST service ← call`);
  return process;
}

// 1–2. Java (OpenTelemetry agent) → Node, eachMessage and eachBatch, then on to a REST service.
for (const mode of ['eachMessage', 'for-of']) {
  test(`Java (OpenTelemetry agent) → Node ${mode === 'for-of' ? 'eachBatch' : 'eachMessage'} → REST`, async () => {
    await withReceiver(async (receiver, track) => {
      const [topic] = await createTopics('j-otel-to-node');
      const service = track(await startHttpService('node-rest', receiver));
      track(startNodeWorker(receiver, topic, service.port, mode));
      const producer = track(await startJavaPeer({ stack: 'otel', mode: 'produce', topic, count: 2, service: 'java-producer', otlpEndpoint: receiver.url, instrumentations: 'kafka' }));
      assert.is((await producer.exited).code, 0);
      const spans = await receiver.waitFor((s) => s.filter((x) => x.name === `${topic} publish`).length === 2 && nodeHopsArrived(s, topic, 2), 30000);
      for (const publish of spans.filter((s) => s.name === `${topic} publish`)) assertNodeWorkerHops(spans, topic, publish, `Java ${publish.spanId}`);
    });
  });
}

// 3–5. Java (OpenTracing Kafka clients + jaeger-client) → Node: 64-bit and 128-bit ids, Jaeger and B3 headers.
for (const [propagation, bits] of [['jaeger', 64], ['jaeger', 128], ['b3', 128]]) {
  test(`Java (OpenTracing, ${propagation} headers, ${bits}-bit trace ids) → Node eachMessage → REST`, async () => {
    await withReceiver(async (receiver, track) => {
      const [topic] = await createTopics(`j-ot-${propagation}-${bits}`);
      const service = track(await startHttpService('node-rest', receiver));
      track(startNodeWorker(receiver, topic, service.port));
      const producer = track(await startJavaPeer({ stack: 'opentracing', style: 'wrappers', propagation, traceIdBits: bits, mode: 'produce', topic, count: 2 }));
      assert.is((await producer.exited).code, 0);
      const sends = openTracingSpans(producer).filter((s) => s.name === `To_${topic}`);
      assert.is(sends.length, 2);
      const spans = await receiver.waitFor((s) => nodeHopsArrived(s, topic, 2), 30000);
      for (const send of sends) {
        if (bits === 64) assert.ok(send.traceId.startsWith('0'.repeat(16)), `a 64-bit id, padded: ${send.traceId}`);
        assertNodeWorkerHops(spans, topic, send, `To_${topic} ${send.spanId}`);
      }
    });
  });
}

// 6–7. Node → Java, under each stack.
test('Node → Java (OpenTelemetry agent): the Java process span is the child of the Node send span', async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('node-to-j-otel');
    const consumer = track(await startJavaPeer({ stack: 'otel', mode: 'consume', topic, count: 2, service: 'java-consumer', otlpEndpoint: receiver.url, instrumentations: 'kafka' }));
    await produceFromNode(receiver, topic, ['n1', 'n2']);
    assert.is((await consumer.exited).code, 0);
    const spans = await receiver.waitFor((s) => s.filter((x) => x.name === `${topic} process`).length === 2 && s.filter((x) => x.kind === 'PRODUCER').length === 2, 30000);
    for (const send of spans.filter((s) => s.kind === 'PRODUCER' && s.name === `send ${topic}`)) {
      const process = one(spans, (s) => s.name === `${topic} process` && s.traceId === send.traceId, `Java process in Node send ${keyOf(send)}'s trace`);
      assertChild(process, send, 'Java process ← Node send');
    }
  });
});

for (const style of ['wrappers', 'interceptors']) {
  test(`Node → Java (OpenTracing ${style}): From_<topic> follows from the Node send span, in its trace`, async () => {
    await withReceiver(async (receiver, track) => {
      const [topic] = await createTopics(`node-to-j-ot-${style}`);
      const consumer = track(await startJavaPeer({ stack: 'opentracing', style, mode: 'consume', topic, count: 2 }));
      await produceFromNode(receiver, topic, ['n1', 'n2']);
      assert.is((await consumer.exited).code, 0);
      const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'PRODUCER').length === 2);
      const received = openTracingSpans(consumer).filter((s) => s.name === `From_${topic}`);
      assert.is(received.length, 2);
      for (const send of spans.filter((s) => s.kind === 'PRODUCER')) {
        const from = one(received, (s) => s.traceId === send.traceId, `From_${topic} in Node send ${keyOf(send)}'s trace`);
        assertChild(from, send, `From_${topic} ← Node send`);
      }
    });
  });
}

// 8. Java → Node → Java (OpenTelemetry agent at both ends, a Node relay between).
test('Java → Node relay → Java (OpenTelemetry agent): publish ← Node process ← Node send ← Java process', async () => {
  await withReceiver(async (receiver, track) => {
    const [a, b] = await createTopics('j-n-j-a', 'j-n-j-b');
    const consumer = track(await startJavaPeer({ stack: 'otel', mode: 'consume', topic: b, count: 1, service: 'java-consumer', otlpEndpoint: receiver.url, instrumentations: 'kafka', timeoutMs: 90000 }));
    track(startNodeRelay(receiver, a, b, 1));
    const producer = track(await startJavaPeer({ stack: 'otel', mode: 'produce', topic: a, count: 1, service: 'java-producer', otlpEndpoint: receiver.url, instrumentations: 'kafka' }));
    assert.is((await producer.exited).code, 0);
    assert.is((await consumer.exited).code, 0);
    const spans = await receiver.waitFor((s) => [`${b} process`, `send ${b}`, `process ${a}`, `${a} publish`].every((name) => s.some((x) => x.name === name)), 30000);
    const publish = one(spans, (s) => s.name === `${a} publish`, 'Java publish');
    const nodeProcess = one(spans, (s) => s.name === `process ${a}`, 'Node process');
    const nodeSend = one(spans, (s) => s.name === `send ${b}`, 'Node send');
    const javaProcess = one(spans, (s) => s.name === `${b} process`, 'Java process');
    assertChild(nodeProcess, publish, 'Node process ← Java publish');
    assertChild(nodeSend, nodeProcess, 'Node send ← Node process');
    assertChild(javaProcess, nodeSend, 'Java process ← Node send');
  });
});

// 9–10. Node → Java relay on the OpenTracing stack → Node: the relay speaks Jaeger only, appends its
// uber-trace-id values and leaves hoptrace's traceparent behind; the newest hop must win.
for (const style of ['wrappers', 'interceptors']) {
  test(`Node → Java relay (OpenTracing ${style}) → Node: the Node consumer continues the relay's To_ span, not the stale traceparent`, async () => {
    await withReceiver(async (receiver, track) => {
      const [a, b] = await createTopics(`n-ot-${style}-a`, `n-ot-${style}-b`);
      const service = track(await startHttpService('node-rest', receiver));
      track(startNodeWorker(receiver, b, service.port));
      const relay = track(await startJavaPeer({ stack: 'opentracing', style, mode: 'relay', topic: a, toTopic: b, count: 1 }));
      await produceFromNode(receiver, a, ['r1']);
      assert.is((await relay.exited).code, 0);
      const spans = await receiver.waitFor((s) => s.some((x) => x.name === `send ${a}`) && nodeHopsArrived(s, b, 1), 30000);
      const nodeSend = one(spans, (s) => s.name === `send ${a}`, 'Node send');
      const relayed = openTracingSpans(relay);
      const from = one(relayed, (s) => s.name === `From_${a}`, `From_${a}`);
      const to = one(relayed, (s) => s.name === `To_${b}`, `To_${b}`);
      assertChild(from, nodeSend, `From_${a} ← Node send`);
      assertChild(to, from, `To_${b} ← From_${a}`);
      assertNodeWorkerHops(spans, b, to, `To_${b}`);
    });
  });
}

// 11. Node → Java relay under the OpenTelemetry agent → Node: the relay rewrites traceparent and
// leaves hoptrace's uber-trace-id behind, stale.
test("Node → Java relay (OpenTelemetry agent) → Node: the Node consumer continues the relay's publish span", async () => {
  await withReceiver(async (receiver, track) => {
    const [a, b] = await createTopics('n-otel-a', 'n-otel-b');
    const service = track(await startHttpService('node-rest', receiver));
    track(startNodeWorker(receiver, b, service.port));
    const relay = track(await startJavaPeer({ stack: 'otel', mode: 'relay', topic: a, toTopic: b, count: 1, service: 'java-relay', otlpEndpoint: receiver.url, instrumentations: 'kafka', timeoutMs: 90000 }));
    await produceFromNode(receiver, a, ['r1']);
    assert.is((await relay.exited).code, 0);
    const spans = await receiver.waitFor((s) => nodeHopsArrived(s, b, 1) && s.some((x) => x.name === `${b} publish`) && s.some((x) => x.name === `${a} process`) && s.some((x) => x.name === `send ${a}`), 30000);
    const nodeSend = one(spans, (s) => s.name === `send ${a}`, 'Node send');
    const relayProcess = one(spans, (s) => s.name === `${a} process`, 'Java relay process');
    const relayPublish = one(spans, (s) => s.name === `${b} publish`, 'Java relay publish');
    assertChild(relayProcess, nodeSend, 'Java process ← Node send');
    assertChild(relayPublish, relayProcess, 'Java publish ← Java process');
    const relayedHeaders = relay.lines.find((l) => l.consumed)?.consumed.headers;
    assert.ok(relayedHeaders?.['uber-trace-id'], 'hoptrace wrote uber-trace-id, which the relay leaves behind');
    assertNodeWorkerHops(spans, b, relayPublish, `${b} publish`);
  });
});

test.run();

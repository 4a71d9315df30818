'use strict';
// kafkajs over a real Apache Kafka broker (`npm run kafka:start`; .ci/run starts it).
const { suite } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const path = require('node:path');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { runFixture, FIXTURES } = require('../support/run-fixture');
const { postJson } = require('../support/http');
const { KAFKA_BROKERS, requireKafka, createTopics, producePlain } = require('../support/kafka');
const { comparableOutput } = require('../support/comparable-output');

const EXPRESS5 = path.join(FIXTURES, 'express5', 'node_modules');
const TRACE = (n) => `${String(n).repeat(8).slice(0, 8)}b34da6a3ce929d0e0e4736`.padEnd(32, '0');
const SPAN = (n) => `${String(n)}0f067aa0ba902b7`.slice(0, 16);

const { assertRestKafkaRest } = require('../support/rest-kafka-rest');

function startWorker(receiver, topic, downstreamPort, env = {}) {
  return runFixture('kafka-worker.js', {
    timeoutMs: 60000,
    env: {
      OTEL_SERVICE_NAME: 'worker',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      KAFKA_BROKERS,
      TOPIC: topic,
      GROUP: `group-${topic}`,
      DOWNSTREAM_PORT: String(downstreamPort),
      ...env,
    },
  });
}

async function stop(...apps) {
  await Promise.all(apps.map((app) => (app.child.exitCode === null && app.child.kill('SIGTERM'), app.exited)));
}

/** Service A (express gateway, produces), B (worker, consumes and calls C), C (http): A's port once it listens. */
async function startFlow(receiver, track, topicName) {
  const [topic] = await createTopics(topicName);
  const c = track(await startHttpService('svc-c', receiver));
  const b = startWorker(receiver, topic, c.port, { OTEL_SERVICE_NAME: 'svc-b' });
  const a = runFixture('kafka-gateway.js', {
    env: { OTEL_SERVICE_NAME: 'svc-a', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, TOPIC: topic, NODE_PATH: EXPRESS5 },
  });
  track(a, b);
  const [, port] = await a.waitForOutput(/listening (\d+)/, 20000);
  return { topic, a, b, port };
}

const flow = suite('REST → Kafka → REST');
before(flow, requireKafka);

flow('one trace: A.server → A.send → B.process → B.client → C.server, with messaging attributes', async () => {
  await withReceiver(async (receiver, track) => {
    const { topic, a, b, port } = await startFlow(receiver, track, 'orders');
    const response = await postJson(Number(port), '/orders', { id: 'o-1', sku: 'sku-42' });
    assert.is(response.status, 202);
    await b.waitForOutput(/processed o-1/, 30000);
    const { aServer, aSend, bProcess } = await assertRestKafkaRest(receiver);
    assert.is(aServer.name, 'POST /orders');
    assert.is(aSend.name, `send ${topic}`);
    assert.is(bProcess.name, `process ${topic}`);

    const [host, portText] = KAFKA_BROKERS.split(',')[0].split(':');
    assert.equal(
      {
        ...aSend.attributes,
      },
      {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': '0',
        'messaging.kafka.offset': 0,
        'messaging.kafka.message.key': 'o-1',
        'messaging.message.body.size': Buffer.byteLength(JSON.stringify({ id: 'o-1', sku: 'sku-42' })),
        'messaging.client.id': 'gateway',
        'server.address': host,
        'server.port': Number(portText),
      },
    );
    assert.is(bProcess.attributes['messaging.operation.type'], 'process');
    assert.is(bProcess.attributes['messaging.consumer.group.name'], `group-${topic}`);
    assert.is(bProcess.attributes['messaging.client.id'], 'worker');
    assert.is(bProcess.attributes['messaging.destination.partition.id'], '0');
    assert.is(bProcess.attributes['messaging.kafka.offset'], 0);
    assert.is(bProcess.attributes['messaging.kafka.message.key'], 'o-1');
    assert.ok(bProcess.attributes['hoptrace.kafka.queue_time_ms'] >= 0);
    assert.not.ok(Object.keys(bProcess.attributes).some((k) => k.includes('value') || k.includes('header')), 'no values or headers recorded');
  });
});
// The largest baggage a server takes in (8 KB, within Node's 16 KiB of headers) once sent hoptrace's
// hops 431s: written again as uberctx-* beside W3C's baggage it doubled. Now every hop answers.
flow('hostile baggage (8 KB, 200 entries, keys that are no header name) through REST → Kafka → REST: 2xx at every hop, one trace', async () => {
  await withReceiver(async (receiver, track) => {
    const { a, b, port } = await startFlow(receiver, track, 'baggage');
    const entries = Array.from({ length: 200 }, (_, i) => `k${i}=${'v'.repeat(30)}`);
    entries.push('bad%0D%0Akey=1', 'with%20space=2');
    const baggage = entries.join(',');
    assert.ok(baggage.length > 7000 && baggage.length < 8192, `${baggage.length} bytes of baggage`);
    const response = await postJson(Number(port), '/orders', { id: 'o-b', sku: 'sku-1' }, { baggage });
    assert.is(response.status, 202);
    await b.waitForOutput(/processed o-b/, 30000);
    const { bClient, cServer } = await assertRestKafkaRest(receiver);
    assert.is(bClient.attributes['http.response.status_code'], 200);
    assert.is(cServer.attributes['http.response.status_code'], 200);
    for (const app of [a, b]) assert.not.match(app.output().stderr, /hoptrace: (warn|error)/, app.output().stderr);
  });
});
flow.run();

const batch = suite('eachBatch: each message continues its own trace');
before(batch, requireKafka);
for (const mode of ['for-of', 'forEach', 'map', 'index']) {
  batch(`${mode}: downstream calls land in their message's trace; the batch span links to all`, async () => {
    await withReceiver(async (receiver, track) => {
      const [topic] = await createTopics(`batch-${mode.toLowerCase()}`);
      const c = track(await startHttpService('svc-c', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
      // Produced before the worker starts, so the three arrive in one batch.
      await producePlain(topic, [1, 2, 3].map((n) => ({ key: `k${n}`, value: `v${n}`, headers: { traceparent: `00-${TRACE(n)}-${SPAN(n)}-01` } })));
      const worker = startWorker(receiver, topic, c.port, { MODE: mode });
      track(worker);
      await worker.waitForOutput(/processed k3/, 30000);
      const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'CLIENT').length >= 3 && s.some((x) => x.attributes['messaging.batch.message_count'] === 3));
      const batchSpan = spans.find((s) => s.attributes['messaging.batch.message_count'] === 3);
      assert.is(batchSpan.kind, 'CONSUMER');
      assert.is(batchSpan.name, `process ${topic}`);
      assert.equal(batchSpan.links.map((l) => l.traceId).sort(), [1, 2, 3].map(TRACE).sort());
      for (const n of [1, 2, 3]) {
        const client = spans.find((s) => s.kind === 'CLIENT' && s.attributes['url.full'].endsWith(`msg=k${n}`));
        assert.ok(client, `a CLIENT span for k${n}; got ${JSON.stringify(spans.map((s) => [s.kind, s.name, s.attributes['url.full']]))}`);
        assert.is(client.traceId, TRACE(n), `k${n}'s call is in k${n}'s trace`);
        const messageSpan = spans.find((s) => s.spanId === client.parentSpanId);
        assert.ok(messageSpan, `k${n}'s call has a message span as parent`);
        assert.is(messageSpan.kind, 'CONSUMER');
        assert.is(messageSpan.parentSpanId, SPAN(n));
        assert.is(messageSpan.attributes['messaging.kafka.message.key'], `k${n}`);
        assert.equal(messageSpan.links.map((l) => l.spanId), [batchSpan.spanId]);
      }
    });
  });
}
batch('filter (not followed): every downstream call stays in the batch span, none in a message trace', async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('batch-filter');
    const c = track(await startHttpService('svc-c', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
    await producePlain(topic, [1, 2, 3].map((n) => ({ key: `k${n}`, value: `v${n}`, headers: { traceparent: `00-${TRACE(n)}-${SPAN(n)}-01` } })));
    const worker = startWorker(receiver, topic, c.port, { MODE: 'filter' });
    track(worker);
    await worker.waitForOutput(/processed k3/, 30000);
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'CLIENT').length >= 3 && s.some((x) => x.attributes['messaging.batch.message_count'] === 3));
    const batchSpan = spans.find((s) => s.attributes['messaging.batch.message_count'] === 3);
    const clients = spans.filter((s) => s.kind === 'CLIENT');
    assert.ok(clients.every((s) => s.parentSpanId === batchSpan.spanId && s.traceId === batchSpan.traceId));
  });
});
batch.run();

const inbound = suite('messages from uninstrumented producers, in every header format');
before(inbound, requireKafka);
inbound('traceparent, uber-trace-id (16/32 hex, URL-encoded), b3, Buffer values, duplicates: the consumer joins the right trace', async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('inbound');
    const c = track(await startHttpService('svc-c', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
    const cases = {
      w3c: [{ traceparent: `00-${TRACE(1)}-${SPAN(1)}-01` }, TRACE(1), SPAN(1)],
      jaeger32: [{ 'uber-trace-id': `${TRACE(2)}:${SPAN(2)}:0:1` }, TRACE(2), SPAN(2)],
      jaeger16: [{ 'uber-trace-id': Buffer.from(`a3ce929d0e0e4736:${SPAN(3)}:0:1`) }, '0000000000000000a3ce929d0e0e4736', SPAN(3)],
      jaegerEncoded: [{ 'Uber-Trace-Id': `${TRACE(4)}%3A${SPAN(4)}%3A0%3A1` }, TRACE(4), SPAN(4)],
      b3: [{ b3: Buffer.from(`${TRACE(5)}-${SPAN(5)}-1`) }, TRACE(5), SPAN(5)],
      duplicated: [{ traceparent: [`00-${TRACE(9)}-${SPAN(9)}-01`, `00-${TRACE(6)}-${SPAN(6)}-01`] }, TRACE(6), SPAN(6)],
      garbage: [{ traceparent: 'garbage', 'uber-trace-id': 'x:y:z:w' }, undefined, undefined],
    };
    await producePlain(topic, Object.entries(cases).map(([key, [headers]]) => ({ key, value: key, headers })));
    const worker = startWorker(receiver, topic, c.port);
    track(worker);
    await worker.waitForOutput(/processed garbage/, 30000);
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'CONSUMER').length >= Object.keys(cases).length);
    for (const [key, [, traceId, parentSpanId]] of Object.entries(cases)) {
      const span = spans.find((s) => s.kind === 'CONSUMER' && s.attributes['messaging.kafka.message.key'] === key);
      if (traceId) {
        assert.is(span.traceId, traceId, key);
        assert.is(span.parentSpanId, parentSpanId, key);
      } else {
        assert.is(span.parentSpanId, undefined, key);
      }
    }
  });
});

inbound('HOPTRACE_KAFKA_CONSUMER_PARENT=link: a new trace that links to the producer', async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('linked');
    const c = track(await startHttpService('svc-c', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
    await producePlain(topic, [{ key: 'l1', value: 'x', headers: { traceparent: `00-${TRACE(7)}-${SPAN(7)}-01` } }]);
    const worker = startWorker(receiver, topic, c.port, { HOPTRACE_KAFKA_CONSUMER_PARENT: 'link' });
    track(worker);
    await worker.waitForOutput(/processed l1/, 30000);
    const spans = await receiver.waitFor((s) => s.some((x) => x.kind === 'CONSUMER'));
    const span = spans.find((s) => s.kind === 'CONSUMER');
    assert.is(span.parentSpanId, undefined);
    assert.is.not(span.traceId, TRACE(7));
    assert.equal(span.links.map((l) => [l.traceId, l.spanId]), [[TRACE(7), SPAN(7)]]);
  });
});
inbound.run();

const failures = suite('a handler that throws');
before(failures, requireKafka);
failures('span ERROR, kafkajs gets the same error object, the message is redelivered and then succeeds', async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('failing');
    const c = track(await startHttpService('svc-c', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
    await producePlain(topic, [{ key: 'f1', value: 'x' }]);
    const worker = startWorker(receiver, topic, c.port, { FAIL_ONCE_KEY: 'f1' });
    track(worker);
    await worker.waitForOutput(/processed f1/, 30000);
    assert.match(worker.output().stdout, /failing once\nkafkajs saw the same error: true\n/);
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'CONSUMER').length >= 2);
    const [failed, retried] = spans.filter((s) => s.kind === 'CONSUMER');
    assert.is(failed.status.code, 'ERROR');
    assert.is(failed.attributes['error.type'], 'RangeError');
    assert.is(failed.events[0].attributes['exception.message'], 'worker failed on purpose');
    assert.is(retried.status.code, 'UNSET');
    assert.is(retried.attributes['messaging.kafka.offset'], failed.attributes['messaging.kafka.offset']);
  });
});
failures.run();

const producing = suite('producing');
before(producing, requireKafka);

async function runProducer(scenario, receiver, env = {}, { agent = true } = {}) {
  const result = await runFixture('kafka-producer.js', {
    agent,
    timeoutMs: 60000,
    env: { OTEL_SERVICE_NAME: 'producer', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, SCENARIO: scenario, ...env },
  }).exited;
  assert.is(result.code, 0, result.stderr);
  return JSON.parse(result.stdout.match(/^result (.*)$/m)[1]);
}

producing("the caller's message objects are deep-equal (and the same objects) after send and sendBatch", async () => {
  await withReceiver(async (receiver) => {
    const [topic] = await createTopics('mutation');
    const result = await runProducer('no-mutation', receiver, { TOPIC: topic });
    assert.equal(result, { unchanged: true, secondHasNoHeaders: true });
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'PRODUCER').length >= 6);
    const tombstone = spans.find((s) => s.attributes['messaging.kafka.message.key'] === 'k3');
    assert.is(tombstone.attributes['messaging.kafka.message.tombstone'], true);
    assert.is(spans.find((s) => s.attributes['messaging.kafka.message.key'] === 'k2').attributes['messaging.message.body.size'], 2);
  });
});

producing('inputs kafkajs refuses or handles its own way: the same outcome, error text included, as without the agent', async () => {
  await withReceiver(async (receiver) => {
    const [topic] = await createTopics('odd-inputs');
    const traced = await runProducer('odd-inputs', receiver, { TOPIC: topic });
    const plain = await runProducer('odd-inputs', receiver, { TOPIC: topic }, { agent: false });
    assert.equal(traced, plain);
    assert.match(plain['headers null'], /TypeError/, 'kafkajs itself refuses null headers');
    assert.match(plain['no value'], /Invalid message without value/);
    assert.is(plain['a message of a class'], 'ok 1');
  });
});

producing('sendBatch over two topics: a span per message, named by its topic, with partition and offset', async () => {
  await withReceiver(async (receiver) => {
    const [topic, topic2] = await createTopics('batch-a', 'batch-b');
    await runProducer('send-batch', receiver, { TOPIC: topic, TOPIC2: topic2 });
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'PRODUCER').length >= 3);
    const byKey = Object.fromEntries(spans.map((s) => [s.attributes['messaging.kafka.message.key'], s]));
    assert.is(byKey.a1.name, `send ${topic}`);
    assert.is(byKey.b1.name, `send ${topic2}`);
    assert.equal([byKey.a1, byKey.a2, byKey.b1].map((s) => s.attributes['messaging.kafka.offset']), [0, 1, 0]);
    assert.is(new Set(spans.map((s) => s.traceId)).size, 3, 'no active span: each message starts its own trace');
  });
});

producing('HOPTRACE_KAFKA_PRODUCER_SPANS=per-call: one span for the call, its context in every message', async () => {
  await withReceiver(async (receiver, track) => {
    const [topic] = await createTopics('per-call');
    const c = track(await startHttpService('svc-c', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
    await runProducer('per-call', receiver, { TOPIC: topic, HOPTRACE_KAFKA_PRODUCER_SPANS: 'per-call' });
    const worker = track(startWorker(receiver, topic, c.port));
    await worker.waitForOutput(/processed c3/, 30000);
    await stop(worker);
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'CONSUMER').length >= 3);
    const producers = spans.filter((s) => s.kind === 'PRODUCER');
    assert.is(producers.length, 1);
    assert.is(producers[0].name, `send ${topic}`);
    assert.is(producers[0].attributes['messaging.batch.message_count'], 3);
    const consumers = spans.filter((s) => s.kind === 'CONSUMER');
    assert.ok(consumers.every((s) => s.parentSpanId === producers[0].spanId));
  });
});

producing('transactions: sends inside committed and aborted transactions are traced', async () => {
  await withReceiver(async (receiver) => {
    const [topic] = await createTopics('tx');
    await runProducer('transactions', receiver, { TOPIC: topic });
    const spans = await receiver.waitFor((s) => s.filter((x) => x.kind === 'PRODUCER').length >= 3);
    const keys = spans.filter((s) => s.kind === 'PRODUCER').map((s) => s.attributes['messaging.kafka.message.key']).sort();
    assert.equal(keys, ['aborted-send', 'committed-batch', 'committed-send']);
    assert.ok(spans.every((s) => s.status.code === 'UNSET'));
  });
});

producing("a relay with no request around it continues the message's own trace", async () => {
  await withReceiver(async (receiver) => {
    const [topic] = await createTopics('relay');
    await runProducer('relay', receiver, { TOPIC: topic });
    const [span] = await receiver.waitFor((s) => s.some((x) => x.kind === 'PRODUCER'));
    assert.is(span.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.is(span.parentSpanId, '00f067aa0ba902b7');
  });
});

producing('a failed send: span ERROR, the app gets kafkajs\'s own error', async () => {
  await withReceiver(async (receiver) => {
    const result = await runProducer('send-error', receiver);
    assert.is(result.threw, true);
    const [span] = await receiver.waitFor((s) => s.some((x) => x.kind === 'PRODUCER'));
    assert.is(span.status.code, 'ERROR');
    assert.is(span.attributes['error.type'], result.name);
  });
});
producing.run();

const shapes = suite('consumer.run() shapes');
before(shapes, requireKafka);
shapes('no argument, no handler, a frozen config: the same outcome with and without the agent', async () => {
  const [topic] = await createTopics('shapes');
  const env = { KAFKA_BROKERS, TOPIC: topic, OTEL_TRACES_EXPORTER: 'none' };
  const [traced, plain] = await Promise.all([runFixture('kafka-run-shapes.js', { env, timeoutMs: 60000 }).exited, runFixture('kafka-run-shapes.js', { env, agent: false, timeoutMs: 60000 }).exited]);
  assert.is(traced.stdout, plain.stdout);
  assert.match(traced.stdout, /frozen-config: resolved/);
  assert.is(comparableOutput(traced.stderr), comparableOutput(plain.stderr));
});
shapes.run();

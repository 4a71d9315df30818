'use strict';
// Several services in one process, from a service-map file: each span lands in the service the
// rules say (README, "Several services in one process"), with that service's resource, sampler
// and exporter, and traces stay connected across the services.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { startReceiver } = require('../support/otlp-receiver');
const { runFixture } = require('../support/run-fixture');
const { KAFKA_BROKERS, requireKafka, createTopics } = require('../support/kafka');
const { get } = require('../support/http');

before(test, requireKafka);

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

test('four owned topics, one unowned, two ports: every span in its service, each exporter only its services, one trace', async () => {
  const [main, other] = await Promise.all([startReceiver(), startReceiver()]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-multi-'));
  let app;
  try {
    const [t1, t2, t3, t4, t5] = await createTopics('orders-main', 'orders-extra-x', 'invoices', 'audit', 'unowned');
    const [portA, portB] = [await freePort(), await freePort()];
    const file = path.join(dir, 'services.json');
    fs.writeFileSync(file, JSON.stringify({
      services: [
        // t2 only by its pattern; the exporter and batch are the process's.
        { name: 'orders', resourceAttributes: { 'service.namespace': 'shop' }, topics: [t1, '/^orders-extra-/'], ports: [portA] },
        { name: 'billing', exporter: { type: 'otlp', endpoint: other.url }, topics: [t3], ports: [portB] },
        // Never sampled, even under a sampled parent.
        { name: 'audit', sampler: { name: 'traceidratio', ratio: 0 }, exporter: { type: 'otlp', endpoint: other.url }, topics: [t4] },
      ],
    }));
    app = runFixture('multi-service-app.js', {
      timeoutMs: 60000,
      env: {
        HOPTRACE_CONFIG_FILE: file,
        OTEL_SERVICE_NAME: 'monolith',
        OTEL_EXPORTER_OTLP_ENDPOINT: main.url,
        KAFKA_BROKERS,
        PORT_A: String(portA),
        PORT_B: String(portB),
        TOPIC_1: t1, TOPIC_2: t2, TOPIC_3: t3, TOPIC_4: t4, TOPIC_5: t5,
      },
    });
    await app.waitForOutput(/^ready$/m, 30000);
    assert.is((await get(portA, '/place?key=k1')).status, 200);
    await app.waitForOutput(new RegExp(`handled ${t4} k1`), 20000);
    await app.waitForOutput(new RegExp(`handled ${t5} k1`), 20000);
    app.child.kill('SIGTERM');
    const result = await app.exited;
    assert.not.match(result.stderr, /hoptrace: (warn|error)/, result.stderr);

    const service = (s) => s.resource['service.name'];
    const byName = (spans, kind, name) => spans.filter((s) => s.kind === kind && s.name === name);
    const expectIn = (spans, kind, name, serviceName) => {
      const found = byName(spans, kind, name);
      assert.is(found.length, 1, `${kind} ${name}: ${JSON.stringify(spans.map((s) => `${service(s)} ${s.kind} ${s.name}`))}`);
      assert.is(service(found[0]), serviceName, `${kind} ${name}`);
      return found[0];
    };
    // The process's exporter: its default service and orders (which has no exporter of its own).
    const serverA = expectIn(main.spans, 'SERVER', 'GET', 'orders');
    assert.is(serverA.resource['service.namespace'], 'shop');
    const sendT1 = expectIn(main.spans, 'PRODUCER', `send ${t1}`, 'orders');
    expectIn(main.spans, 'PRODUCER', `send ${t2}`, 'orders');
    const processT1 = expectIn(main.spans, 'CONSUMER', `process ${t1}`, 'orders');
    expectIn(main.spans, 'CONSUMER', `process ${t2}`, 'orders');
    const sendT5 = expectIn(main.spans, 'PRODUCER', `send ${t5}`, 'orders');
    const client = expectIn(main.spans, 'CLIENT', 'GET', 'orders');
    const processT5 = expectIn(main.spans, 'CONSUMER', `process ${t5}`, 'monolith');
    assert.equal([...new Set(main.spans.map(service))].sort(), ['monolith', 'orders']);
    // billing's exporter: billing's spans only; audit samples nothing.
    const sendT3 = expectIn(other.spans, 'PRODUCER', `send ${t3}`, 'billing');
    const serverB = expectIn(other.spans, 'SERVER', 'GET', 'billing');
    const processT3 = expectIn(other.spans, 'CONSUMER', `process ${t3}`, 'billing');
    assert.equal([...new Set(other.spans.map(service))], ['billing']);
    assert.not.ok([...main.spans, ...other.spans].some((s) => s.name.endsWith(t4)), 'audit: ratio 0, nothing exported');

    // One trace across the services, parent by parent.
    const chain = [[sendT1, serverA], [processT1, sendT1], [sendT3, processT1], [sendT5, processT1], [client, processT1], [serverB, client], [processT3, sendT3], [processT5, sendT5]];
    for (const [child, parent] of chain) {
      assert.is(child.traceId, serverA.traceId, `${child.name}: one trace`);
      assert.is(child.parentSpanId, parent.spanId, `${child.name} ← ${parent.name}`);
    }
  } finally {
    if (app && app.child.exitCode === null) app.child.kill('SIGKILL');
    await Promise.all([main.close(), other.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

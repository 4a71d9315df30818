'use strict';
// The service file of the OpenTracing Kafka interceptors (INTERCEPTORS_CONFIG_FILE), taken as is:
// each topic's spans reach the real Jaeger over UDP under the service the file names, sampled and
// logged as its jaeger-client `config` says, and the trace stays one across the services.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const { runFixture } = require('../support/run-fixture');
const { KAFKA_BROKERS, requireKafka, createTopics } = require('../support/kafka');
const { createReadyTopics, untilReady } = require('../infra/kafka/topics');
const { JAEGER_QUERY_URL, getJson, requireJaeger } = require('../support/jaeger');
const { get } = require('../support/http');
const { Kafka, logLevel } = require('kafkajs');

const UDP_SENDER = { agentHost: '127.0.0.1', agentPort: 6832 };
// The talk's file, with a UDP sender in each reporter.
const INTERCEPTORS_FILE = {
  services: [
    {
      service: 'CustomerService',
      config: { sampler: { type: 'const', param: 1 }, reporter: { logSpans: true, flushIntervalMs: 1000, maxQueueSize: 10, sender: UDP_SENDER } },
      topics: ['Topic-1', 'Topic-2', 'Topic-3'],
    },
    { service: 'ProductService', config: { reporter: { logSpans: false, maxQueueSize: 100, sender: UDP_SENDER } }, topics: ['Topic-4'] },
  ],
};

before(test, async () => {
  await requireJaeger();
  await requireKafka();
  // The file's own topic names; kept from run to run (the app reads only what is new).
  const admin = new Kafka({ clientId: 'interceptors-test', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await untilReady('connecting to the broker', () => admin.connect());
  try {
    await createReadyTopics(admin, ['Topic-1', 'Topic-2', 'Topic-3', 'Topic-4'].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })));
  } finally {
    await admin.disconnect();
  }
});

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function traceOf(service, predicate, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await getJson(`${JAEGER_QUERY_URL}/api/traces?service=${encodeURIComponent(service)}&limit=20&lookback=1h`);
    const found = data.find(predicate);
    if (found || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 300));
  }
}

test("INTERCEPTORS_CONFIG_FILE as the interceptors had it: CustomerService and ProductService in Jaeger, one trace, CustomerService's spans logged", async () => {
  const run = `monolith-${Date.now()}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-interceptors-'));
  const file = path.join(dir, 'interceptors.json');
  fs.writeFileSync(file, JSON.stringify(INTERCEPTORS_FILE, null, 2));
  const [unowned] = await createTopics('unowned');
  const [portA, portB] = [await freePort(), await freePort()];
  const app = runFixture('multi-service-app.js', {
    timeoutMs: 60000,
    env: {
      INTERCEPTORS_CONFIG_FILE: file,
      OTEL_SERVICE_NAME: run,
      OTEL_TRACES_EXPORTER: 'jaeger',
      OTEL_EXPORTER_JAEGER_AGENT_HOST: '127.0.0.1',
      OTEL_EXPORTER_JAEGER_AGENT_PORT: '6832',
      KAFKA_BROKERS,
      FROM_LATEST: '1',
      PORT_A: String(portA),
      PORT_B: String(portB),
      // Customer owns 1, 2, 3; Product owns 4. The app sends 1 and 2; from 1, 4 (Product) and an
      // unowned topic; from 4, 3 (Customer).
      TOPIC_1: 'Topic-1', TOPIC_2: 'Topic-2', TOPIC_3: 'Topic-4', TOPIC_4: 'Topic-3', TOPIC_5: unowned,
    },
  });
  try {
    await app.waitForOutput(/^ready$/m, 30000);
    assert.is((await get(portA, `/place?key=${run}`)).status, 200);
    await app.waitForOutput(new RegExp(`handled Topic-3 ${run}`), 20000);
    await app.waitForOutput(new RegExp(`handled ${unowned} ${run}`), 20000);
    app.child.kill('SIGTERM');
    const { stderr } = await app.exited;

    const trace = await traceOf(run, (t) => t.spans.length >= 12);
    assert.ok(trace, `the trace rooted in ${run} is in Jaeger`);
    const serviceOf = (span) => trace.processes[span.processID].serviceName;
    const named = (name) => trace.spans.filter((s) => s.operationName === name).map(serviceOf);
    assert.equal(named('send Topic-1'), ['CustomerService']);
    assert.equal(named('process Topic-1'), ['CustomerService']);
    assert.equal(named('send Topic-2'), ['CustomerService']);
    assert.equal(named('send Topic-4'), ['ProductService']);
    assert.equal(named('process Topic-4'), ['ProductService']);
    assert.equal(named('send Topic-3'), ['CustomerService'], 'an owned topic wins over the active span');
    assert.equal(named(`send ${unowned}`), ['CustomerService'], 'an unowned topic: the service of the active span');
    assert.equal(named(`process ${unowned}`), [run], "unowned, nothing active: the process's service");
    assert.equal(new Set(trace.spans.map((s) => s.traceID)).size, 1);

    // reporter.logSpans: CustomerService's spans in the log, ProductService's not.
    assert.match(stderr, /hoptrace: span CustomerService "send Topic-1" [0-9a-f]{32}:[0-9a-f]{16}:/);
    assert.not.match(stderr, /hoptrace: span ProductService/);
    assert.not.match(stderr, /hoptrace: (warn|error)/, stderr);
  } finally {
    if (app.child.exitCode === null) app.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

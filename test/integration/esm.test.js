'use strict';
// ES module apps are traced exactly like CommonJS apps: each scenario runs as the CommonJS fixture
// (`--require`), as the ES module fixture with `--import` and with `--require`, and the span trees
// must be equal. The CommonJS tree is checked on its own first, so an equality of two empty or
// broken trees cannot pass.
const { suite } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const https = require('node:https');
const path = require('node:path');
const { withReceiver } = require('../support/traced-run');
const { startExpressApp, startHttpService } = require('../support/services');
const { runFixture, FIXTURES } = require('../support/run-fixture');
const { get, postJson } = require('../support/http');
const { spanTrees } = require('../support/span-tree');
const { makeCertificate } = require('../support/tls');
const { KAFKA_BROKERS, requireKafka, createTopics } = require('../support/kafka');

const VARIANTS = [
  { label: 'CommonJS app, --require', esm: false, preload: 'require' },
  { label: 'ES module app, --import', esm: true, preload: 'import' },
  { label: 'ES module app, --require', esm: true, preload: 'require' },
];

const count = (spans, kind) => spans.filter((s) => s.kind === kind).length;
const names = (tree) => tree.flatMap((n) => [`${n.service} ${n.kind} ${n.name}`, ...names(n.children)]);

/** Runs `scenario(variant)` for every variant; asserts `check` on the CommonJS trees, then equality. */
function compareVariants(test, title, scenario, check) {
  test(title, async () => {
    const trees = [];
    for (const variant of VARIANTS) trees.push(await scenario(variant));
    check(trees[0]);
    for (let i = 1; i < VARIANTS.length; i++) assert.equal(trees[i], trees[0], `${VARIANTS[i].label} vs ${VARIANTS[0].label}`);
  });
}

const express = suite('express 4 and 5, fetch: ES module apps get the CommonJS spans');
compareVariants(
  express,
  'route names, errors, 404, and gateway (express 5) → fetch → users (express 4)',
  async ({ esm, preload }) => {
    return withReceiver(async (receiver, track) => {
      const users = track(await startExpressApp('express4', 'users', receiver, {}, { esm, preload }));
      const gateway = track(await startExpressApp('express5', 'gateway', receiver, {}, { esm, preload }));
      const paths = ['/users/42', '/api/v1/orders/9', '/tenants/acme/items/3', '/throw', '/next-error', '/async-reject', '/no/such/thing'];
      for (const p of paths) await get(gateway.port, p);
      assert.is((await get(gateway.port, `/downstream?port=${users.port}`)).status, 200);
      await get(users.port, '/books');
      const spans = await receiver.waitFor((s) => count(s, 'SERVER') === paths.length + 3 && count(s, 'CLIENT') === 1);
      return spanTrees(spans, { services: ['gateway', 'users'], replace: [[`port=${users.port}`, 'port=<port>']] });
    });
  },
  (tree) => {
    const all = names(tree);
    for (const name of ['svc0 SERVER GET /users/:id', 'svc0 SERVER GET /api/v1/orders/:orderId', 'svc0 SERVER GET /throw', 'svc0 SERVER GET', 'svc1 SERVER GET /books']) {
      assert.ok(all.includes(name), `${name} in ${JSON.stringify(all)}`);
    }
    const downstream = tree.find((n) => n.name === 'GET /downstream');
    assert.equal(names([downstream]), ['svc0 SERVER GET /downstream', 'svc0 CLIENT GET', 'svc1 SERVER GET /users/:id']);
    assert.ok(tree.find((n) => n.name === 'GET /async-reject').events.includes('exception: SyntaxError'));
  },
);
express.run();

const http = suite('node:http (default and named imports) and node:https');
compareVariants(
  http,
  'a REST hop: A.server → A.client → B.server, trace headers in place',
  async ({ esm, preload }) => {
    return withReceiver(async (receiver, track) => {
      const b = track(await startHttpService('b', receiver, {}, { esm, preload }));
      const a = track(await startHttpService('a', receiver, {}, { esm, preload }));
      const response = await get(a.port, `/call?port=${b.port}&path=/headers`);
      assert.match(JSON.parse(response.body).traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const spans = await receiver.waitFor((s) => s.length === 3);
      return spanTrees(spans, { services: ['a', 'b'], replace: [[`port=${b.port}`, 'port=<port>']] });
    });
  },
  (tree) => assert.equal(names(tree), ['svc0 SERVER GET', 'svc0 CLIENT GET', 'svc1 SERVER GET']),
);
compareVariants(
  http,
  'an HTTPS hop: server → client → server, url.scheme https',
  async ({ esm, preload }) => {
    return withReceiver(async (receiver, track) => {
      const app = runFixture(esm ? 'esm/https-hop.js' : 'https-hop.js', {
        preload,
        env: { OTEL_SERVICE_NAME: 'tls', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...makeCertificate() },
      });
      track(app);
      const [, port] = await app.waitForOutput(/listening (\d+)/);
      const body = await new Promise((resolve, reject) => {
        https.get({ host: '127.0.0.1', port: Number(port), path: '/outer', rejectUnauthorized: false, agent: false }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      assert.ok(JSON.parse(body).traceparent, 'the inner request carried trace headers');
      const spans = await receiver.waitFor((s) => s.length === 3);
      return spanTrees(spans, { services: ['tls'] });
    });
  },
  (tree) => {
    assert.equal(names(tree), ['svc0 SERVER GET', 'svc0 CLIENT GET', 'svc0 SERVER GET']);
    assert.is(tree[0].attributes['url.scheme'], 'https');
    assert.is(tree[0].children[0].attributes['url.full'], 'https://127.0.0.1:<port>/inner');
  },
);
http.run();

const kafka = suite('REST → Kafka → REST: ES module apps get the CommonJS trace');
before(kafka, requireKafka);
for (const mode of ['eachMessage', 'for-of']) {
  compareVariants(
    kafka,
    `gateway (express 5, kafkajs) → ${mode === 'eachMessage' ? 'eachMessage' : 'eachBatch'} worker → REST service`,
    async ({ esm, preload }) => {
      return withReceiver(async (receiver, track) => {
        const [topic] = await createTopics(`esm-${mode.toLowerCase()}`);
        const c = track(await startHttpService('c', receiver, {}, { esm, preload }));
        const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, KAFKA_BROKERS, TOPIC: topic };
        const worker = runFixture(esm ? 'esm/kafka-worker.js' : 'kafka-worker.js', {
          preload,
          timeoutMs: 60000,
          env: { ...env, OTEL_SERVICE_NAME: 'worker', GROUP: `group-${topic}`, DOWNSTREAM_PORT: String(c.port), MODE: mode },
        });
        const gateway = runFixture(esm ? 'express5/kafka-gateway.mjs' : 'kafka-gateway.js', {
          preload,
          env: { ...env, OTEL_SERVICE_NAME: 'gateway', NODE_PATH: path.join(FIXTURES, 'express5', 'node_modules') },
        });
        track(gateway, worker);
        await worker.waitForOutput(/consuming/, 30000);
        const [, port] = await gateway.waitForOutput(/listening (\d+)/, 20000);
        assert.is((await postJson(Number(port), '/orders', { id: 'o-1' })).status, 202);
        await worker.waitForOutput(/processed o-1/, 30000);
        const expected = mode === 'eachMessage' ? 5 : 6; // eachBatch adds the batch span
        const spans = await receiver.waitFor((s) => s.length === expected, 15000);
        return spanTrees(spans, { services: ['gateway', 'worker', 'c'], replace: [[topic, '<topic>']] });
      });
    },
    (tree) => {
      const chain = ['svc0 SERVER POST /orders', 'svc0 PRODUCER send <topic>', 'svc1 CONSUMER process <topic>', 'svc1 CLIENT GET', 'svc2 SERVER GET'];
      const rest = tree.find((n) => n.name === 'POST /orders');
      assert.equal(names([rest]), chain);
    },
  );
}
kafka.run();

const otherWays = suite('other ways in');
otherWays('a CommonJS entry (--require) that import()s an ES module that imports express: route names', async () => {
  await withReceiver(async (receiver, track) => {
    const app = runFixture('express5/dynamic-import.cjs', { env: { OTEL_SERVICE_NAME: 'dynamic', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    track(app);
    const [, port] = await app.waitForOutput(/listening (\d+) express5/);
    await get(Number(port), '/api/v1/orders/9');
    const [span] = await receiver.waitFor((s) => s.length === 1);
    assert.is(span.name, 'GET /api/v1/orders/:orderId');
  });
});
otherWays('node:http reached only through process.getBuiltinModule: a REST hop', async () => {
  await withReceiver(async (receiver, track) => {
    const b = track(await startHttpService('b', receiver, {}, { script: 'builtin-module.js' }));
    const a = track(await startHttpService('a', receiver, {}, { script: 'builtin-module.js' }));
    await get(a.port, `/call?port=${b.port}&path=/headers`);
    const spans = await receiver.waitFor((s) => s.length === 3);
    assert.equal(names(spanTrees(spans, { services: ['a', 'b'] })), ['svc0 SERVER GET', 'svc0 CLIENT GET', 'svc1 SERVER GET']);
  });
});
otherWays('--import: built-ins are patched as the app loads them, and not loaded for an app that does not (Node 22.15+)', async () => {
  await withReceiver(async (receiver, track) => {
    const target = track(await startHttpService('target', receiver));
    const app = track(
      runFixture('esm/builtins-on-demand.js', {
        preload: 'import',
        env: { OTEL_SERVICE_NAME: 'on-demand', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, TARGET_URL: `http://127.0.0.1:${target.port}/headers` },
      }),
    );
    const [line] = await app.waitForOutput(/^\{.*\}$/m);
    await app.waitForOutput(/called/);
    // Where Node has module.registerHooks hoptrace waits for the app's import; on Node 20 it loads
    // them as it starts (README, ES modules).
    const onDemand = typeof require('node:module').registerHooks === 'function';
    assert.equal(JSON.parse(line), { httpAtStart: !onDemand, httpsAtStart: !onDemand });
    const spans = await receiver.waitFor((s) => s.some((span) => span.kind === 'CLIENT' && span.resource['service.name'] === 'on-demand'));
    const client = spans.find((span) => span.kind === 'CLIENT' && span.resource['service.name'] === 'on-demand');
    assert.is(client.attributes['url.full'], `http://127.0.0.1:${target.port}/headers`);
    const isChild = (span) => span.kind === 'SERVER' && span.parentSpanId === client.spanId && span.traceId === client.traceId;
    await receiver.waitFor((s) => s.some(isChild)); // the call carried its trace context: a named import of the patched built-in
  });
});

otherWays.run();

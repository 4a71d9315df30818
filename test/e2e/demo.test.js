'use strict';
// The README's main job against the real Kafka and Jaeger: the example services, started only
// with `-r hoptrace/register`, produce traces that Jaeger's query API returns whole.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { runDemoShort } = require('../support/demo');
const { JAEGER_QUERY_URL, getJson, requireJaeger } = require('../support/jaeger');
const { requireKafka } = require('../support/kafka');

test('npm run demo --short: every order is one gateway → Kafka → worker → inventory → Kafka trace in Jaeger', async () => {
  await requireJaeger();
  await requireKafka();
  const { stdout, stderr, code, traceIds } = await runDemoShort();
  assert.is(code, 0, stderr + stdout);
  assert.match(stdout, /3 traces in Jaeger/);
  assert.is(traceIds.length, 3);
  // The waterfall: one row per span, indented by depth, three services.
  const row = (indent, service, operation, kind) => `${indent}${service}: ${operation} +${kind} .*\\|`;
  assert.match(
    stdout,
    new RegExp(
      [
        row('^ {2}', 'gateway', 'POST /orders', 'server'),
        row(' {4}', 'gateway', 'send orders', 'producer'),
        row(' {6}', 'worker', 'process orders', 'consumer'),
        row(' {8}', 'worker', 'GET', 'client'),
        row(' {10}', 'inventory', 'GET /stock/:sku', 'server'),
        row(' {8}', 'worker', 'send order-results', 'producer'),
      ].join('\n'),
      'm',
    ),
  );
  assert.match(stdout, /^✗ {7}worker: GET +client .*\n✗ {9}inventory: GET \/stock\/:sku +server/m, 'the failed stock check is marked on both sides');

  // One trace as Jaeger holds it: six spans, each the child of the one the waterfall nests it under.
  const { data } = await getJson(`${JAEGER_QUERY_URL}/api/traces/${traceIds[0]}`);
  const trace = data[0];
  assert.equal(new Set(Object.values(trace.processes).map((p) => p.serviceName)), new Set(['gateway', 'worker', 'inventory']));
  assert.is(trace.spans.length, 6);
  const byName = (service, name) => trace.spans.find((s) => s.operationName === name && trace.processes[s.processID].serviceName === service);
  const parentOf = (span) => span.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
  const send = byName('gateway', 'send orders');
  const processSpan = byName('worker', 'process orders');
  assert.is(parentOf(send), byName('gateway', 'POST /orders').spanID);
  assert.is(parentOf(processSpan), send.spanID);
  assert.is(parentOf(byName('worker', 'GET')), processSpan.spanID);
  assert.is(parentOf(byName('inventory', 'GET /stock/:sku')), byName('worker', 'GET').spanID);
  assert.is(parentOf(byName('worker', 'send order-results')), processSpan.spanID);
});

test.run();

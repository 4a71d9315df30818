'use strict';
// The README's main job against the real Jaeger: the example services, started only with
// `-r hoptrace/register`, produce traces that Jaeger's query API returns whole.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { execFile } = require('node:child_process');
const path = require('node:path');
const { JAEGER_OTLP_URL, JAEGER_QUERY_URL, getJson, requireJaeger } = require('../support/jaeger');
const { REPO } = require('../support/run-fixture');

test('npm run demo: every order is one gateway → inventory trace in Jaeger, failures marked', async () => {
  await requireJaeger();
  const { stdout, stderr, code } = await new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO, 'examples/demo.js')],
      { cwd: REPO, timeout: 60000, env: { ...process.env, JAEGER_QUERY_URL, OTEL_EXPORTER_OTLP_ENDPOINT: JAEGER_OTLP_URL } },
      (error, out, err) => resolve({ stdout: out, stderr: err, code: error ? error.code : 0 }),
    );
  });
  assert.is(code, 0, stderr + stdout);
  assert.match(stdout, /4 traces in Jaeger/);
  const traceIds = [...stdout.matchAll(/^trace ([0-9a-f]{32})$/gm)].map((m) => m[1]);
  assert.is(traceIds.length, 4);
  // The waterfall rows: server → client → server, indented by depth.
  assert.match(stdout, /^ {2}gateway: POST \/orders +server .*\|\n {4}gateway: GET +client .*\|\n {6}inventory: GET \/stock\/:sku +server .*\|$/m);
  assert.match(stdout, /^✗ gateway: POST \/orders +server .*\n✗ +gateway: GET +client .*\n✗ +inventory: GET \/stock\/:sku +server/m, 'the failed order is marked on every hop');

  // Check one trace in Jaeger itself: three spans, each the child of the one before, two services.
  const { data } = await getJson(`${JAEGER_QUERY_URL}/api/traces/${traceIds[0]}`);
  const trace = data[0];
  const services = new Set(Object.values(trace.processes).map((p) => p.serviceName));
  assert.equal([...services].sort(), ['gateway', 'inventory']);
  const byKind = (kind, service) =>
    trace.spans.find((s) => s.tags.some((t) => t.key === 'span.kind' && t.value === kind) && trace.processes[s.processID].serviceName === service);
  const gatewayServer = byKind('server', 'gateway');
  const gatewayClient = byKind('client', 'gateway');
  const inventoryServer = byKind('server', 'inventory');
  assert.is(gatewayServer.references.length, 0);
  assert.equal(gatewayClient.references.map((r) => [r.refType, r.spanID]), [['CHILD_OF', gatewayServer.spanID]]);
  assert.equal(inventoryServer.references.map((r) => [r.refType, r.spanID]), [['CHILD_OF', gatewayClient.spanID]]);
});

test.run();

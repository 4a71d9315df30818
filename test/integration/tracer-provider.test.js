'use strict';
// HOPTRACE_TRACER_PROVIDER: the app's own tracer provider (with its own span processor) receives
// the spans of hoptrace's instrumentations; propagation stays hoptrace's. A module that cannot be
// used gets one warning, and hoptrace's own provider takes over.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { FIXTURES } = require('../support/run-fixture');
const { get } = require('../support/http');

const PROVIDER = path.join(FIXTURES, 'tracer-provider.js');
const providerSpans = (stdout) => [...stdout.matchAll(/^provider-span (.*)$/gm)].map((m) => JSON.parse(m[1]));

test("a provider module: hoptrace's spans start in it, parents and propagation as always, nothing through hoptrace's exporter", async () => {
  await withReceiver(async (receiver, track) => {
    const b = track(await startHttpService('b', receiver, { HOPTRACE_TRACER_PROVIDER: PROVIDER }));
    const a = track(await startHttpService('a', receiver, { HOPTRACE_TRACER_PROVIDER: PROVIDER }));
    const response = await get(a.port, `/call?port=${b.port}&path=/headers`);
    assert.is(response.status, 200);
    const seenByB = JSON.parse(response.body);
    await Promise.all([a.stop(), b.stop()]);
    const spansA = providerSpans(a.output().stdout);
    const spansB = providerSpans(b.output().stdout);
    const serverA = spansA.find((s) => s.kind === 1 && s.name === 'GET');
    const clientA = spansA.find((s) => s.kind === 2);
    const serverB = spansB.find((s) => s.kind === 1);
    assert.ok(serverA && clientA && serverB, `${a.output().stdout}\n${b.output().stdout}`);
    assert.is(clientA.parentSpanId, serverA.spanId);
    assert.is(serverB.parentSpanId, clientA.spanId);
    assert.is(serverB.traceId, serverA.traceId);
    assert.is(seenByB.traceparent, `00-${clientA.traceId}-${clientA.spanId}-01`, "hoptrace's propagation");
    assert.ok(seenByB['uber-trace-id'], 'Jaeger header too, as hoptrace writes by default');
    assert.is(receiver.spans.length, 0, "nothing went through hoptrace's own exporter");
    assert.not.match(a.output().stderr, /hoptrace: warn/);
  });
});

test('a provider factory with a service map: one provider per service, each span in its own', async () => {
  await withReceiver(async (receiver, track) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-provider-'));
    try {
      // The service owns no port; the server span is the default service's, then a second service
      // owns nothing that this app touches: the factory is still asked for it.
      const file = path.join(dir, 'services.json');
      fs.writeFileSync(file, JSON.stringify({ services: [{ name: 'other', topics: ['t'] }] }));
      const app = track(await startHttpService('default-svc', receiver, { HOPTRACE_TRACER_PROVIDER: PROVIDER, FIXTURE_PROVIDER_FORM: 'factory', HOPTRACE_CONFIG_FILE: file }));
      await get(app.port, '/headers');
      await app.stop();
      const spans = providerSpans(app.output().stdout);
      assert.equal(spans.map((s) => s.service), ['default-svc']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("a module that cannot be used: one warning naming it; hoptrace's own provider and exporter take over", async () => {
  for (const [module, why] of [[path.join(FIXTURES, 'nothing-here.js'), /cannot be loaded/], [path.join(FIXTURES, 'express-routes.js'), /exports neither a TracerProvider/]]) {
    await withReceiver(async (receiver, track) => {
      const app = track(await startHttpService('fallback', receiver, { HOPTRACE_TRACER_PROVIDER: module }));
      await get(app.port, '/headers');
      await receiver.waitFor((s) => s.length === 1);
      await app.stop();
      const warnings = app.output().stderr.split('\n').filter((l) => l.startsWith('hoptrace: warn'));
      assert.is(warnings.length, 1, app.output().stderr);
      assert.match(warnings[0], new RegExp(`HOPTRACE_TRACER_PROVIDER=${module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      assert.match(warnings[0], why);
      assert.match(warnings[0], /hoptrace's own tracer provider is used/);
    });
  }
});

test.run();

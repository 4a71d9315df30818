'use strict';
// A calls B over HTTP, both started with -r register.js: one trace A.SERVER → A.CLIENT → B.SERVER.
const http = require('node:http');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { get } = require('../support/http');

test('a REST hop is one trace across two services, with the right parents and names', async () => {
  await withReceiver(async (receiver, track) => {
    const b = track(await startHttpService('svc-b', receiver));
    const a = track(await startHttpService('svc-a', receiver));
    const response = await get(a.port, `/call?port=${b.port}&path=${encodeURIComponent('/headers?token=s3cret&page=2')}`);
    assert.is(response.status, 200);
    const headersSeenByB = JSON.parse(response.body);
    assert.match(headersSeenByB.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.match(headersSeenByB['uber-trace-id'], /^[0-9a-f]{32}:[0-9a-f]{16}:0:01$/);

    const spans = await receiver.waitFor((s) => s.length >= 3);
    const aServer = spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'svc-a');
    const aClient = spans.find((s) => s.kind === 'CLIENT' && s.resource['service.name'] === 'svc-a');
    const bServer = spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'svc-b');
    assert.ok(aServer && aClient && bServer, 'all three spans arrived');
    assert.is(aServer.parentSpanId, undefined);
    assert.is(aClient.traceId, aServer.traceId);
    assert.is(bServer.traceId, aServer.traceId);
    assert.is(aClient.parentSpanId, aServer.spanId);
    assert.is(bServer.parentSpanId, aClient.spanId);
    // What B received is the CLIENT span's context.
    assert.is(headersSeenByB.traceparent.split('-')[2], aClient.spanId);

    assert.is(aServer.name, 'GET');
    assert.is(aServer.attributes['http.request.method'], 'GET');
    assert.is(aServer.attributes['url.path'], '/call');
    assert.is(aServer.attributes['http.response.status_code'], 200);
    assert.is(aServer.attributes['url.scheme'], 'http');
    assert.is(aServer.attributes['server.port'], a.port);
    assert.is(aServer.attributes['client.address'], '127.0.0.1');
    assert.is(aServer.attributes['network.protocol.version'], '1.1');

    assert.is(aClient.attributes['url.full'], `http://127.0.0.1:${b.port}/headers?token=REDACTED&page=2`);
    assert.is(aClient.attributes['server.address'], '127.0.0.1');
    assert.is(aClient.attributes['server.port'], b.port);
    assert.is(aClient.attributes['http.response.status_code'], 200);
    assert.is(bServer.attributes['url.query'], 'token=REDACTED&page=2');

    assert.is(aServer.resource['telemetry.distro.name'], 'hoptrace');
    assert.is(aServer.resource['service.version'], '3.2.1', 'service.version comes from the app package.json');
    assert.is(aServer.scope, '@hoptrace/http');
    // The exporter's own requests are never traced.
    assert.is(spans.filter((s) => s.attributes['url.full']?.includes('/v1/traces')).length, 0);
  });
});

test('a call made once the request body has been read is still a child of the SERVER span', async () => {
  await withReceiver(async (receiver, track) => {
    const b = track(await startHttpService('svc-b', receiver));
    const a = track(await startHttpService('svc-a', receiver));
    assert.is((await get(a.port, `/call-after-body?port=${b.port}`)).status, 200);
    const spans = await receiver.waitFor((s) => s.length >= 3);
    const aServer = spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'svc-a');
    const aClient = spans.find((s) => s.kind === 'CLIENT');
    assert.is(aClient.parentSpanId, aServer.spanId);
    assert.is(aClient.traceId, aServer.traceId);
  });
});

test('a body that arrives over many reads: the call made once it has been read is still a child of the SERVER span', async () => {
  // 1 MB in pieces, so that 'data' and 'end' come from later reads of the socket than the request's
  // headers: where Node keeps context in frames (Node 24 on), those ran outside the request's context.
  await withReceiver(async (receiver, track) => {
    const b = track(await startHttpService('svc-b', receiver));
    const a = track(await startHttpService('svc-a', receiver));
    const status = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: a.port, path: `/call-after-body?port=${b.port}`, method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      let sent = 0;
      const more = () => {
        if (sent === 16) return req.end();
        sent++;
        req.write('x'.repeat(65536));
        setTimeout(more, 2);
      };
      more();
    });
    assert.is(status, 200);
    const spans = await receiver.waitFor((s) => s.length >= 3);
    const aServer = spans.find((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'svc-a');
    const aClient = spans.find((s) => s.kind === 'CLIENT');
    assert.is(aClient.parentSpanId, aServer.spanId);
    assert.is(aClient.traceId, aServer.traceId);
  });
});

test('5xx is an error on both sides, 4xx only on the client side', async () => {
  await withReceiver(async (receiver, track) => {
    const b = track(await startHttpService('svc-b', receiver));
    const a = track(await startHttpService('svc-a', receiver));
    assert.is((await get(a.port, `/call?port=${b.port}&path=/status/503`)).status, 503);
    assert.is((await get(a.port, `/call?port=${b.port}&path=/status/404`)).status, 404);
    const spans = await receiver.waitFor((s) => s.length >= 6);
    const byStatus = (kind, service, code) =>
      spans.find((s) => s.kind === kind && s.resource['service.name'] === service && s.attributes['http.response.status_code'] === code);
    assert.is(byStatus('SERVER', 'svc-b', 503).status.code, 'ERROR');
    assert.is(byStatus('SERVER', 'svc-b', 503).attributes['error.type'], '503');
    assert.is(byStatus('CLIENT', 'svc-a', 503).status.code, 'ERROR');
    assert.is(byStatus('SERVER', 'svc-b', 404).status.code, 'UNSET');
    assert.is(byStatus('CLIENT', 'svc-a', 404).status.code, 'ERROR');
  });
});

test('a call to a closed port is a CLIENT span with the connection error', async () => {
  await withReceiver(async (receiver, track) => {
    const a = track(await startHttpService('svc-a', receiver));
    const response = await get(a.port, '/call?port=9&path=/nothing');
    assert.is(response.status, 502);
    assert.is(response.body, 'ECONNREFUSED');
    const spans = await receiver.waitFor((s) => s.some((x) => x.kind === 'CLIENT'));
    const client = spans.find((s) => s.kind === 'CLIENT');
    assert.is(client.status.code, 'ERROR');
    assert.is(client.attributes['error.type'], 'ECONNREFUSED');
    assert.ok(client.events.some((e) => e.name === 'exception'));
  });
});

test.run();

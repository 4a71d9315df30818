'use strict';
// CLIENT spans share their server's attributes as a template (instrumentations/http/
// client-template.ts): over a real OTLP export, each call's span still carries its own method,
// server address, port and URL, as calls to one server change path and method, go to another
// port, or go through a forward proxy (no template), on each way in (Node's channels where it has
// them, and the patched http.request).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { get } = require('../support/http');

/** The calls app `a` makes, each answered by the status its path names. */
function calls(a, b) {
  return [
    { method: 'GET', port: b, path: '/status/201', status: 201 },
    { method: 'GET', port: b, path: '/status/202?page=2', status: 202 },
    { method: 'POST', port: b, path: '/status/203', status: 203 },
    { method: 'PURGE', port: b, path: '/status/209', status: 209 },
    { method: 'GET', port: a, path: '/status/204', status: 204 },
    { method: 'GET', port: b, path: '/status/201', status: 201 },
    // Absolute form, as a client of a forward proxy sends it (b answers by the path).
    { method: 'GET', port: b, path: 'http://user:pw@api.example:8081/status/205', status: 205, proxied: true },
  ];
}

function expected(call) {
  if (call.proxied) {
    return {
      'http.request.method': 'GET',
      'server.address': 'api.example',
      'server.port': 8081,
      'url.full': 'http://REDACTED:REDACTED@api.example:8081/status/205',
      'network.peer.address': '127.0.0.1',
      'network.peer.port': call.port,
      'http.response.status_code': call.status,
      'network.protocol.version': '1.1',
    };
  }
  const attributes = {
    'http.request.method': call.method === 'PURGE' ? '_OTHER' : call.method,
    'server.address': '127.0.0.1',
    'server.port': call.port,
    'url.full': `http://127.0.0.1:${call.port}${call.path}`,
    'http.response.status_code': call.status,
    'network.protocol.version': '1.1',
  };
  if (call.method === 'PURGE') attributes['http.request.method_original'] = 'PURGE';
  return attributes;
}

for (const [way, env] of [
  ['the default way in', {}],
  ['the patched http.request', { HOPTRACE_HTTP_VIA: 'patching' }],
]) {
  test(`calls to one server that change path and method, to another port, through a proxy: each CLIENT span has its own call's (${way})`, async () => {
    await withReceiver(async (receiver, track) => {
      const b = track(await startHttpService('svc-called', receiver, env));
      const a = track(await startHttpService('svc-caller', receiver, env));
      const made = calls(a.port, b.port);
      for (const call of made) {
        const query = `port=${call.port}&path=${encodeURIComponent(call.path)}${call.method === 'GET' ? '' : `&method=${call.method}`}`;
        const response = await get(a.port, `/call?${query}`);
        assert.is(response.status, call.status, call.path);
      }
      const clientSpans = (spans) => spans.filter((span) => span.kind === 'CLIENT' && span.resource['service.name'] === 'svc-caller');
      const spans = clientSpans(await receiver.waitFor((s) => clientSpans(s).length >= made.length));
      assert.is(spans.length, made.length);
      const remaining = spans.map((span) => ({ name: span.name, attributes: span.attributes }));
      for (const call of made) {
        const want = { name: call.method === 'PURGE' ? 'HTTP' : call.method, attributes: expected(call) };
        const at = remaining.findIndex((span) => JSON.stringify(sorted(span)) === JSON.stringify(sorted(want)));
        assert.ok(at >= 0, `no CLIENT span with ${JSON.stringify(want)} among ${JSON.stringify(remaining)}`);
        remaining.splice(at, 1);
      }
    });
  });
}

function sorted({ name, attributes }) {
  return { name, attributes: Object.fromEntries(Object.entries(attributes).sort(([x], [y]) => (x < y ? -1 : 1))) };
}

test.run();

'use strict';
// SERVER spans share their address's attributes as a template (instrumentations/http/
// server-template.ts): over a real OTLP export, each span still carries its own request's server
// address, port, method and protocol version, on one kept-alive connection whose requests change
// them, and past the number of templates kept.
const http = require('node:http');
const net = require('node:net');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');

/** One request over `agent`, with its own Host header: resolves { status, reusedSocket }. */
function send(port, agent, { method, host, path }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('request timed out')));
    req.end();
  });
}

/** An HTTP/1.0 request written by hand (Node's client speaks 1.1 only); resolves once the server closes. */
function sendHttp10(port, host, path) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

test("requests that change their server's name, method and HTTP version on one kept-alive connection: each SERVER span has its own request's", async () => {
  await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('svc-names', receiver));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sent = [
      { method: 'GET', host: 'shop.example:8080', path: '/status/201', address: 'shop.example', port: 8080 },
      { method: 'GET', host: 'admin.example', path: '/status/202', address: 'admin.example', port: app.port },
      { method: 'POST', host: 'admin.example', path: '/status/203', address: 'admin.example', port: app.port },
      { method: 'PURGE', host: '[::1]:9000', path: '/status/209', address: '::1', port: 9000 },
      { method: 'GET', host: 'shop.example:8080', path: '/status/205', address: 'shop.example', port: 8080 },
    ];
    try {
      for (const [i, request] of sent.entries()) {
        const { status, reusedSocket } = await send(app.port, agent, request);
        assert.is(status, Number(request.path.slice(-3)));
        if (i > 0) assert.ok(reusedSocket, 'every request after the first on the same connection');
      }
    } finally {
      agent.destroy();
    }
    assert.match(await sendHttp10(app.port, 'old.example', '/status/206'), /^HTTP\/1\.1 206/);

    const spans = await receiver.waitFor((s) => s.filter((span) => span.kind === 'SERVER').length >= sent.length + 1);
    const byPath = new Map(spans.filter((span) => span.kind === 'SERVER').map((span) => [span.attributes['url.path'], span]));
    for (const request of sent) {
      const span = byPath.get(request.path);
      assert.ok(span, request.path);
      const attributes = span.attributes;
      assert.is(attributes['server.address'], request.address, request.path);
      assert.is(attributes['server.port'], request.port, request.path);
      assert.is(attributes['http.request.method'], request.method === 'PURGE' ? '_OTHER' : request.method, request.path);
      assert.is(attributes['http.request.method_original'], request.method === 'PURGE' ? 'PURGE' : undefined, request.path);
      assert.is(attributes['network.protocol.version'], '1.1', request.path);
      assert.is(attributes['url.scheme'], 'http');
      assert.is(attributes['client.address'], '127.0.0.1');
      assert.is(attributes['http.response.status_code'], Number(request.path.slice(-3)));
      assert.is(span.name, request.method === 'PURGE' ? 'HTTP' : request.method);
    }
    const old = byPath.get('/status/206');
    assert.is(old.attributes['network.protocol.version'], '1.0');
    assert.is(old.attributes['server.address'], 'old.example');
    assert.is(old.attributes['server.port'], app.port);
  });
});

test('a server reached under more names than it keeps templates for: every SERVER span still has its own', async () => {
  await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('svc-tenants', receiver));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const count = 300; // past MAX_SERVER_TEMPLATES (256)
    try {
      for (let i = 0; i < count; i += 4) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + 4); j++) batch.push(send(app.port, agent, { method: 'GET', host: `tenant-${j}.example:${8000 + j}`, path: `/status/200?n=${j}` }));
        await Promise.all(batch);
      }
    } finally {
      agent.destroy();
    }
    const spans = await receiver.waitFor((s) => s.filter((span) => span.kind === 'SERVER').length >= count);
    const server = spans.filter((span) => span.kind === 'SERVER');
    assert.is(server.length, count);
    for (const span of server) {
      const n = Number(span.attributes['url.query'].slice(2));
      assert.is(span.attributes['server.address'], `tenant-${n}.example`);
      assert.is(span.attributes['server.port'], 8000 + n);
      assert.is(span.attributes['http.request.method'], 'GET');
      assert.is(span.attributes['http.response.status_code'], 200);
    }
  });
});

test.run();

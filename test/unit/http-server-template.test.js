'use strict';
// The template a SERVER span shares with the other requests to its server address
// (instrumentations/http/server-template.ts): what it holds, when a connection's last one is
// reused, and that the templates kept stay bounded whatever Host headers arrive.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { serverTemplate, serverTemplateCount, MAX_SERVER_TEMPLATES } = require('../../dist/instrumentations/http/server-template');
const { normalizeMethod, serverRequestAttributes, serverRequestOwnAttributes } = require('../../dist/instrumentations/http/attributes');

/** What Node hands a request listener, as far as the attributes read it (`host: null`: no Host header). */
function request({ method = 'GET', url = '/orders/7?page=2', host = 'shop.example:8080', version = '1.1', socket = connection(), headers = {} } = {}) {
  return { method, url, httpVersion: version, headers: host === null ? headers : { host, ...headers }, socket };
}

function connection({ localPort = 3000, encrypted = false, remoteAddress = '10.0.0.9' } = {}) {
  return encrypted ? { localPort, encrypted, remoteAddress } : { localPort, remoteAddress };
}

/** A span's attributes as the exporter sees them: the template's, then its own over them. */
function merged(req) {
  const template = serverTemplate(req);
  const own = template ? serverRequestOwnAttributes(req, normalizeMethod(req.method)) : serverRequestAttributes(req, normalizeMethod(req.method));
  return { ...template, ...own };
}

test('template and own attributes together are every attribute a SERVER span starts with', () => {
  const cases = [
    request(),
    request({ host: '[::1]:9000', method: 'POST' }),
    request({ host: null }),
    request({ host: 'api.example', socket: connection({ encrypted: true, localPort: 8443 }) }),
    request({ method: 'PURGE', version: '1.0' }),
    request({ method: 'get' }),
    request({ headers: { 'user-agent': 'curl/8', 'x-forwarded-for': '203.0.113.5, 10.0.0.1' } }),
  ];
  for (const req of cases) assert.equal(merged(req), serverRequestAttributes(req, normalizeMethod(req.method)), JSON.stringify(req.headers) + req.method);
  const template = serverTemplate(request({ method: 'PURGE' }));
  assert.equal(template, { 'http.request.method': '_OTHER', 'url.scheme': 'http', 'network.protocol.version': '1.1', 'server.address': 'shop.example', 'server.port': 8080 });
  assert.ok(Object.isFrozen(template));
  // What varies from request to request is not in it.
  for (const key of ['url.path', 'url.query', 'client.address', 'user_agent.original', 'http.request.method_original']) assert.not.ok(key in template, key);
});

test('requests to one address share one template; a connection moves to another as its requests change', () => {
  const socket = connection();
  const first = serverTemplate(request({ socket }));
  assert.is(serverTemplate(request({ socket, url: '/other' })), first, 'the same object for the next request on the connection');
  assert.is(serverTemplate(request({ socket: connection() })), first, 'and on another connection to the same address');
  const renamed = serverTemplate(request({ socket, host: 'admin.example:8080' }));
  assert.is(renamed['server.address'], 'admin.example');
  const posted = serverTemplate(request({ socket, host: 'admin.example:8080', method: 'POST' }));
  assert.is(posted['http.request.method'], 'POST');
  const older = serverTemplate(request({ socket, host: 'admin.example:8080', method: 'POST', version: '1.0' }));
  assert.is(older['network.protocol.version'], '1.0');
  assert.is(serverTemplate(request({ socket })), first, 'back to the first address: the template kept for it');
  // The connection's local port and scheme are its own: another connection does not take this one's.
  assert.is(serverTemplate(request({ host: null, socket: connection({ localPort: 4000 }) }))['server.port'], 4000);
  assert.is(serverTemplate(request({ host: null, socket: connection({ localPort: 4001, encrypted: true }) }))['url.scheme'], 'https');
});

test('a connection that takes no property still gets its template, looked up again each time', () => {
  const socket = Object.freeze(connection({ localPort: 5000 }));
  const first = serverTemplate(request({ socket }));
  assert.is(first['server.port'], 8080);
  assert.is(serverTemplate(request({ socket })), first);
  assert.is(serverTemplate(request({ socket, host: null }))['server.port'], 5000);
});

// Last: it fills the module's templates to the bound.
test('templates kept stay bounded whatever Host headers arrive; past the bound a request has no template, and all its attributes', () => {
  const socket = connection();
  for (let i = 0; i < MAX_SERVER_TEMPLATES + 50; i++) {
    const req = request({ socket, host: `tenant-${i}.example` });
    const template = serverTemplate(req);
    assert.ok(serverTemplateCount() <= MAX_SERVER_TEMPLATES);
    if (template === undefined) assert.is(merged(req)['server.address'], `tenant-${i}.example`);
    else assert.is(template['server.address'], `tenant-${i}.example`);
  }
  assert.is(serverTemplateCount(), MAX_SERVER_TEMPLATES);
  assert.is(serverTemplate(request({ socket, host: 'tenant-new.example' })), undefined);
  // Addresses seen before the bound keep theirs.
  assert.is(serverTemplate(request({ socket }))['server.address'], 'shop.example');
});

test.run();

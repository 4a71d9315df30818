'use strict';
// The template a CLIENT span shares with the other calls to its server
// (instrumentations/http/client-template.ts): what it holds, that a call through a proxy has none,
// and that the templates kept stay bounded whatever hosts the app calls.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { clientTemplate, clientTemplateCount, MAX_CLIENT_TEMPLATES } = require('../../dist/instrumentations/http/client-template');
const { normalizeMethod, clientRequestAttributes, clientRequestOwnAttributes } = require('../../dist/instrumentations/http/attributes');

/** Where a call goes, as outgoing-target.ts reads it from http.request's arguments or from the request Node made. */
function call(fields = {}) {
  return { method: 'GET', scheme: 'http', address: 'inventory.internal', port: 8080, target: '/stock/7?warehouse=2', ...fields };
}

/** A span's attributes as the exporter sees them: the template's, then its own over them. */
function merged(target) {
  const template = clientTemplate(target);
  const method = normalizeMethod(target.method);
  const own = template ? clientRequestOwnAttributes(target, method) : clientRequestAttributes(target, method);
  return { ...template, ...own };
}

test('template and own attributes together are every attribute a CLIENT span starts with', () => {
  const cases = [
    call(),
    call({ method: 'POST', address: '::1', port: 9000 }),
    call({ scheme: 'https', port: 443, target: '/' }),
    call({ port: undefined }),
    call({ method: 'PURGE' }),
    call({ method: 'get' }),
    call({ hadCredentials: true }),
    call({ address: '/var/run/my app.sock', port: undefined, target: '/health' }),
    // Through a forward proxy: the destination is in the target, and there is no template.
    call({ address: 'proxy.internal', port: 3128, target: 'http://user:pw@api.example:8081/v1/orders?id=3' }),
    call({ method: 'CONNECT', target: 'api.example:443' }),
  ];
  for (const target of cases) assert.equal(merged(target), clientRequestAttributes(target, normalizeMethod(target.method)), JSON.stringify(target));
  const template = clientTemplate(call({ method: 'PURGE' }));
  assert.equal(template, { 'http.request.method': '_OTHER', 'server.address': 'inventory.internal', 'server.port': 8080 });
  assert.ok(Object.isFrozen(template));
  // What varies from call to call is not in it.
  for (const key of ['url.full', 'http.request.method_original']) assert.not.ok(key in template, key);
  assert.is(clientRequestOwnAttributes(call({ method: 'PURGE' }), normalizeMethod('PURGE'))['http.request.method_original'], 'PURGE');
});

test('calls to one server share one template; another method, address or port has its own', () => {
  const first = clientTemplate(call());
  assert.is(clientTemplate(call({ target: '/other?x=1', hadCredentials: true })), first, 'the path and credentials are the call\'s own');
  assert.is(clientTemplate(call({ scheme: 'https' })), first, 'the scheme is in url.full only');
  assert.is(clientTemplate(call({ method: 'DELETE' }))['http.request.method'], 'DELETE');
  assert.is(clientTemplate(call({ address: 'billing.internal' }))['server.address'], 'billing.internal');
  assert.is(clientTemplate(call({ port: 8081 }))['server.port'], 8081);
  assert.not.ok('server.port' in clientTemplate(call({ port: undefined })));
  // An address with spaces (a socket path) does not meet another combination's key.
  const spaced = clientTemplate(call({ address: 'a 80', port: undefined }));
  const other = clientTemplate(call({ address: 'a', port: 80 }));
  assert.is.not(spaced, other);
  assert.is(spaced['server.address'], 'a 80');
  assert.is(other['server.port'], 80);
});

test('a call through a proxy, or with no path, has no template', () => {
  assert.is(clientTemplate(call({ target: 'http://api.example/v1' })), undefined);
  assert.is(clientTemplate(call({ method: 'CONNECT', target: 'api.example:443' })), undefined);
  assert.is(clientTemplate(call({ method: 'OPTIONS', target: '*' })), undefined);
});

// Last: it fills the module's templates to the bound.
test('templates kept stay bounded whatever hosts the app calls; past the bound a call has no template, and all its attributes', () => {
  for (let i = 0; i < MAX_CLIENT_TEMPLATES + 50; i++) {
    const target = call({ address: `shard-${i}.internal` });
    const template = clientTemplate(target);
    assert.ok(clientTemplateCount() <= MAX_CLIENT_TEMPLATES);
    if (template === undefined) assert.is(merged(target)['server.address'], `shard-${i}.internal`);
    else assert.is(template['server.address'], `shard-${i}.internal`);
  }
  assert.is(clientTemplateCount(), MAX_CLIENT_TEMPLATES);
  assert.is(clientTemplate(call({ address: 'shard-new.internal' })), undefined);
  assert.is(clientTemplate(call({ address: 'shard-0.internal' }))['server.address'], 'shard-0.internal', 'one kept before the bound is still found');
  assert.equal(merged(call({ address: 'shard-new.internal' })), clientRequestAttributes(call({ address: 'shard-new.internal' }), normalizeMethod('GET')));
});

test.run();

'use strict';
// Credentials and secrets in URLs never reach an exported span, from any request-target form on
// the server and any options shape on the client, including requests made through a forward proxy.
const net = require('node:net');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { startHttpService } = require('../support/services');
const { get } = require('../support/http');

/** Sends one raw request line (what a client of a forward proxy sends) and resolves with the status line. */
function rawRequest(port, requestLine) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${requestLine}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

const attributesOf = (span) => span.attributes;

test('absolute-form targets, a proxied client call, ; separators and extra names: no secret in any span', async () => {
  await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('secrets', receiver, { HOPTRACE_HTTP_REDACT_QUERY_PARAMS: 'tenant,path' }));

    // 1. A request line in absolute form, as a forward proxy receives it.
    assert.match(await rawRequest(app.port, 'GET http://u:SECRET@x/abs?access-token=SECRET&page=2 HTTP/1.1'), /^HTTP\/1\.1 404/);
    // 2. The app calls through a "proxy" (its own port): the path option is the whole destination URL
    //    (it travels to the app in a query parameter, `path`, redacted by the setting above).
    const destination = 'http://u:SECRET@example.com:8080/p?a=1;token=SECRET&private_token=SECRET&tenant=SECRET';
    await get(app.port, `/call?port=${app.port}&path=${encodeURIComponent(destination)}`);
    // 3. Origin form with every spelling the redaction list must catch.
    await get(app.port, '/status/200?a=1;token=SECRET&user[password]=SECRET&token[]=SECRET&Access-Token=SECRET&tenant=SECRET');

    const spans = await receiver.waitFor((s) => s.length >= 5);
    const exported = JSON.stringify(spans, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
    assert.not.ok(exported.includes('SECRET'), `a secret was exported: ${exported.match(/.{0,80}SECRET.{0,40}/)?.[0]}`);

    const absolute = spans.find((s) => attributesOf(s)['url.path'] === '/abs');
    assert.ok(absolute, 'the absolute-form request has a span');
    assert.is(attributesOf(absolute)['url.query'], 'access-token=REDACTED&page=2');

    const client = spans.find((s) => s.kind === 'CLIENT');
    assert.is(attributesOf(client)['url.full'], 'http://REDACTED:REDACTED@example.com:8080/p?a=1;token=REDACTED&private_token=REDACTED&tenant=REDACTED');
    assert.is(attributesOf(client)['server.address'], 'example.com');
    assert.is(attributesOf(client)['server.port'], 8080);
    assert.is(attributesOf(client)['network.peer.address'], '127.0.0.1');
    assert.is(attributesOf(client)['network.peer.port'], app.port);

    const proxied = spans.find((s) => s.kind === 'SERVER' && attributesOf(s)['url.path'] === '/p');
    assert.ok(proxied, 'the "proxy" saw the absolute-form request and recorded only its path');

    const origin = spans.find((s) => attributesOf(s)['url.path'] === '/status/200');
    assert.is(
      attributesOf(origin)['url.query'],
      'a=1;token=REDACTED&user[password]=REDACTED&token[]=REDACTED&Access-Token=REDACTED&tenant=REDACTED',
    );
  });
});

test('secrets in paths, on server and client spans: built-in rules and HOPTRACE_HTTP_REDACT_PATHS', async () => {
  await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('path-secrets', receiver, { HOPTRACE_HTTP_REDACT_PATHS: '/files/*/share/{link}', HOPTRACE_HTTP_REDACT_QUERY_PARAMS: 'path' }));
    await get(app.port, '/reset-password/SECRETSECRETSECRET0042');
    await get(app.port, '/files/42/share/SECRET');
    // The app's own client call to a Slack-shaped webhook path (its own port answers 404); the path
    // travels to the app in a query parameter, redacted by the setting above.
    await get(app.port, `/call?port=${app.port}&path=${encodeURIComponent('/services/T0123ABCD/B0456EFGH/SECRET0123abc')}`);
    const spans = await receiver.waitFor((s) => s.length >= 5);
    const exported = JSON.stringify(spans, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
    assert.not.ok(exported.includes('SECRET'), `a secret was exported: ${exported.match(/.{0,80}SECRET.{0,40}/)?.[0]}`);
    const paths = spans.map((s) => attributesOf(s)['url.path']).filter(Boolean).sort();
    assert.ok(paths.includes('/reset-password/REDACTED'), paths.join(' '));
    assert.ok(paths.includes('/files/42/share/REDACTED'), paths.join(' '));
    const client = spans.find((s) => s.kind === 'CLIENT');
    assert.is(attributesOf(client)['url.full'], `http://127.0.0.1:${app.port}/services/T0123ABCD/B0456EFGH/REDACTED`);
  });
});

test.run();

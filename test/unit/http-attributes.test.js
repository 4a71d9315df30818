'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { redactQuery, splitTarget, UrlRedactor } = require('../../dist/instrumentations/http/url-redaction');
const { readRequestTarget } = require('../../dist/instrumentations/http/request-target');
const { normalizeMethod, spanName, parseHostHeader, clientRequestAttributes } = require('../../dist/instrumentations/http/attributes');
const { readOutgoingTarget } = require('../../dist/instrumentations/http/outgoing-target');
const { createPathMatcher } = require('../../dist/instrumentations/http/ignore-paths');

test('sensitive query values are redacted, names kept, case ignored', () => {
  assert.is(redactQuery('a=1&Token=x&API_KEY=y&sig=z&page=2'), 'a=1&Token=REDACTED&API_KEY=REDACTED&sig=REDACTED&page=2');
  assert.is(redactQuery('X-Goog-Signature=abc&AWSAccessKeyId=k'), 'X-Goog-Signature=REDACTED&AWSAccessKeyId=REDACTED');
  assert.is(redactQuery('access%5Ftoken=abc'), 'access%5Ftoken=REDACTED');
  assert.is(redactQuery('password='), 'password=');
  assert.is(redactQuery('q=token'), 'q=token');
  assert.equal(splitTarget('/a?b=1&secret=2#frag'), { path: '/a', query: 'b=1&secret=REDACTED' });
  assert.equal(splitTarget('/a'), { path: '/a', query: undefined });
});

test('sensitive names in every spelling: - or _, any case, camelCase endings, brackets', () => {
  const redacted = [
    'private_token', 'access-token', 'Access_Token', 'accessToken', 'token[]', 'user[password]', 'auth[token][0]',
    'client_secret', 'clientSecret', 'apiKey', 'x-api-key', 'aws_key', 'refresh-token', 'SESSIONID', 'X-Amz-Security-Token',
    'private_key', 'db.password', 'otp', 'id_token', 'sig', 'user%5Bpassword%5D',
  ];
  for (const name of redacted) assert.is(redactQuery(`${name}=SECRET&page=2`), `${name}=REDACTED&page=2`, name);
  const kept = ['page', 'monkey', 'keyword', 'oauth_state', 'zip_code', 'user[name]', 'sort', 'q', 'tokens_used'];
  for (const name of kept) assert.is(redactQuery(`${name}=v`), `${name}=v`, name);
});

test('; separates parameters as & does', () => {
  assert.is(redactQuery('a=1;token=SECRET'), 'a=1;token=REDACTED');
  assert.is(redactQuery('a=1;b=2&sig=x;c=3'), 'a=1;b=2&sig=REDACTED;c=3');
});

test('HOPTRACE_HTTP_REDACT_QUERY_PARAMS adds names, matched the same way', () => {
  const redactor = new UrlRedactor(['tenant', 'X-Customer']);
  assert.is(redactQuery('tenant=acme&x_customer=1&Tenant[id]=2&page=3', redactor), 'tenant=REDACTED&x_customer=REDACTED&Tenant[id]=REDACTED&page=3');
  assert.is(redactQuery('token=1', redactor), 'token=REDACTED', 'the built-in names stay');
});

test('request targets in every form: no credentials survive, the destination of the absolute form is read', () => {
  assert.equal(readRequestTarget('/a?token=x'), { path: '/a', query: 'token=REDACTED' });
  assert.equal(readRequestTarget('*'), { path: '*' });
  assert.equal(readRequestTarget('example.com:443'), {});
  assert.equal(readRequestTarget('u:SECRET@example.com:443'), {});
  assert.equal(readRequestTarget('http://u:SECRET@x/abs?a=1;token=SECRET#frag'), {
    path: '/abs', query: 'a=1;token=REDACTED', destination: { scheme: 'http', host: 'x', port: undefined, hadCredentials: true },
  });
  assert.equal(readRequestTarget('HTTPS://Example.COM:8443'), {
    path: '/', query: undefined, destination: { scheme: 'https', host: 'example.com', port: 8443, hadCredentials: false },
  });
  assert.equal(readRequestTarget('http://[::1]:81?x=1'), {
    path: '/', query: 'x=1', destination: { scheme: 'http', host: '::1', port: 81, hadCredentials: false },
  });
  // Not a valid URL for the WHATWG parser, and still nothing of the userinfo is kept.
  const broken = readRequestTarget('http://u:SEC RET@ho st:99999/p%zz?pwd=SECRET');
  assert.not.ok(JSON.stringify(broken).includes('SEC'), JSON.stringify(broken));
});

test('a client request through a forward proxy: url.full and server.* name the destination, network.peer.* the proxy', () => {
  const target = readOutgoingTarget([{ host: '127.0.0.1', port: 3128, path: 'http://u:SECRET@example.com:8080/p?a=1;token=SECRET' }], 'http');
  const attributes = clientRequestAttributes(target, normalizeMethod(target.method));
  assert.is(attributes['url.full'], 'http://REDACTED:REDACTED@example.com:8080/p?a=1;token=REDACTED');
  assert.is(attributes['server.address'], 'example.com');
  assert.is(attributes['server.port'], 8080);
  assert.is(attributes['network.peer.address'], '127.0.0.1');
  assert.is(attributes['network.peer.port'], 3128);
  const tls = readOutgoingTarget([{ host: 'proxy', port: 3128, path: 'https://api.example.com/v1' }], 'http');
  assert.is(clientRequestAttributes(tls, normalizeMethod('GET'))['url.full'], 'https://api.example.com/v1');
  assert.is(clientRequestAttributes(tls, normalizeMethod('GET'))['server.port'], 443);
});

test('methods: known ones as is, others _OTHER with the original kept', () => {
  assert.equal(normalizeMethod('GET'), { method: 'GET' });
  assert.equal(normalizeMethod(undefined), { method: 'GET' });
  assert.equal(normalizeMethod('get'), { method: 'GET', original: 'get' });
  assert.equal(normalizeMethod('Post'), { method: 'POST', original: 'Post' });
  assert.equal(normalizeMethod('BREW'), { method: '_OTHER', original: 'BREW' });
  // A known method's answer is shared between requests: nobody may change it for the next one.
  assert.ok(Object.isFrozen(normalizeMethod('PUT')));
  assert.is(spanName('_OTHER'), 'HTTP');
  assert.is(spanName('GET', '/users/:id'), 'GET /users/:id');
});

test('Host header parsing', () => {
  assert.equal(parseHostHeader('example.com:8080'), { address: 'example.com', port: 8080 });
  assert.equal(parseHostHeader('[::1]:3000'), { address: '::1', port: 3000 });
  assert.equal(parseHostHeader('example.com'), { address: 'example.com' });
  assert.equal(parseHostHeader(undefined), {});
});

test('outgoing targets from every argument form of http.request', () => {
  assert.equal(readOutgoingTarget(['http://u:p@example.com:81/a?b=1'], 'http'), {
    method: 'GET', scheme: 'http', address: 'example.com', port: 81, target: '/a?b=1', hadCredentials: true,
  });
  assert.equal(readOutgoingTarget([new URL('https://example.com/x')], 'https'), {
    method: 'GET', scheme: 'https', address: 'example.com', port: 443, target: '/x', hadCredentials: false,
  });
  assert.equal(readOutgoingTarget(['http://example.com/x', { method: 'POST', path: '/y' }, () => {}], 'http'), {
    method: 'POST', scheme: 'http', address: 'example.com', port: 80, target: '/y', hadCredentials: false,
  });
  assert.equal(readOutgoingTarget([{ hostname: '::1', port: '8080', path: '/z' }], 'http'), {
    method: 'GET', scheme: 'http', address: '::1', port: 8080, target: '/z', hadCredentials: false,
  });
  assert.equal(readOutgoingTarget([{ socketPath: '/tmp/s.sock', path: '/v1' }], 'http'), {
    method: 'GET', scheme: 'http', address: '/tmp/s.sock', target: '/v1',
  });
  assert.is(readOutgoingTarget(['not a url'], 'http'), undefined);
  assert.is(readOutgoingTarget([], 'http'), undefined);
});

test('url.full never carries credentials, redacts secrets, omits default ports', () => {
  const target = readOutgoingTarget(['https://user:pass@api.example.com/v1?api_key=abc&x=1'], 'https');
  const attributes = clientRequestAttributes(target, normalizeMethod(target.method));
  assert.is(attributes['url.full'], 'https://REDACTED:REDACTED@api.example.com/v1?api_key=REDACTED&x=1');
  assert.is(attributes['server.port'], 443);
  const v6 = clientRequestAttributes({ method: 'GET', scheme: 'http', address: '::1', port: 8080, target: '/' }, { method: 'GET' });
  assert.is(v6['url.full'], 'http://[::1]:8080/');
});

test('ignored paths: exact and prefix patterns, query ignored', () => {
  const matches = createPathMatcher(['/health', '/internal/*']);
  assert.ok(matches('/health'));
  assert.ok(matches('/health?verbose=1'));
  assert.ok(matches('/internal/metrics'));
  assert.not.ok(matches('/healthz'));
  assert.not.ok(matches('/orders'));
  assert.is(createPathMatcher([]), undefined);
});

test('query names the issue of trust listed: camelCase words, codes, assertions, SAML, tickets', () => {
  const redacted = ['secretKey', 'accessKey', 'authCode', 'auth_code', 'code', 'client_assertion', 'clientAssertion', 'SAMLResponse', 'samlResponse', 'SAMLRequest', 'ticket', 'authorization_code', 'sessionId'];
  for (const name of redacted) assert.is(redactQuery(`${name}=SECRET&page=2`), `${name}=REDACTED&page=2`, name);
  const kept = ['zip_code', 'countryCode', 'promoCode', 'keyword', 'monkey', 'ticketCount', 'pageToken_count', 'tokenizer'];
  for (const name of kept) assert.is(redactQuery(`${name}=v`), `${name}=v`, name);
});

test('secrets in paths: webhook and bot URLs, JSON Web Tokens, one-time links; ordinary paths kept as they are', () => {
  const cases = [
    ['/services/T0123ABCD/B0456EFGH/abcDEF123ghiJKL456mno789', '/services/T0123ABCD/B0456EFGH/REDACTED'],
    ['/api/webhooks/123456789012345678/aBcD-eFgH_iJkL.mNoP', '/api/webhooks/123456789012345678/REDACTED'],
    ['/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage', '/botREDACTED/sendMessage'],
    ['/session/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl/refresh', '/session/REDACTED/refresh'],
    ['/reset-password/8f14e45fceea167a5a36dedd4bea2543', '/reset-password/REDACTED'],
    ['/account/verify-email/Zm9vYmFyYmF6cXV4MTIzNDU2', '/account/verify-email/REDACTED'],
    ['/invite/c9f0f895fb98ab9159f51fd0297e236d/accept', '/invite/REDACTED/accept'],
    ['/api/token/abcdefghijklmnop1234', '/api/token/REDACTED'],
  ];
  for (const [path, expected] of cases) assert.equal(splitTarget(`${path}?page=2`), { path: expected, query: 'page=2' }, path);
  const kept = ['/users/42', '/api/keys/list', '/orders/8f14e45fceea167a5a36dedd4bea2543', '/monkey/abcdefghijklmnopqrst', '/reset-password', '/services/users/42', '/docs/tokenization-guide-for-beginners'];
  for (const path of kept) assert.equal(splitTarget(path), { path, query: undefined }, path);
});

test('HOPTRACE_HTTP_REDACT_PATHS: {…} segments redacted, * kept, the rest equal; a pattern matches the first segments', () => {
  const redactor = new UrlRedactor([], ['/files/*/share/{link}', '/t/{tenantSecret}']);
  assert.equal(splitTarget('/files/42/share/s3cret/download?x=1', redactor), { path: '/files/42/share/REDACTED/download', query: 'x=1' });
  assert.equal(splitTarget('/t/acme-key', redactor).path, '/t/REDACTED');
  assert.equal(splitTarget('/files/42/view/s3cret', redactor).path, '/files/42/view/s3cret');
  assert.equal(splitTarget('/t', redactor).path, '/t');
  assert.equal(splitTarget('/reset-password/8f14e45fceea167a5a36dedd4bea2543', redactor).path, '/reset-password/REDACTED', 'the built-in rules stay');
});

test.run();

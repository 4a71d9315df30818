'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { redactQuery, splitTarget } = require('../../dist/instrumentations/http/url-redaction');
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

test('methods: known ones as is, others _OTHER with the original kept', () => {
  assert.equal(normalizeMethod('GET'), { method: 'GET' });
  assert.equal(normalizeMethod('BREW'), { method: '_OTHER', original: 'BREW' });
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
    method: 'GET', scheme: 'http', address: 'example.com', port: 81, target: '/a?b=1',
  });
  assert.equal(readOutgoingTarget([new URL('https://example.com/x')], 'https'), {
    method: 'GET', scheme: 'https', address: 'example.com', port: 443, target: '/x',
  });
  assert.equal(readOutgoingTarget(['http://example.com/x', { method: 'POST', path: '/y' }, () => {}], 'http'), {
    method: 'POST', scheme: 'http', address: 'example.com', port: 80, target: '/y',
  });
  assert.equal(readOutgoingTarget([{ hostname: '::1', port: '8080', path: '/z' }], 'http'), {
    method: 'GET', scheme: 'http', address: '::1', port: 8080, target: '/z',
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
  assert.is(attributes['url.full'], 'https://api.example.com/v1?api_key=REDACTED&x=1');
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

test.run();

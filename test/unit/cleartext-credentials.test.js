'use strict';
// Credentials over plain http to another machine: said once per exporter, naming what is sent, never its value.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { stderrOf } = require('../support/stderr');
const { OtlpHttpExporter } = require('../../dist/agent/exporters/otlp-http');
const { JaegerExporter } = require('../../dist/agent/exporters/jaeger/exporter');


const otlp = (endpoint, headers) => () => new OtlpHttpExporter({ endpoint, protocol: 'http/protobuf', headers, timeoutMs: 1000 });
const jaeger = (endpoint, user, password) => () => new JaegerExporter({ agentHost: 'localhost', agentPort: 6832, endpoint, user, password, timeoutMs: 1000 });

test('OTLP headers to another machine over http: one warning naming the headers, not their values', () => {
  const lines = stderrOf(otlp('http://collector.example:4318/v1/traces', { 'api-key': 's3cret', tenant: 'a' }));
  assert.equal(lines, [
    'hoptrace: warn: OTLP headers (api-key, tenant) sent to http://collector.example:4318/v1/traces over plain http: readable by anyone on the way; an https:// endpoint keeps them private',
  ]);
});

test("Jaeger's basic auth over http to another machine: one warning", () => {
  const lines = stderrOf(jaeger('http://u:p@jaeger.example:14268/api/traces?x=1', 'user', 's3cret'));
  assert.equal(lines, [
    "hoptrace: warn: Jaeger's user and password sent to http://jaeger.example:14268/api/traces over plain http: readable by anyone on the way; an https:// endpoint keeps them private",
  ]);
});

test('nothing said over https, to this machine, or with nothing to hide', () => {
  for (const make of [
    otlp('https://collector.example/v1/traces', { 'api-key': 's3cret' }),
    otlp('http://localhost:4318/v1/traces', { 'api-key': 's3cret' }),
    otlp('http://127.0.0.1:4318/v1/traces', { 'api-key': 's3cret' }),
    otlp('http://[::1]:4318/v1/traces', { 'api-key': 's3cret' }),
    otlp('http://collector.example:4318/v1/traces', {}),
    jaeger('https://jaeger.example/api/traces', 'user', 'pw'),
    jaeger('http://jaeger.example/api/traces', undefined, undefined),
    jaeger(undefined, 'user', 'pw'),
  ]) {
    assert.equal(stderrOf(make), []);
  }
});

test.run();

'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { loadConfig } = require('../../dist/agent/config/load-config');

function load(env, app = {}) {
  const warnings = [];
  const config = loadConfig(env, app, (m) => warnings.push(m));
  return { config, warnings };
}

test('defaults: otlp/protobuf to localhost:4318, W3C+baggage+Jaeger written, parent-based sampling', () => {
  const { config, warnings } = load({});
  assert.equal(warnings, []);
  assert.is(config.exporter, 'otlp');
  assert.is(config.otlp.endpoint, 'http://localhost:4318/v1/traces');
  assert.is(config.otlp.protocol, 'http/protobuf');
  assert.is(config.otlp.timeoutMs, 10000);
  assert.equal(config.injectPropagators, ['tracecontext', 'baggage', 'jaeger']);
  assert.is(config.sampler.name, 'parentbased_always_on');
  assert.equal(config.batch, { scheduleDelayMs: 5000, exportTimeoutMs: 30000, maxQueueSize: 2048, maxExportBatchSize: 512 });
  assert.equal([...config.instrumentations], ['http', 'express', 'fastify', 'koa', 'fetch', 'kafkajs']);
  assert.is(config.express.middlewareSpans, false);
  assert.is(config.fastify.middlewareSpans, false);
  assert.is(config.koa.middlewareSpans, false);
  assert.is(config.service.name, 'unknown_service:node');
  assert.is(config.logLevel, 'warn');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.otlp));
});

test('service name: OTEL_SERVICE_NAME, then service.name in resource attributes, then package.json', () => {
  assert.is(load({}, { name: 'shop', version: '1.2.3' }).config.service.name, 'shop');
  assert.is(load({}, { name: 'shop', version: '1.2.3' }).config.service.version, '1.2.3');
  assert.is(load({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' }, { name: 'shop' }).config.service.name, 'from-attrs');
  assert.is(load({ OTEL_SERVICE_NAME: 'orders', OTEL_RESOURCE_ATTRIBUTES: 'service.name=x' }).config.service.name, 'orders');
});

test('resource attributes and headers are percent-decoded key=value lists', () => {
  const { config, warnings } = load({
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=a%2Cb',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-tenant = 42',
  });
  assert.equal(warnings, []);
  assert.equal(config.service.resourceAttributes, { 'deployment.environment': 'prod', team: 'a,b' });
  assert.equal(config.otlp.headers, { authorization: 'Bearer abc', 'x-tenant': '42' });
});

test('OTLP endpoint: the general one gets /v1/traces, the traces-specific one is used as given', () => {
  assert.is(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).config.otlp.endpoint, 'http://collector:4318/v1/traces');
  assert.is(
    load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/custom' }).config.otlp.endpoint,
    'https://b/custom',
  );
  const bad = load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
  assert.is(bad.config.otlp.endpoint, 'http://localhost:4318/v1/traces');
  assert.is(bad.warnings.length, 1);
  assert.match(bad.warnings[0], /OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318"/);
});

test('traces-specific protocol, timeout and headers win over the general ones', () => {
  const { config } = load({
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TIMEOUT: '100',
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '200',
    OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=1',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=2',
  });
  assert.is(config.otlp.protocol, 'http/json');
  assert.is(config.otlp.timeoutMs, 200);
  assert.equal(config.otlp.headers, { a: '1', b: '2' });
});

test('OTEL_PROPAGATORS: the listed ones, in order, duplicates once; none disables propagation', () => {
  assert.equal(load({ OTEL_PROPAGATORS: 'b3, tracecontext,b3' }).config.injectPropagators, ['b3', 'tracecontext']);
  const none = load({ OTEL_PROPAGATORS: 'none' }).config;
  assert.ok(none.propagationDisabled);
  const onlyUnknown = load({ OTEL_PROPAGATORS: 'xray' });
  assert.equal(onlyUnknown.config.injectPropagators, ['tracecontext', 'baggage', 'jaeger']);
  assert.is(onlyUnknown.warnings.length, 1);
});

test('instrumentation lists: enabled narrows, disabled removes, unknown names warn', () => {
  assert.equal([...load({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http,fetch' }).config.instrumentations], ['express', 'fastify', 'koa', 'kafkajs']);
  assert.equal([...load({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http' }).config.instrumentations], ['http']);
  const unknown = load({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,redis' });
  assert.equal([...unknown.config.instrumentations], ['http']);
  assert.match(unknown.warnings[0], /OTEL_NODE_ENABLED_INSTRUMENTATIONS="redis"/);
});

test('samplers and their ratio', () => {
  assert.equal(load({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).config.sampler, {
    name: 'parentbased_traceidratio',
    ratio: 0.25,
  });
  const bad = load({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '-1' });
  assert.is(bad.config.sampler.ratio, 1);
  assert.is(bad.warnings.length, 1);
});

test('log level: HOPTRACE_LOG_LEVEL over OTEL_LOG_LEVEL; "all" means verbose', () => {
  assert.is(load({ OTEL_LOG_LEVEL: 'debug' }).config.logLevel, 'debug');
  assert.is(load({ OTEL_LOG_LEVEL: 'debug', HOPTRACE_LOG_LEVEL: 'error' }).config.logLevel, 'error');
  assert.is(load({ OTEL_LOG_LEVEL: 'ALL' }).config.logLevel, 'verbose');
});

test('HOPTRACE_EXPRESS_SPANS: route (default) or middleware', () => {
  assert.is(load({ HOPTRACE_EXPRESS_SPANS: 'middleware' }).config.express.middlewareSpans, true);
  const bad = load({ HOPTRACE_EXPRESS_SPANS: 'all' });
  assert.is(bad.config.express.middlewareSpans, false);
  assert.match(bad.warnings[0], /HOPTRACE_EXPRESS_SPANS="all"/);
});

test('HOPTRACE_HANDLER_SPANS: every framework; HOPTRACE_EXPRESS_SPANS still works for express; the new name wins', () => {
  const spans = (env) => {
    const { config, warnings } = load(env);
    return { express: config.express.middlewareSpans, fastify: config.fastify.middlewareSpans, koa: config.koa.middlewareSpans, warnings };
  };
  assert.equal(spans({ HOPTRACE_HANDLER_SPANS: 'middleware' }), { express: true, fastify: true, koa: true, warnings: [] });
  assert.equal(spans({ HOPTRACE_EXPRESS_SPANS: 'middleware' }), { express: true, fastify: false, koa: false, warnings: [] });
  assert.equal(spans({ HOPTRACE_HANDLER_SPANS: 'MIDDLEWARE', HOPTRACE_EXPRESS_SPANS: 'middleware' }), { express: true, fastify: true, koa: true, warnings: [] });
  const both = spans({ HOPTRACE_HANDLER_SPANS: 'route', HOPTRACE_EXPRESS_SPANS: 'middleware' });
  assert.equal([both.express, both.fastify, both.koa], [false, false, false]);
  assert.equal(both.warnings, ['HOPTRACE_EXPRESS_SPANS is ignored: HOPTRACE_HANDLER_SPANS is set too, and wins']);
  const bad = spans({ HOPTRACE_HANDLER_SPANS: 'all' });
  assert.equal([bad.express, bad.fastify, bad.koa], [false, false, false]);
  assert.match(bad.warnings[0], /HOPTRACE_HANDLER_SPANS="all"/);
});

test('jaeger exporter: OTEL_EXPORTER_JAEGER_* first, then the JAEGER_* names jaeger-client users set', () => {
  const udp = load({ OTEL_TRACES_EXPORTER: 'jaeger', JAEGER_AGENT_HOST: 'agent', OTEL_EXPORTER_JAEGER_AGENT_PORT: '7000', JAEGER_AGENT_PORT: '1' }).config;
  assert.is(udp.exporter, 'jaeger');
  assert.equal(udp.jaeger, { agentHost: 'agent', agentPort: 7000, endpoint: undefined, user: undefined, password: undefined, timeoutMs: 10000 });
  const http = load({ OTEL_TRACES_EXPORTER: 'jaeger', JAEGER_ENDPOINT: 'http://c:14268/api/traces', JAEGER_USER: 'u', JAEGER_PASSWORD: 'p' }).config;
  assert.equal([http.jaeger.endpoint, http.jaeger.user, http.jaeger.password], ['http://c:14268/api/traces', 'u', 'p']);
  assert.is(load({ OTEL_TRACES_EXPORTER: 'jaeger' }).config.jaeger.agentPort, 6832);
  const bad = load({ OTEL_TRACES_EXPORTER: 'jaeger', OTEL_EXPORTER_JAEGER_ENDPOINT: 'collector:14268' });
  assert.is(bad.config.jaeger.endpoint, undefined);
  assert.is(bad.warnings.length, 1);
});

test('JAEGER_SERVICE_NAME, JAEGER_TAGS and JAEGER_SAMPLER_* apply where no OTEL_* equivalent is set', () => {
  const { config } = load({ JAEGER_SERVICE_NAME: 'legacy', JAEGER_TAGS: 'team=a,region=eu', OTEL_RESOURCE_ATTRIBUTES: 'team=b', JAEGER_SAMPLER_TYPE: 'probabilistic', JAEGER_SAMPLER_PARAM: '0.1' });
  assert.is(config.service.name, 'legacy');
  assert.equal(config.service.resourceAttributes, { team: 'b', region: 'eu' });
  assert.equal(config.sampler, { name: 'parentbased_traceidratio', ratio: 0.1 });
  assert.is(load({ JAEGER_SERVICE_NAME: 'legacy', OTEL_SERVICE_NAME: 'new' }).config.service.name, 'new');
  assert.is(load({ JAEGER_SAMPLER_TYPE: 'const', JAEGER_SAMPLER_PARAM: '0' }).config.sampler.name, 'parentbased_always_off');
  assert.is(load({ JAEGER_SAMPLER_TYPE: 'const', OTEL_TRACES_SAMPLER: 'always_on' }).config.sampler.name, 'always_on');
  const remote = load({ JAEGER_SAMPLER_TYPE: 'remote' });
  assert.is(remote.config.sampler.name, 'parentbased_always_on');
  assert.is(remote.warnings.length, 1);
});

test('a batch larger than the queue is capped with a warning', () => {
  const { config, warnings } = load({ OTEL_BSP_MAX_QUEUE_SIZE: '10', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50' });
  assert.is(config.batch.maxExportBatchSize, 10);
  assert.is(warnings.length, 1);
});

test('exporter: console and none; several names keep the first with a warning', () => {
  assert.is(load({ OTEL_TRACES_EXPORTER: 'console' }).config.exporter, 'console');
  assert.is(load({ OTEL_TRACES_EXPORTER: 'none' }).config.exporter, 'none');
  const two = load({ OTEL_TRACES_EXPORTER: 'console,otlp' });
  assert.is(two.config.exporter, 'console');
  assert.is(two.warnings.length, 1);
});

// A delay over 2^31 - 1 ms fires after 1 ms in Node: exports would run constantly, or every export time out.
test('durations longer than a timer can wait are capped, with one warning naming the variable', () => {
  const max = 2 ** 31 - 1;
  const { config, warnings } = load({ OTEL_BSP_SCHEDULE_DELAY: String(2 ** 31), OTEL_BSP_EXPORT_TIMEOUT: '9999999999', OTEL_EXPORTER_OTLP_TIMEOUT: String(max) });
  assert.is(config.batch.scheduleDelayMs, max);
  assert.is(config.batch.exportTimeoutMs, max);
  assert.is(config.otlp.timeoutMs, max, 'the limit itself is allowed');
  assert.equal(warnings, [
    `OTEL_BSP_SCHEDULE_DELAY=${2 ** 31} is longer than Node's timers can wait (${max} ms, about 24.8 days); using ${max}`,
    `OTEL_BSP_EXPORT_TIMEOUT=9999999999 is longer than Node's timers can wait (${max} ms, about 24.8 days); using ${max}`,
  ]);
  assert.is(load({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: String(2 ** 40) }).config.otlp.timeoutMs, max);
});

// A warning is read by whoever reads the logs: endpoints without user, password or query, header pairs not repeated.
test('warnings never repeat a credential: endpoints as origin and path, malformed header pairs not shown', () => {
  const { warnings } = load({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:s3cret@collector.example/base?token=t0ken',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://user:s3cret@collector.example:4317/v1/traces?token=t0ken#frag',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization Bearer s3cret,x-ok=1',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'api-key%zz=s3cret',
    OTEL_TRACES_EXPORTER: 'jaeger',
    OTEL_EXPORTER_JAEGER_ENDPOINT: 'udp://admin:s3cret@jaeger.example:6832/x?token=t0ken',
  });
  assert.is(warnings.length, 5, warnings.join('\n'));
  for (const warning of warnings) {
    assert.not.match(warning, /s3cret|t0ken|user|admin|Bearer/, warning);
  }
  assert.ok(warnings.some((w) => w.startsWith('OTEL_EXPORTER_OTLP_ENDPOINT="ftp://collector.example/base" is not valid')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.startsWith('OTEL_EXPORTER_JAEGER_ENDPOINT="udp://jaeger.example:6832/x" is not valid')), warnings.join('\n'));
  assert.ok(warnings.includes('OTEL_EXPORTER_OTLP_HEADERS: ignoring a pair of 27 characters, not shown (it may hold a credential) (expected key=value)'), warnings.join('\n'));
  // Resource attributes are no secret: a malformed pair is shown, to be found and fixed.
  assert.equal(load({ OTEL_RESOURCE_ATTRIBUTES: 'team' }).warnings, ['OTEL_RESOURCE_ATTRIBUTES: ignoring "team" (expected key=value)']);
});

test.run();

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
  assert.equal(remote.warnings, []);
  assert.equal(remote.config.sampler, { name: 'parentbased_jaeger_remote', ratio: 1, remote: { endpoint: 'http://localhost:5778', pollingIntervalMs: 60000, initialSamplingRate: 0.001 } });
  const configured = load({ JAEGER_SAMPLER_TYPE: 'remote', JAEGER_SAMPLER_PARAM: '0.5', JAEGER_SAMPLER_MANAGER_HOST_PORT: 'jaeger-agent:5778', JAEGER_SAMPLER_REFRESH_INTERVAL: '2000' });
  assert.equal(configured.config.sampler.remote, { endpoint: 'http://jaeger-agent:5778', pollingIntervalMs: 2000, initialSamplingRate: 0.5 });
});

test('OTEL_TRACES_SAMPLER=jaeger_remote (and parentbased_jaeger_remote): OTEL_TRACES_SAMPLER_ARG as OpenTelemetry spells it; bad keys said, defaults kept', () => {
  for (const name of ['jaeger_remote', 'parentbased_jaeger_remote']) {
    const { config, warnings } = load({ OTEL_TRACES_SAMPLER: name });
    assert.equal(warnings, []);
    assert.equal(config.sampler, { name: 'parentbased_jaeger_remote', ratio: 1, remote: { endpoint: 'http://localhost:5778', pollingIntervalMs: 60000, initialSamplingRate: 0.001 } });
  }
  const given = load({ OTEL_TRACES_SAMPLER: 'jaeger_remote', OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://127.0.0.1:5778,pollingIntervalMs=5000,initialSamplingRate=0.25' });
  assert.equal(given.warnings, []);
  assert.equal(given.config.sampler.remote, { endpoint: 'http://127.0.0.1:5778', pollingIntervalMs: 5000, initialSamplingRate: 0.25 });
  const bad = load({ OTEL_TRACES_SAMPLER: 'jaeger_remote', OTEL_TRACES_SAMPLER_ARG: 'endpoint=localhost:5778,pollingIntervalMs=5,initialSamplingRate=2,rate=1' });
  assert.equal(bad.config.sampler.remote, { endpoint: 'http://localhost:5778', pollingIntervalMs: 60000, initialSamplingRate: 0.001 });
  assert.equal(bad.warnings, [
    'OTEL_TRACES_SAMPLER_ARG="rate=1" is not valid (jaeger_remote reads endpoint, pollingIntervalMs, initialSamplingRate); it is ignored',
    'OTEL_TRACES_SAMPLER_ARG="endpoint=localhost:5778" is not valid (expected an http:// or https:// URL); using http://localhost:5778',
    'OTEL_TRACES_SAMPLER_ARG="pollingIntervalMs=5" is not valid (expected milliseconds from 100 to a day); using 60000',
    'OTEL_TRACES_SAMPLER_ARG="initialSamplingRate=2" is not valid (expected a rate between 0 and 1); using 0.001',
  ]);
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

test('every HOPTRACE_* setting is read, in any case where it is a choice', () => {
  const { config, warnings } = load({
    OTEL_SDK_DISABLED: 'true',
    HOPTRACE_KAFKA_PRODUCER_SPANS: 'PER-CALL',
    HOPTRACE_KAFKA_CONSUMER_PARENT: 'link',
    HOPTRACE_HTTP_IGNORE_INCOMING_PATHS: '/health, /internal/*',
    HOPTRACE_HTTP_REDACT_QUERY_PARAMS: 'tenant',
    HOPTRACE_HTTP_REDACT_PATHS: '/a/{b}',
    HOPTRACE_HTTP_VIA: 'PATCHING',
    HOPTRACE_OTEL_INSTRUMENTATIONS: '@opentelemetry/instrumentation-ioredis, x',
    HOPTRACE_TRACER_PROVIDER: './p.js',
    OTEL_TRACES_EXPORTER: 'NONE',
    OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'HTTP,kafkajs',
    OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'kafkajs',
  });
  assert.equal(warnings, []);
  assert.is(config.disabled, true);
  assert.equal(config.kafka, { producerSpans: 'per-call', consumerParent: 'link' });
  assert.equal(config.http, { ignoreIncomingPaths: ['/health', '/internal/*'], redactQueryParams: ['tenant'], redactPaths: ['/a/{b}'], via: 'patching' });
  assert.is(load({}).config.http.via, 'channels');
  assert.equal(config.otelInstrumentations, ['@opentelemetry/instrumentation-ioredis', 'x']);
  assert.is(config.tracerProviderModule, './p.js');
  assert.is(config.exporter, 'none');
  assert.equal([...config.instrumentations], ['http']);
  assert.is(load({}).config.disabled, false);
  assert.equal(load({}).config.kafka, { producerSpans: 'per-message', consumerParent: 'child' });
});

test('HOPTRACE_LOGS_INJECTION: off by default; on, the loggers join the instrumentations, and the lists can leave any out', () => {
  assert.is(load({}).config.logsInjection, false);
  const on = load({ HOPTRACE_LOGS_INJECTION: 'TRUE' });
  assert.equal(on.warnings, []);
  assert.is(on.config.logsInjection, true);
  assert.equal([...on.config.instrumentations], ['http', 'express', 'fastify', 'koa', 'fetch', 'kafkajs', 'pino', 'winston', 'bunyan']);
  const withoutWinston = load({ HOPTRACE_LOGS_INJECTION: 'true', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'winston' }).config;
  assert.equal([...withoutWinston.instrumentations].slice(6), ['pino', 'bunyan']);
  assert.equal([...load({ HOPTRACE_LOGS_INJECTION: 'true', OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pino' }).config.instrumentations], ['http', 'pino']);
  // Naming a logger without the switch: said once, and nothing is stamped.
  const named = load({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pino,bunyan' });
  assert.equal([...named.config.instrumentations], ['http']);
  assert.equal(named.warnings, [
    'OTEL_NODE_ENABLED_INSTRUMENTATIONS names pino, bunyan, whose records hoptrace stamps with trace ids only with HOPTRACE_LOGS_INJECTION=true; they are left as they are',
  ]);
  assert.equal(load({ HOPTRACE_LOGS_INJECTION: 'yes' }).warnings, ['HOPTRACE_LOGS_INJECTION="yes" is not valid (expected true or false); using false']);
});

test('every refusal of an OTEL_* or HOPTRACE_* value: one warning naming it, what was expected and what is used', () => {
  const cases = [
    [{ HOPTRACE_KAFKA_PRODUCER_SPANS: 'batch' }, 'HOPTRACE_KAFKA_PRODUCER_SPANS="batch" is not valid (expected one of per-message, per-call); using "per-message"'],
    [{ HOPTRACE_KAFKA_CONSUMER_PARENT: 'parent' }, 'HOPTRACE_KAFKA_CONSUMER_PARENT="parent" is not valid (expected one of child, link); using "child"'],
    [{ HOPTRACE_HTTP_REDACT_PATHS: 'c/{d}' }, 'HOPTRACE_HTTP_REDACT_PATHS="c/{d}" is not valid (a pattern starts with /, as `/reset/{token}`); it is skipped'],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER="zipkin" is not valid (expected one of otlp, jaeger, console, none); using "otlp"'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not valid (hoptrace speaks http/protobuf or http/json); using "http/protobuf"'],
    [{ OTEL_PROPAGATORS: 'b3multi, xray' }, 'OTEL_PROPAGATORS="xray" is not valid (expected any of tracecontext, baggage, jaeger, b3, b3multi, none); it is skipped'],
    [{ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,mysql' }, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS="mysql" is not valid (hoptrace instruments http, express, fastify, koa, fetch, kafkajs, pino, winston, bunyan); it is skipped'],
    [{ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'redis' }, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS="redis" is not valid (hoptrace instruments http, express, fastify, koa, fetch, kafkajs, pino, winston, bunyan); it is skipped'],
    [{ OTEL_TRACES_EXPORTER: 'jaeger', JAEGER_AGENT_PORT: '70000' }, 'JAEGER_AGENT_PORT="70000" is not valid (expected a whole number from 1 to 65535); using 6832'],
    [{ OTEL_TRACES_EXPORTER: 'jaeger', JAEGER_ENDPOINT: 'udp://x:1' }, 'JAEGER_ENDPOINT="udp://x:1" is not valid (expected an http:// or https:// URL); sending over UDP instead'],
    [{ OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: __filename }, 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY go together: only one is usable, so neither is used'],
    [{ OTEL_LOG_LEVEL: 'loud' }, 'OTEL_LOG_LEVEL="loud" is not valid (expected one of none, error, warn, info, debug, verbose, all); using "warn"'],
    [
      { OTEL_TRACES_SAMPLER: 'sometimes' },
      'OTEL_TRACES_SAMPLER="sometimes" is not valid (expected one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio, jaeger_remote, parentbased_jaeger_remote); using "parentbased_always_on"',
    ],
  ];
  for (const [env, warning] of cases) assert.equal(load(env).warnings, [warning], JSON.stringify(env));
  assert.equal(load({ OTEL_PROPAGATORS: 'b3multi, xray, B3' }).config.injectPropagators, ['b3multi', 'b3']);
  assert.is(load({ OTEL_TRACES_EXPORTER: 'jaeger', JAEGER_AGENT_HOST: 'agent' }).config.jaeger.agentHost, 'agent');
  assert.is(load({ OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: __filename }).config.otlp.tls, undefined);
});

test('TLS files: read as text; the traces-specific variables first; a certificate and its key together', () => {
  const { config, warnings } = load({
    OTEL_EXPORTER_OTLP_CERTIFICATE: '/nonexistent/general.pem',
    OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: __filename,
    OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: __filename,
    OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: __filename,
  });
  assert.equal(warnings, []);
  const text = require('node:fs').readFileSync(__filename, 'utf8');
  assert.equal(config.otlp.tls, { ca: text, cert: text, key: text });
  assert.is(load({}).config.otlp.tls, undefined);
});

test('the configuration is frozen all the way down', () => {
  const { config } = load({ OTEL_EXPORTER_OTLP_HEADERS: 'a=b', HOPTRACE_HTTP_IGNORE_INCOMING_PATHS: '/x' });
  for (const part of [config, config.otlp, config.otlp.headers, config.http, config.http.ignoreIncomingPaths, config.batch, config.service, config.service.resourceAttributes, config.sampler, config.kafka, config.spanLimits]) {
    assert.ok(Object.isFrozen(part), JSON.stringify(part));
  }
});

test.run();

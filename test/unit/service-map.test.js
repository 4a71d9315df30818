'use strict';
// The service-map file (HOPTRACE_CONFIG_FILE, or the OpenTracing interceptors' INTERCEPTORS_CONFIG_FILE
// as is) and the attribution rules that put each span into one of its services.
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT_CONTEXT, context, propagation, trace } = require('@opentelemetry/api');
const { contextManager } = require('../../dist/agent/tracing/context-manager');
const { HoptracePropagator } = require('../../dist/agent/propagation/propagator');
const { loadConfig } = require('../../dist/agent/config/load-config');
const { ServiceMapResolver } = require('../../dist/agent/tracing/service-map-resolver');
const { UNSAMPLED_RESOURCE } = require('../../dist/agent/symbols');

// As every unit file that needs an active context registers them (uvu runs the files in one process).
context.setGlobalContextManager(contextManager.enable());
propagation.setGlobalPropagator(new HoptracePropagator(['tracecontext', 'jaeger']));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-service-map-'));
let files = 0;
function load(document, env = {}) {
  const file = path.join(dir, `map-${files++}.json`);
  fs.writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  const warnings = [];
  const config = loadConfig({ HOPTRACE_CONFIG_FILE: file, OTEL_SERVICE_NAME: 'process', ...env }, {}, (m) => warnings.push(m));
  return { config, warnings, file };
}

// The file of the talk this project grew from, unchanged.
const TALK_FILE = {
  services: [
    {
      service: 'CustomerService',
      config: { sampler: { type: 'const', param: 1 }, reporter: { logSpans: true, flushIntervalMs: 1000, maxQueueSize: 10 } },
      topics: ['Topic-1', 'Topic-2', 'Topic-3'],
    },
    { service: 'ProductService', config: { reporter: { logSpans: false, maxQueueSize: 100 } }, topics: ['Topic-4'] },
  ],
};

test("the talk's file as is: services, samplers, reporter settings mapped; nothing to warn about", () => {
  const { config, warnings } = load(TALK_FILE, { OTEL_BSP_SCHEDULE_DELAY: '5000' });
  assert.equal(warnings, []);
  const [customer, product] = config.services;
  assert.is(customer.service.name, 'CustomerService');
  assert.equal(customer.sampler, { name: 'parentbased_always_on', ratio: 1 });
  assert.is(customer.logSpans, true);
  assert.is(customer.batch.scheduleDelayMs, 1000);
  assert.is(customer.batch.maxQueueSize, 10);
  assert.is(customer.batch.maxExportBatchSize, 10);
  assert.equal(customer.owns.topics, ['Topic-1', 'Topic-2', 'Topic-3']);
  assert.is(product.batch.scheduleDelayMs, 5000, "unset: the process's");
  assert.is(product.batch.maxQueueSize, 100);
  assert.is(product.export.exporter, 'otlp', "no sender: the process's exporter");
});

test("the talk's samplers and senders: probabilistic, ratelimiting, remote (polled), UDP agent, HTTP endpoint, authToken (warned)", () => {
  const { config, warnings } = load({
    services: [
      { service: 'a', config: { sampler: { type: 'probabilistic', param: 0.25 }, reporter: { sender: { agentHost: '127.0.0.1', agentPort: 6832 } } } },
      { service: 'b', config: { sampler: { type: 'ratelimiting', param: 2 }, reporter: { sender: { endpoint: 'http://127.0.0.1:14268/api/traces', user: 'u', password: 'p' } } } },
      { service: 'c', config: { sampler: { type: 'remote' }, reporter: { sender: { endpoint: 'http://127.0.0.1:14268/api/traces', authToken: 'secret' } } } },
    ],
  });
  const [a, b, c] = config.services;
  assert.equal(a.sampler, { name: 'parentbased_traceidratio', ratio: 0.25 });
  assert.is(a.export.exporter, 'jaeger');
  assert.equal([a.export.jaeger.agentHost, a.export.jaeger.agentPort, a.export.jaeger.endpoint], ['127.0.0.1', 6832, undefined]);
  assert.equal(b.sampler, { name: 'parentbased_ratelimiting', ratio: 1, perSecond: 2 });
  assert.equal([b.export.jaeger.endpoint, b.export.jaeger.user, b.export.jaeger.password], ['http://127.0.0.1:14268/api/traces', 'u', 'p']);
  assert.equal(c.sampler, { name: 'parentbased_jaeger_remote', ratio: 1, remote: { endpoint: 'http://localhost:5778', pollingIntervalMs: 60000, initialSamplingRate: 0.001 } }, 'remote: polled from the agent port');
  assert.is(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /services\[2\]\.config\.reporter\.sender\.authToken: cannot be mapped/);
  assert.not.match(warnings.join(), /secret/, 'the token itself is never printed');
});

test("hoptrace's own format: resource, sampler, exporter, batch, and everything a service can own", () => {
  const { config, warnings } = load({
    services: [
      {
        name: 'orders',
        version: '2.1.0',
        resourceAttributes: { 'deployment.environment': 'test' },
        sampler: { name: 'traceidratio', ratio: 0 },
        exporter: { type: 'otlp', endpoint: 'http://127.0.0.1:4318', headers: { 'x-key': 'k' } },
        batch: { scheduleDelayMs: 100 },
        topics: ['orders', '/^orders\\..+$/'],
        clientIds: ['orders-client'],
        groupIds: ['orders-workers'],
        ports: [8080, 8081],
      },
    ],
  }, { OTEL_RESOURCE_ATTRIBUTES: 'team=t' });
  assert.equal(warnings, []);
  const [orders] = config.services;
  assert.equal(orders.service, { name: 'orders', version: '2.1.0', resourceAttributes: { team: 't', 'deployment.environment': 'test' } });
  assert.equal(orders.sampler, { name: 'traceidratio', ratio: 0 });
  assert.is(orders.export.otlp.endpoint, 'http://127.0.0.1:4318/v1/traces');
  assert.equal(orders.export.otlp.headers, { 'x-key': 'k' });
  assert.is(orders.batch.scheduleDelayMs, 100);
  assert.equal(orders.owns, { topics: ['orders'], topicPatterns: ['^orders\\..+$'], clientIds: ['orders-client'], groupIds: ['orders-workers'], ports: [8080, 8081] });
});

test('a malformed file: one warning naming the file and the line and column; the app runs as one service', () => {
  const { config, warnings, file } = load('{\n  "services": [\n    { "service": "a", }\n  ]\n}');
  assert.equal(config.services, []);
  assert.is(warnings.length, 1);
  assert.ok(warnings[0].startsWith(`HOPTRACE_CONFIG_FILE ${file}: line 3 column`), warnings[0]);
  assert.match(warnings[0], /is not valid JSON .*; one service for the whole process/);
});

test('a file that is missing, or has no services list: one warning each', () => {
  const missing = loadConfig({ HOPTRACE_CONFIG_FILE: path.join(dir, 'nope.json') }, {}, () => {});
  assert.equal(missing.services, []);
  const warnings = [];
  loadConfig({ HOPTRACE_CONFIG_FILE: path.join(dir, 'nope.json') }, {}, (m) => warnings.push(m));
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /cannot be read \(ENOENT\); one service for the whole process/);
  const { warnings: noList } = load({ service: 'x' });
  assert.equal(noList.length, 1);
  assert.match(noList[0], /has no "services" list/);
});

test('unknown keys, bad values, a topic claimed twice: one warning each, naming the place and what is used instead', () => {
  const { config, warnings } = load({
    services: [
      { service: 'a', topics: ['shared', 'only-a', '/[/'], colour: 'blue', ports: ['http'] },
      { name: 'b', topics: ['shared'], sampler: { name: 'sometimes' }, exporter: { type: 'zipkin' }, config: { reporter: { sender: 42 }, tags: {} } },
      { topics: ['nameless'] },
    ],
    extra: true,
  });
  const expected = [
    /extra: is not a known key; it is ignored/,
    /services\[0\]\.colour: is not a known key; it is ignored/,
    /services\[0\]\.ports\[0\]: "http" is not a port; it is skipped/,
    /services\[0\]\.topics\[2\]: \/\[\/ is not a valid regular expression .*; it is skipped/,
    /services\[1\]\.config\.tags: cannot be mapped to hoptrace; it is ignored/,
    /services\[1\]\.config\.reporter\.sender: is not an object; the exporter stays as it was/,
    /services\[1\]\.sampler\.name: "sometimes" is not one of .*; using parentbased_always_on/,
    /services\[1\]\.exporter: needs a "type", one of otlp, jaeger, console, none; the process's exporter is used/,
    /services\[1\]\.topics\[0\]: "shared" is already owned by a; it stays with that service/,
    /services\[2\]: has no service name .*; it is skipped/,
  ];
  assert.is(warnings.length, expected.length, warnings.join('\n'));
  for (const pattern of expected) assert.ok(warnings.some((w) => pattern.test(w)), `${pattern} among\n${warnings.join('\n')}`);
  assert.equal(config.services.map((s) => [s.service.name, s.owns.topics]), [['a', ['shared', 'only-a']], ['b', []]]);
});

test('HOPTRACE_CONFIG_FILE wins over INTERCEPTORS_CONFIG_FILE, which is read when it is the only one', () => {
  const { file } = load(TALK_FILE);
  const alone = loadConfig({ INTERCEPTORS_CONFIG_FILE: file }, {}, () => {});
  assert.is(alone.services.length, 2);
  const warnings = [];
  const both = loadConfig({ INTERCEPTORS_CONFIG_FILE: path.join(dir, 'other.json'), HOPTRACE_CONFIG_FILE: file }, {}, (m) => warnings.push(m));
  assert.is(both.services.length, 2);
  assert.equal(warnings, ['INTERCEPTORS_CONFIG_FILE is ignored: HOPTRACE_CONFIG_FILE is set too, and wins']);
});

// Attribution: services stand in as objects with a resource and a tracer that records who was asked.
function fakeService(name, owns) {
  const resource = { name };
  return { name, resource, owns, tracer: () => ({ service: name }) };
}
const fallback = fakeService('default');
const orders = fakeService('orders', { topics: ['orders'], topicPatterns: ['^orders\\.'], clientIds: ['c-orders'], groupIds: ['g-orders'], ports: [8080] });
const billing = fakeService('billing', { topics: ['invoices'], topicPatterns: ['^orders\\.billing'], clientIds: ['c-billing'], groupIds: ['g-billing'], ports: [9090] });
const resolver = new ServiceMapResolver(fallback, [orders, billing]);
const serviceFor = (hint, ctx = ROOT_CONTEXT) => context.with(ctx, () => resolver.tracerFor('scope', hint).service);

test('attribution: a Kafka span by its topic (exact, then patterns in file order), else client id, else group id', () => {
  assert.is(serviceFor({ kafkaTopic: 'invoices', kafkaClientId: 'c-orders' }), 'billing');
  assert.is(serviceFor({ kafkaTopic: 'orders.billing.v1' }), 'orders', 'the first pattern that matches');
  assert.is(serviceFor({ kafkaTopic: 'unowned', kafkaClientId: 'c-billing', kafkaGroupId: 'g-orders' }), 'billing');
  assert.is(serviceFor({ kafkaTopic: 'unowned', kafkaClientId: 'other', kafkaGroupId: 'g-orders' }), 'orders');
  assert.is(serviceFor({ kafkaTopic: 'unowned' }), 'default');
});

test('attribution: an HTTP server span by its port; any other span by the span active when it starts, sampled or not', () => {
  assert.is(serviceFor({ serverPort: 9090 }), 'billing');
  assert.is(serviceFor({ serverPort: 1234 }), 'default');
  const ordersSpan = Object.assign(trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 }), { resource: orders.resource });
  assert.is(serviceFor(undefined, trace.setSpan(ROOT_CONTEXT, ordersSpan)), 'orders');
  assert.is(serviceFor({ kafkaTopic: 'unowned' }, trace.setSpan(ROOT_CONTEXT, ordersSpan)), 'orders', 'a send of a topic nobody owns, while processing');
  assert.is(serviceFor({ kafkaTopic: 'invoices' }, trace.setSpan(ROOT_CONTEXT, ordersSpan)), 'billing', 'an owned topic wins over the active span');
  const unsampled = trace.wrapSpanContext({ traceId: '2'.repeat(32), spanId: '2'.repeat(16), traceFlags: 0 });
  unsampled[UNSAMPLED_RESOURCE] = billing.resource;
  assert.is(serviceFor(undefined, trace.setSpan(ROOT_CONTEXT, unsampled)), 'billing');
  const foreign = trace.wrapSpanContext({ traceId: '3'.repeat(32), spanId: '3'.repeat(16), traceFlags: 1 });
  assert.is(serviceFor(undefined, trace.setSpan(ROOT_CONTEXT, foreign)), 'default', 'a span of no service of ours');
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
test('a service entry whose delays are longer than a timer can wait: capped, said once per setting', () => {
  const max = 2 ** 31 - 1;
  const { config, warnings } = load({
    services: [
      { service: 'a', config: { reporter: { flushIntervalMs: 2 ** 31 } } },
      { service: 'b', exporter: { type: 'otlp', timeoutMs: 1e12 }, batch: { scheduleDelayMs: 1e15 } },
    ],
  });
  const [a, b] = config.services;
  assert.is(a.batch.scheduleDelayMs, max);
  assert.is(b.batch.scheduleDelayMs, max);
  assert.is(b.export.otlp.timeoutMs, max);
  assert.is(warnings.filter((w) => w.includes(`longer than Node's timers can wait (${max} ms`)).length, 3, warnings.join('\n'));
});

test('a service entry with invalid credentials or endpoints: warned without repeating them', () => {
  const { warnings } = load({
    services: [
      { service: 'a', exporter: { type: 'otlp', endpoint: 'ftp://u:s3cret@collector.example/y?token=t0ken', headers: { authorization: { bearer: 's3cret' } } } },
      { service: 'b', exporter: { type: 'jaeger', password: ['s3cret'], user: { name: 's3cret' }, endpoint: 'udp://u:s3cret@jaeger.example/z?token=t0ken' } },
    ],
  });
  assert.is(warnings.length, 5, warnings.join('\n'));
  for (const warning of warnings) assert.not.match(warning, /s3cret|t0ken/, warning);
  assert.ok(warnings.some((w) => w.includes('"ftp://collector.example/y" is not a valid value for it')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('a value of type object (not shown) is not a string')), warnings.join('\n'));
});

test("credentials go only where the process sends: another collector gets the process's OTLP headers and Jaeger login only when its entry asks", () => {
  const env = {
    OTEL_TRACES_EXPORTER: 'jaeger', // the process's Jaeger settings are read only for its own exporter
    OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318',
    OTEL_EXPORTER_OTLP_HEADERS: 'api-key=process-key',
    OTEL_EXPORTER_JAEGER_ENDPOINT: 'https://jaeger.example/api/traces',
    OTEL_EXPORTER_JAEGER_USER: 'process-user',
    OTEL_EXPORTER_JAEGER_PASSWORD: 'process-password',
  };
  const { config, warnings } = load(
    {
      services: [
        { service: 'elsewhere', exporter: { type: 'otlp', endpoint: 'https://attacker.example:4318', headers: { 'x-own': '1' } } },
        { service: 'same-collector', exporter: { type: 'otlp', endpoint: 'https://collector.example:4318/v1/traces', headers: { 'x-own': '1' } } },
        { service: 'asked', exporter: { type: 'otlp', endpoint: 'https://second.example:4318', inheritCredentials: true } },
        { service: 'path-only', exporter: { type: 'otlp', protocol: 'http/json' } },
        { service: 'jaeger-elsewhere', exporter: { type: 'jaeger', endpoint: 'https://attacker.example/api/traces' } },
        { service: 'jaeger-own-login', exporter: { type: 'jaeger', endpoint: 'https://attacker.example/api/traces', user: 'own' } },
        { service: 'jaeger-same', exporter: { type: 'jaeger', endpoint: 'https://jaeger.example/api/traces' } },
        { service: 'jaeger-asked', exporter: { type: 'jaeger', endpoint: 'https://other.example/api/traces', inheritCredentials: true } },
      ],
    },
    env,
  );
  assert.equal(warnings, []);
  const byName = Object.fromEntries(config.services.map((s) => [s.service.name, s.export]));
  assert.equal(byName.elsewhere.otlp.headers, { 'x-own': '1' });
  assert.equal(byName['same-collector'].otlp.headers, { 'api-key': 'process-key', 'x-own': '1' });
  assert.equal(byName.asked.otlp.headers, { 'api-key': 'process-key' });
  assert.equal(byName['path-only'].otlp.headers, { 'api-key': 'process-key' });
  assert.equal([byName['jaeger-elsewhere'].jaeger.user, byName['jaeger-elsewhere'].jaeger.password], [undefined, undefined]);
  assert.equal([byName['jaeger-own-login'].jaeger.user, byName['jaeger-own-login'].jaeger.password], ['own', undefined]);
  assert.equal([byName['jaeger-same'].jaeger.user, byName['jaeger-same'].jaeger.password], ['process-user', 'process-password']);
  assert.equal([byName['jaeger-asked'].jaeger.user, byName['jaeger-asked'].jaeger.password], ['process-user', 'process-password']);
});

// Every way an entry can be wrong, each said once with where it is, what is wrong and what is used
// instead; what is right in the same entry is kept.
const REFUSALS = [
  [[1, 2], ['has no "services" list; one service for the whole process']],
  [{ services: {} }, ['has no "services" list; one service for the whole process']],
  [{ services: [3, { service: 'ok' }] }, ['services[0]: is not an object; it is skipped']],
  [{ services: [{ topics: ['a'] }] }, ['services[0]: has no service name ("name", or "service" as the interceptors wrote it); it is skipped']],
  [{ services: [{ service: 'a', colour: 'blue' }] }, ['services[0].colour: is not a known key; it is ignored']],
  [
    { services: [{ service: 'a', topics: 'x' }, { service: 'b', topics: ['', 3, 'ok', '/re[/'] }] },
    [
      'services[0].topics: is not a list; it is ignored',
      'services[1].topics[0]: "" is not a name; it is skipped',
      'services[1].topics[1]: 3 is not a name; it is skipped',
      'services[1].topics[3]: /re[/ is not a valid regular expression (Invalid regular expression: /re[/: Unterminated character class); it is skipped',
    ],
  ],
  [
    { services: [{ service: 'a', ports: [0, 65536, 1.5, '80', 8080] }, { service: 'b', ports: 8080 }] },
    [
      'services[0].ports[0]: 0 is not a port; it is skipped',
      'services[0].ports[1]: 65536 is not a port; it is skipped',
      'services[0].ports[2]: 1.5 is not a port; it is skipped',
      'services[0].ports[3]: "80" is not a port; it is skipped',
      'services[1].ports: is not a list; it is ignored',
    ],
  ],
  [{ services: [{ service: 'a', topics: ['t'] }, { service: 'b', topics: ['t'] }] }, ['services[1].topics[0]: "t" is already owned by a; it stays with that service']],
  [
    { services: [{ service: 'a', sampler: 'x' }, { service: 'b', sampler: { name: 'nope' } }, { service: 'c', sampler: { name: 'traceidratio', ratio: 2 } }] },
    [
      'services[0].sampler: is not an object; using parentbased_always_on',
      'services[1].sampler.name: "nope" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio; using parentbased_always_on',
      'services[2].sampler.ratio: 2 is not a number from 0 to 1; using 1',
    ],
  ],
  [
    { services: [{ service: 'a', exporter: 'otlp' }, { service: 'b', exporter: { type: 'zipkin' } }, { service: 'c', exporter: { type: 'console', endpoint: 'x' } }, { service: 'd', exporter: { type: 'otlp', endpoint: 'grpc://x', protocol: 'grpc', timeoutMs: 0, headers: 5 } }] },
    [
      'services[0].exporter: needs a "type", one of otlp, jaeger, console, none; the process\'s exporter is used',
      'services[1].exporter: needs a "type", one of otlp, jaeger, console, none; the process\'s exporter is used',
      'services[2].exporter.endpoint: is not a setting of the console exporter; it is ignored',
      'services[3].exporter.endpoint: "grpc://x" is not a valid value for it; it is ignored',
      'services[3].exporter.protocol: "grpc" is not one of http/protobuf, http/json; using "http/protobuf"',
      'services[3].exporter.timeoutMs: 0 is not a whole number from 1; using 10000',
      'services[3].exporter.headers: is not an object of strings; it is ignored',
    ],
  ],
  [
    { services: [{ service: 'a', exporter: { type: 'jaeger', agentPort: 'x', authToken: 't', agentHost: 5 } }] },
    [
      'services[0].exporter.agentPort: "x" is not a whole number from 1 to 65535; using 6832',
      "services[0].exporter.authToken: cannot be mapped (hoptrace's Jaeger HTTP sender authenticates with user and password only); it is ignored",
      'services[0].exporter.agentHost: 5 is not a valid value for it; it is ignored',
    ],
  ],
  [
    { services: [{ service: 'a', batch: 5 }, { service: 'b', batch: { maxQueueSize: 0, maxExportBatchSize: 'x', scheduleDelayMs: -1, other: 1 } }] },
    [
      "services[0].batch: is not an object; the process's batch settings are used",
      'services[1].batch.maxQueueSize: 0 is not a whole number from 1; using 2048',
      'services[1].batch.maxExportBatchSize: "x" is not a whole number from 1; using 512',
      'services[1].batch.scheduleDelayMs: -1 is not a whole number from 0; using 5000',
      'services[1].batch.other: is not a known key; it is ignored',
    ],
  ],
  [
    { services: [{ service: 'a', config: 5 }, { service: 'b', config: { sampler: 3, reporter: 4, extra: 1 } }, { service: 'c', config: { reporter: { logSpans: 'yes', flushIntervalMs: 'x', maxQueueSize: 0, sender: 3 } } }] },
    [
      "services[0].config: is not an object; the process's settings are used",
      'services[1].config.extra: cannot be mapped to hoptrace; it is ignored',
      'services[1].config.sampler: is not an object; using parentbased_always_on',
      'services[1].config.reporter: is not an object; it is ignored',
      'services[2].config.reporter.logSpans: "yes" is not true or false; using false',
      'services[2].config.reporter.flushIntervalMs: "x" is not a whole number from 0; using 5000',
      'services[2].config.reporter.maxQueueSize: 0 is not a whole number from 1; using 2048',
      'services[2].config.reporter.sender: is not an object; the exporter stays as it was',
    ],
  ],
  [
    { services: [{ service: 'a', version: 3, resourceAttributes: { team: 'x', bad: {} }, logSpans: 'no', clientIds: ['c1', 4], groupIds: 'g' }] },
    [
      'services[0].logSpans: "no" is not true or false; using false',
      'services[0].version: 3 is not a string; it is ignored',
      'services[0].resourceAttributes.bad: {} is not a string; it is skipped',
      'services[0].clientIds[1]: 4 is not a name; it is skipped',
      'services[0].groupIds: is not a list; it is ignored',
    ],
  ],
  ['{ "services": [ { "service": "a", } ] }', ['line 1 column 35: is not valid JSON (Expected double-quoted property name in JSON at position 34); one service for the whole process']],
];

test('every refusal in a service-map file: one warning each, naming the place, the problem and what is used instead', () => {
  for (const [document, expected] of REFUSALS) {
    const { warnings, file } = load(document);
    const shown = warnings.map((w) => w.replace(`HOPTRACE_CONFIG_FILE ${file}: `, ''));
    // Node's JSON messages differ between majors: the place and the outcome are what this checks.
    if (typeof document === 'string') assert.match(shown[0], /^line 1 column 35: is not valid JSON \(.*\); one service for the whole process$/);
    else assert.equal(shown, expected, JSON.stringify(document));
  }
});

test('what is right beside what is wrong is kept: valid ports, topics and ids, capped batches, jaeger-client samplers', () => {
  const { config } = load({
    services: [
      { service: 'a', ports: [0, 8080], topics: ['', 'orders', '/pay.*/'], clientIds: ['c1', 4], resourceAttributes: { team: 'x', bad: {}, n: 3, ok: true } },
      { service: 'b', batch: { maxQueueSize: 10, maxExportBatchSize: 50 }, sampler: { type: 'probabilistic', param: 0.5 } },
      { service: 'c', exporter: { type: 'jaeger', endpoint: 'http://j:14268/api/traces', agentHost: 'agent', agentPort: 6831 } },
    ],
  });
  const [a, b, c] = config.services;
  assert.equal(a.owns.ports, [8080]);
  assert.equal(a.owns.topics, ['orders']);
  assert.equal(a.owns.topicPatterns, ['pay.*']);
  assert.equal(a.owns.clientIds, ['c1']);
  assert.equal({ team: a.service.resourceAttributes.team, n: a.service.resourceAttributes.n, ok: a.service.resourceAttributes.ok }, { team: 'x', n: '3', ok: 'true' });
  assert.is(a.service.resourceAttributes.bad, undefined);
  assert.equal([b.batch.maxQueueSize, b.batch.maxExportBatchSize], [10, 10]);
  assert.equal(b.sampler, { name: 'parentbased_traceidratio', ratio: 0.5 });
  assert.equal([c.export.exporter, c.export.jaeger.endpoint, c.export.jaeger.agentHost, c.export.jaeger.agentPort], ['jaeger', 'http://j:14268/api/traces', 'agent', 6831]);
});

test.run();

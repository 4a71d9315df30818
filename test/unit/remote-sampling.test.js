'use strict';
// Jaeger remote sampling (agent/tracing/remote-sampling/): strategies read as Jaeger v2 and older
// agents write them, each decided as Jaeger's Go and Java clients decide it, and the sampler that
// polls a (local, real HTTP) sampling endpoint: initial rate, switches, Jaeger lost, parent first.
const { test } = require('uvu');
const assert = require('uvu/assert');
const http = require('node:http');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ROOT_CONTEXT, trace, SpanKind } = require('@opentelemetry/api');
const { parseStrategy } = require('../../dist/agent/tracing/remote-sampling/strategy');
const { Probabilistic, RateLimiting, PerOperation } = require('../../dist/agent/tracing/remote-sampling/deciders');
const { RemoteSampler, samplingUrl } = require('../../dist/agent/tracing/remote-sampling/remote-sampler');
const { setLogLevel } = require('../../dist/agent/log');
const { stderrOf } = require('../support/stderr');

const PROBABILISTIC_HALF = { strategyType: 0, probabilisticSampling: { samplingRate: 0.5 } };

test('strategies: strategyType as a number (Jaeger v2) or a name (older agents); per-operation wins; anything unusable refused', () => {
  assert.equal(parseStrategy(JSON.stringify(PROBABILISTIC_HALF)), { type: 'probabilistic', rate: 0.5 });
  assert.equal(parseStrategy('{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":1}}'), { type: 'probabilistic', rate: 1 });
  assert.equal(parseStrategy('{"strategyType":1,"rateLimitingSampling":{"maxTracesPerSecond":2}}'), { type: 'ratelimiting', perSecond: 2 });
  assert.equal(parseStrategy('{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":0.5}}'), { type: 'ratelimiting', perSecond: 0.5 });
  const perOperation = parseStrategy(
    JSON.stringify({
      strategyType: 0,
      probabilisticSampling: { samplingRate: 0.5 },
      operationSampling: { defaultSamplingProbability: 0.1, defaultLowerBoundTracesPerSecond: 2, perOperationStrategies: [{ operation: 'POST', probabilisticSampling: { samplingRate: 1 } }] },
    }),
  );
  assert.is(perOperation.type, 'peroperation');
  assert.equal(perOperation.operations.defaultRate, 0.1);
  assert.equal(perOperation.operations.defaultLowerBoundPerSecond, 2);
  assert.equal([...perOperation.operations.perOperation], [['POST', 1]]);
  for (const bad of ['nope', '[]', '{"strategyType":2}', '{"strategyType":0,"probabilisticSampling":{"samplingRate":1.5}}', '{"strategyType":1,"rateLimitingSampling":{"maxTracesPerSecond":-1}}', '{"operationSampling":{"perOperationStrategies":[]}}']) {
    assert.ok('refused' in parseStrategy(bad), bad);
  }
});

test('probabilistic: the trace id decides (its low 63 bits below rate × 2^63), as in Jaeger Go and Java', () => {
  const half = new Probabilistic(0.5);
  assert.is(half.sampled('00000000000000003fffffffffffffff'), true);
  assert.is(half.sampled('00000000000000004000000000000000'), false);
  assert.is(half.sampled('ffffffffffffffff8000000000000000'), true, 'the top bit of the low 64 is not counted');
  assert.is(new Probabilistic(0).sampled('00000000000000000000000000000001'), false);
  assert.is(new Probabilistic(1).sampled('ffffffffffffffffffffffffffffffff'), true);
});

test('rate limiting: max(rate, 1) traces at once, then as the clock refills', () => {
  const twoPerSecond = new RateLimiting(2);
  assert.equal([1, 2, 3].map(() => twoPerSecond.sampled()), [true, true, false]);
  const halfPerSecond = new RateLimiting(0.5);
  assert.equal([1, 2].map(() => halfPerSecond.sampled()), [true, false]);
});

test("per operation: each operation's rate, the defaults for the others, a lower bound of one now and then", () => {
  const decider = new PerOperation({ defaultRate: 0, defaultLowerBoundPerSecond: 1, perOperation: new Map([['POST', 1]]) });
  const id = '0000000000000000ffffffffffffffff';
  assert.equal([1, 2, 3].map(() => decider.sampled(id, 'POST')), [true, true, true]);
  assert.equal([1, 2, 3].map(() => decider.sampled(id, 'GET')), [true, false, false], 'the lower bound lets one through, then waits a second');
  assert.equal(decider.sampled(id, 'process orders'), true, 'each operation has its own lower bound');
});

test('the sampling URL: /sampling?service=<name> added, unless the endpoint ends in /sampling', () => {
  assert.is(samplingUrl('http://127.0.0.1:5778', 'orders api').href, 'http://127.0.0.1:5778/sampling?service=orders+api');
  assert.is(samplingUrl('http://jaeger/agent/sampling', 'x').href, 'http://jaeger/agent/sampling?service=x');
});

/** A sampling endpoint whose answer the test sets; `answer` undefined: 503. Counts the questions per service. */
async function endpoint() {
  const state = { answer: undefined, asked: [] };
  const server = http.createServer((req, res) => {
    state.asked.push(new URL(req.url, 'http://x').searchParams.get('service'));
    if (state.answer === undefined) return res.writeHead(503).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(state.answer));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { state, server, url: `http://127.0.0.1:${server.address().port}` };
}

const decide = (sampler, traceId = '0000000000000000ffffffffffffffff', context = ROOT_CONTEXT) =>
  sampler.shouldSample(context, traceId, 'GET', SpanKind.SERVER, {}, []).decision;
const until = async (check) => {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'in time');
};

test('the sampler: initial rate before an answer; each strategy Jaeger gives, in turn; Jaeger lost: the last kept, said once; parent first', async () => {
  const { state, server, url } = await endpoint();
  setLogLevel('info');
  try {
    const lines = [];
    let sampler;
    lines.push(...stderrOf(() => (sampler = new RemoteSampler('orders', { endpoint: url, pollingIntervalMs: 100, initialSamplingRate: 1 }))));
    assert.is(decide(sampler), 2, 'the initial rate (1) before any answer: sampled');
    state.answer = { strategyType: 0, probabilisticSampling: { samplingRate: 0 } };
    const capture = () => {
      const original = process.stderr.write;
      process.stderr.write = (chunk) => (lines.push(String(chunk).trim()), true);
      return () => (process.stderr.write = original);
    };
    const restore = capture();
    try {
      await until(() => decide(sampler) === 0);
      assert.ok(state.asked.every((service) => service === 'orders'));
      state.answer = { strategyType: 1, rateLimitingSampling: { maxTracesPerSecond: 1 } };
      await until(() => sampler.toString().includes('rate limiting 1/s'));
      assert.equal([decide(sampler), decide(sampler)], [2, 0], 'one a second');
      const sampledParent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
      assert.is(decide(sampler, undefined, sampledParent), 2, 'a sampled parent is followed whatever the strategy');
      state.answer = undefined; // Jaeger answers 503 from now on
      const asked = state.asked.length;
      await until(() => state.asked.length >= asked + 2);
      assert.match(sampler.toString(), 'rate limiting 1/s', 'the last strategy stays');
      state.answer = { strategyType: 0, probabilisticSampling: { samplingRate: 1 } };
      await until(() => decide(sampler) === 2 && sampler.toString().includes('probabilistic 1'));
    } finally {
      restore();
      sampler.shutdown();
    }
    const said = lines.filter((l) => l.startsWith('hoptrace:'));
    assert.equal(said.filter((l) => l.includes('gave no strategy')).length, 1, `Jaeger lost is said once: ${said.join('\n')}`);
    assert.match(said.find((l) => l.includes('gave no strategy')), 'gave no strategy (HTTP 503); keeping rate limiting 1/s');
    assert.ok(said.some((l) => l.includes('answers again')), said.join('\n'));
    assert.ok(said.some((l) => l.endsWith('remote sampling for orders: probabilistic 0')), said.join('\n'));
  } finally {
    setLogLevel('warn');
    server.close();
  }
});

test("a service-map file's services each ask for their own strategy (jaeger-client's remote sampler settings)", async () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const { loadConfig } = require('../../dist/agent/config/load-config');
  const { ServiceBuilder } = require('../../dist/agent/tracing/services');
  const { state, server, url } = await endpoint();
  state.answer = PROBABILISTIC_HALF;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-remote-')), 'services.json');
  const hostPort = url.slice('http://'.length);
  fs.writeFileSync(
    file,
    JSON.stringify({
      services: [
        { service: 'CustomerService', config: { sampler: { type: 'remote', param: 0, hostPort, refreshIntervalMs: 100 } }, topics: ['a'] },
        { name: 'billing', sampler: { type: 'remote', host: '127.0.0.1', port: Number(hostPort.split(':')[1]), refreshIntervalMs: 100 }, topics: ['b'] },
      ],
    }),
  );
  const warnings = [];
  const config = loadConfig({ HOPTRACE_CONFIG_FILE: file, OTEL_TRACES_EXPORTER: 'none' }, {}, (m) => warnings.push(m));
  assert.equal(warnings, []);
  const builder = new ServiceBuilder();
  const services = config.services.map((definition) => builder.build(definition));
  try {
    await until(() => state.asked.includes('CustomerService') && state.asked.includes('billing'));
    await until(() => services.every((s) => s.sampler.toString().includes('probabilistic 0.5')));
  } finally {
    for (const service of services) service.sampler.shutdown();
    server.close();
  }
});

test('polling never keeps a process alive, even with Jaeger unreachable', () => {
  const script = `const { RemoteSampler } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/agent/tracing/remote-sampling/remote-sampler'))});
new RemoteSampler('x', { endpoint: 'http://10.255.255.1:5778', pollingIntervalMs: 100, initialSamplingRate: 0.5 });
new RemoteSampler('y', { endpoint: 'http://127.0.0.1:9', pollingIntervalMs: 100, initialSamplingRate: 0.5 });`;
  const started = Date.now();
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10000 });
  assert.is(result.status, 0, result.stderr);
  assert.ok(Date.now() - started < 3000, `exited in ${Date.now() - started} ms`);
});

test.run();

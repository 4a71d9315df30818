'use strict';
// Jaeger remote sampling against the real Jaeger: its remote_sampling extension serves the
// strategies file `npm run jaeger:start` writes (test/infra/jaeger/config.yaml, re-read every
// second); this test rewrites it while a traced app runs, and counts the spans the app exports for
// each strategy type and across the switches between them. The file is put back at the end.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { getJson, requireJaeger } = require('../support/jaeger');
const { startHttpService } = require('../support/services');
const { startReceiver } = require('../support/otlp-receiver');
const { get } = require('../support/http');

const STRATEGIES = path.join(process.env.HOPTRACE_CACHE || path.join(os.homedir(), '.cache/hoptrace'), 'jaeger/sampling-strategies.json');
const SAMPLING_URL = `http://127.0.0.1:${process.env.JAEGER_SAMPLING_HTTP_PORT || 5778}`;
const SERVICE = `sampled-${Date.now()}`;
const EVERYTHING = '{"default_strategy": {"type": "probabilistic", "param": 1}}';

let original;
let receiver;
let app;

const switchesSaid = () => app.output().stderr.split('\n').filter((l) => l.startsWith(`hoptrace: remote sampling for ${SERVICE}: `));

/**
 * Writes this service's strategy into the file, waits until Jaeger serves it (it re-reads the file
 * every second), then until the app says it took it (`described`, at the info log level).
 */
async function serve(strategy, isServed, described) {
  const saidBefore = switchesSaid().length;
  fs.writeFileSync(STRATEGIES, JSON.stringify({ default_strategy: { type: 'probabilistic', param: 1 }, service_strategies: [{ service: SERVICE, ...strategy }] }));
  const deadline = Date.now() + 15000;
  for (;;) {
    const answer = await getJson(`${SAMPLING_URL}/sampling?service=${SERVICE}`).catch(() => undefined);
    if (answer && isServed(answer)) break;
    if (Date.now() > deadline) throw new Error(`Jaeger at ${SAMPLING_URL} does not serve ${STRATEGIES} (last answer ${JSON.stringify(answer)}): it must be the Jaeger \`npm run jaeger:start\` starts`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // The app asks every 200 ms.
  for (const until = Date.now() + 15000; ; ) {
    if (switchesSaid().slice(saidBefore).some((l) => l.includes(`: ${described}`))) return;
    if (Date.now() > until) throw new Error(`the app did not take "${described}"; it said: ${switchesSaid().join(' | ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends the requests and returns how many SERVER spans the app exported for them. */
async function serverSpansFor(requests) {
  const before = receiver.spans.filter((s) => s.kind === 'SERVER').length;
  for (const [method, path] of requests) await get(app.port, path, {}, method);
  await new Promise((r) => setTimeout(r, 700)); // exported every 50 ms
  return receiver.spans.filter((s) => s.kind === 'SERVER').length - before;
}
const times = (n, request) => Array.from({ length: n }, () => request);

before(test, async () => {
  await requireJaeger();
  original = fs.existsSync(STRATEGIES) ? fs.readFileSync(STRATEGIES, 'utf8') : EVERYTHING;
  receiver = await startReceiver();
  app = await startHttpService(SERVICE, receiver, {
    OTEL_TRACES_SAMPLER: 'jaeger_remote',
    OTEL_TRACES_SAMPLER_ARG: `endpoint=${SAMPLING_URL},pollingIntervalMs=200,initialSamplingRate=0`,
    HOPTRACE_LOG_LEVEL: 'info',
  });
});

test.after(async () => {
  if (original !== undefined) fs.writeFileSync(STRATEGIES, original);
  if (app) await app.stop();
  if (receiver) await receiver.close();
});

const counts = {};

test('probabilistic 0, then 1: none of 20 requests traced, then all 20', async () => {
  await serve({ type: 'probabilistic', param: 0 }, (a) => a.probabilisticSampling?.samplingRate === 0 && !a.operationSampling, 'probabilistic 0');
  counts['probabilistic 0'] = await serverSpansFor(times(20, ['GET', '/status/200']));
  assert.is(counts['probabilistic 0'], 0);
  await serve({ type: 'probabilistic', param: 1 }, (a) => a.probabilisticSampling?.samplingRate === 1 && !a.operationSampling, 'probabilistic 1');
  counts['probabilistic 1'] = await serverSpansFor(times(20, ['GET', '/status/200']));
  assert.is(counts['probabilistic 1'], 20);
});

test('rate limiting 2 a second: of 20 quick requests, 2 (3 if the clock refilled one) traced', async () => {
  await serve({ type: 'ratelimiting', param: 2 }, (a) => a.rateLimitingSampling?.maxTracesPerSecond === 2, 'rate limiting 2/s');
  const started = Date.now();
  counts['ratelimiting 2/s'] = await serverSpansFor(times(20, ['GET', '/status/200']));
  // The bucket starts with 2 and refills 2 a second while the requests go (the export wait excluded).
  const refilled = Math.floor(((Date.now() - started - 700) / 1000) * 2);
  assert.ok(counts['ratelimiting 2/s'] >= 2 && counts['ratelimiting 2/s'] <= 2 + Math.max(refilled, 0) + 1, `traced ${counts['ratelimiting 2/s']}`);
});

test('per operation, POST at 1 and the rest at 0: the 10 POSTs traced, of the 10 GETs only what the lower bound lets through', async () => {
  await serve(
    { type: 'probabilistic', param: 0, operation_strategies: [{ operation: 'POST', type: 'probabilistic', param: 1 }] },
    (a) => a.operationSampling?.perOperationStrategies?.some((s) => s.operation === 'POST'),
    'per operation',
  );
  const { operationSampling } = await getJson(`${SAMPLING_URL}/sampling?service=${SERVICE}`);
  const lowerBound = operationSampling.defaultLowerBoundTracesPerSecond ?? 0;
  const before = receiver.spans.length;
  const traced = await serverSpansFor([...times(10, ['POST', '/status/200']), ...times(10, ['GET', '/status/200'])]);
  const spans = receiver.spans.slice(before).filter((s) => s.kind === 'SERVER');
  const posts = spans.filter((s) => s.attributes['http.request.method'] === 'POST').length;
  counts['per operation: POST'] = posts;
  counts['per operation: GET'] = traced - posts;
  assert.is(posts, 10);
  // The lower bound's bucket holds one trace and starts full, as in Jaeger's Go and Java clients
  // (even at a lower bound of 0/s): at most one GET in these 20 quick requests.
  assert.ok(traced - posts <= 1, `GETs traced: ${traced - posts} (lower bound ${lowerBound}/s)`);
});

test('and back to probabilistic 1: all 20 traced; every switch said once in the app log', async () => {
  await serve({ type: 'probabilistic', param: 1 }, (a) => a.probabilisticSampling?.samplingRate === 1 && !a.operationSampling, 'probabilistic 1');
  counts['probabilistic 1 again'] = await serverSpansFor(times(20, ['GET', '/status/200']));
  assert.is(counts['probabilistic 1 again'], 20);
  // From the first strategy this test served (before it, the app may have had the file's default).
  const switches = switchesSaid().map((l) => l.slice(`hoptrace: remote sampling for ${SERVICE}: `.length).replace(/\(.*\)/, '(…)'));
  assert.equal(switches.slice(switches.indexOf('probabilistic 0')), ['probabilistic 0', 'probabilistic 1', 'rate limiting 2/s', 'per operation (…)', 'probabilistic 1']);
  console.log(`  spans exported per strategy: ${JSON.stringify(counts)}`);
});

test.run();

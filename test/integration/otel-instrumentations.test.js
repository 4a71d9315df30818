'use strict';
// HOPTRACE_OTEL_INSTRUMENTATIONS over a real Redis (`bash test/infra/redis/start.sh`; .ci/run and
// test/run.sh start it): OpenTelemetry's ioredis instrumentation, installed in the app's own
// node_modules (test/fixtures/otel-ioredis), loaded by hoptrace with its provider, so that its spans
// join hoptrace's traces and service. Fails, with the reason, when Redis is not there: never skipped.
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { runFixture, FIXTURES, REPO } = require('../support/run-fixture');
const { withReceiver } = require('../support/traced-run');
const { get } = require('../support/http');

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:16379';
const APP_DIR = path.join(FIXTURES, 'otel-ioredis');
const IOREDIS = '@opentelemetry/instrumentation-ioredis';

/**
 * For failure messages: the instrumentation reads the active context through the app's own copy of
 * the API, which sees hoptrace's context manager only if hoptrace's copy, which registers it, has the
 * same or a newer minor version.
 */
function apiVersions() {
  let app = 'none';
  try {
    app = JSON.parse(fs.readFileSync(path.join(APP_DIR, 'node_modules/@opentelemetry/api/package.json'), 'utf8')).version;
  } catch {}
  return `the app's @opentelemetry/api ${app}, hoptrace's ${require(path.join(REPO, 'package.json')).dependencies['@opentelemetry/api']}`;
}

/** Resolves once the server at REDIS_URL answers PING; otherwise rejects saying how to start one. */
function requireRedis() {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const fail = (reason) => {
      socket.destroy();
      reject(new Error(`Redis is not running at ${REDIS_URL} (${reason}); start it with \`bash test/infra/redis/start.sh\``));
    };
    socket.setTimeout(3000, () => fail('no answer to PING within 3 s'));
    socket.on('error', (error) => fail(error.message));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      if (!data.toString().startsWith('+PONG')) return fail(`PING answered ${JSON.stringify(data.toString())}`);
      socket.end();
      resolve();
    });
  });
}

/**
 * Runs the cache app (cwd: its own folder, so that require() resolves from there) exporting to
 * `receiver`, sends one GET /cache, stops the app (hoptrace delivers what is queued on the way
 * out) and resolves with the response, the app's stderr and every span received.
 */
async function cacheRequest(receiver, track, env, pathname = '/cache') {
  // In each test, not in a before hook: uvu swallows a before hook's error (0 passed, no message, exit 0).
  await requireRedis();
  const app = track(
    runFixture(path.join(APP_DIR, 'app.js'), {
      cwd: APP_DIR,
      env: { OTEL_SERVICE_NAME: 'cache', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, REDIS_URL, ...env },
    }),
  );
  const [, port] = await app.waitForOutput(/listening (\d+)/);
  const key = `hoptrace-${process.pid}-${Date.now()}`;
  const response = await get(Number(port), `${pathname}?key=${key}`);
  await receiver.waitFor((spans) => spans.some((s) => s.kind === 'SERVER'));
  app.child.kill('SIGTERM');
  const { code, stderr } = await app.exited;
  assert.is(code, 0, `the app exited with ${code}; stderr: ${stderr}`);
  return { response, stderr, spans: receiver.spans };
}

/** The SERVER span, and the ioredis spans in start order; asserts that they make one trace under it. */
function assertRedisSpansJoin(spans) {
  const servers = spans.filter((s) => s.kind === 'SERVER');
  assert.is(servers.length, 1, `one SERVER span; got ${JSON.stringify(spans.map((s) => `${s.kind} ${s.name}`))}`);
  const [server] = servers;
  const redis = spans.filter((s) => s.scope === IOREDIS).sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));
  assert.equal(
    redis.map((s) => `${s.kind} ${s.name}`),
    ['CLIENT set', 'CLIENT get'],
    `ioredis spans for SET and GET (${apiVersions()}); got ${JSON.stringify(spans.map((s) => `${s.scope}: ${s.kind} ${s.name}`))}`,
  );
  for (const span of redis) {
    assert.is(span.traceId, server.traceId, `${span.name} is in the SERVER span's trace`);
    assert.is(span.parentSpanId, server.spanId, `${span.name} is a child of the SERVER span`);
    assert.is(span.resource['service.name'], server.resource['service.name'], `${span.name} has the service's resource`);
  }
  assert.is(server.resource['service.name'], 'cache');
  assert.is(spans.length, 3, `nothing but the SERVER span and the two ioredis spans; got ${JSON.stringify(spans.map((s) => `${s.kind} ${s.name}`))}`);
  return { server, redis };
}

test(`${IOREDIS}: SET and GET are CLIENT spans, children of hoptrace's SERVER span, in its service; the response unchanged`, async () => {
  await withReceiver(async (receiver, track) => {
    const { response, stderr, spans } = await cacheRequest(receiver, track, { HOPTRACE_OTEL_INSTRUMENTATIONS: IOREDIS });
    assert.is(response.status, 200);
    assert.is(response.body, 'v');
    assert.is(stderr, '');
    assertRedisSpansJoin(spans);
  });
});

test('without HOPTRACE_OTEL_INSTRUMENTATIONS: no redis spans, only the SERVER span', async () => {
  await withReceiver(async (receiver, track) => {
    const { response, stderr, spans } = await cacheRequest(receiver, track, {});
    assert.is(response.status, 200);
    assert.is(response.body, 'v');
    assert.is(stderr, '');
    assert.equal(spans.map((s) => `${s.kind} ${s.name}`), ['SERVER GET']);
  });
});

test('an overlapping and a missing package: one warning each, and the ioredis instrumentation still loads', async () => {
  await withReceiver(async (receiver, track) => {
    const names = ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-not-there', IOREDIS];
    const { response, stderr, spans } = await cacheRequest(receiver, track, { HOPTRACE_OTEL_INSTRUMENTATIONS: names.join(',') });
    assert.is(response.status, 200);
    assert.is(response.body, 'v');
    const lines = stderr.split('\n').filter(Boolean);
    assert.is(lines.length, 2, `two warnings; stderr: ${stderr}`);
    assert.match(lines[0], /^hoptrace: warn: .*@opentelemetry\/instrumentation-http is not loaded: hoptrace traces http and https itself/);
    assert.match(lines[1], /^hoptrace: warn: .*@opentelemetry\/instrumentation-not-there is not installed in the app/);
    assertRedisSpansJoin(spans);
  });
});

test("the app's own calls to its newer copy of @opentelemetry/api: recording spans, children of hoptrace's SERVER span", async () => {
  await withReceiver(async (receiver, track) => {
    const { response, spans } = await cacheRequest(receiver, track, {}, '/manual');
    assert.is(response.body, 'recording', apiVersions());
    await receiver.waitFor((s) => s.some((x) => x.name === 'manual work'));
    const server = spans.find((s) => s.kind === 'SERVER');
    const manual = spans.find((s) => s.name === 'manual work');
    assert.is(manual.parentSpanId, server.spanId);
    assert.is(manual.traceId, server.traceId);
  });
});

test('an ES module app (--import): one warning that the instrumentations see require() only', async () => {
  await withReceiver(async (receiver, track) => {
    await requireRedis();
    const app = track(runFixture(path.join(APP_DIR, 'app.js'), {
      cwd: APP_DIR,
      preload: 'import',
      env: { OTEL_SERVICE_NAME: 'cache', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, REDIS_URL, HOPTRACE_OTEL_INSTRUMENTATIONS: IOREDIS },
    }));
    await app.waitForOutput(/listening (\d+)/);
    app.child.kill('SIGTERM');
    const { stderr } = await app.exited;
    const warnings = stderr.split('\n').filter((l) => l.startsWith('hoptrace: warn'));
    assert.is(warnings.length, 1, stderr);
    assert.match(warnings[0], /HOPTRACE_OTEL_INSTRUMENTATIONS: this app runs as ES modules/);
  });
});

test.run();

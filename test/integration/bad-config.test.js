'use strict';
// Invalid settings: one warning each, naming the variable, the value and what is used instead; the
// app still runs and is still traced.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');
const { withReceiver } = require('../support/traced-run');
const { startExpressApp, startHttpService } = require('../support/services');
const { runFixture } = require('../support/run-fixture');
const { get } = require('../support/http');

const BAD = {
  OTEL_TRACES_SAMPLER: 'sometimes',
  OTEL_TRACES_SAMPLER_ARG: '2',
  OTEL_BSP_MAX_QUEUE_SIZE: '-5',
  OTEL_BSP_EXPORT_TIMEOUT: 'soon',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
  OTEL_EXPORTER_OTLP_TIMEOUT: '1e3x',
  OTEL_PROPAGATORS: 'tracecontext,xray',
  OTEL_LOG_LEVEL: 'loud',
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'mysql',
  OTEL_SDK_DISABLED: 'maybe',
  OTEL_RESOURCE_ATTRIBUTES: 'team=payments,broken',
};

test('each invalid value gets exactly one warning naming it; the app is traced all the same', async () => {
  const app = await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('bad-config', receiver, BAD));
    assert.is((await get(app.port, '/headers')).status, 200);
    const spans = await receiver.waitFor((s) => s.length >= 1);
    assert.is(spans[0].resource['team'], 'payments');
    assert.is(spans[0].resource['service.name'], 'bad-config');
    return app;
  });
  const warnings = app.output().stderr.split('\n').filter((line) => line.startsWith('hoptrace:'));
  for (const [name, value] of Object.entries(BAD)) {
    if (name === 'OTEL_TRACES_SAMPLER_ARG') continue; // only read for ratio samplers
    const about = warnings.filter((line) => line.includes(name));
    assert.is(about.length, 1, `one warning about ${name}; got ${JSON.stringify(about)}`);
    const shown = name === 'OTEL_PROPAGATORS' ? 'xray' : name === 'OTEL_RESOURCE_ATTRIBUTES' ? 'broken' : value;
    assert.ok(about[0].includes(shown), `the warning shows the bad value: ${about[0]}`);
  }
  assert.is(warnings.length, Object.keys(BAD).length - 1, warnings.join('\n'));
});

test('a ratio sampler with a ratio out of range warns and samples everything', async () => {
  const app = await withReceiver(async (receiver, track) => {
    const app = track(await startHttpService('ratio', receiver, { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }));
    await get(app.port, '/headers');
    await receiver.waitFor((s) => s.length >= 1);
    return app;
  });
  assert.match(app.output().stderr, /OTEL_TRACES_SAMPLER_ARG="2" is not valid .* using 1/);
});

test('OTEL_SDK_DISABLED=true: no spans, no patches, the app runs', async () => {
  await withReceiver(async (receiver, track) => {
    const b = track(await startHttpService('b', undefined, { OTEL_SDK_DISABLED: 'true' }));
    const app = track(await startHttpService('disabled', receiver, { OTEL_SDK_DISABLED: 'true' }));
    const response = await get(app.port, `/call?port=${b.port}`);
    assert.is(JSON.parse(response.body).traceparent, undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.is(receiver.spans.length, 0);
  });
});

test('OTEL_SDK_DISABLED=true (any case, spaces around): the agent is not even loaded; debug says why', () => {
  const register = path.resolve(__dirname, '../../register.js');
  // What the process loaded: the bundle, or nothing of hoptrace's beyond register.js.
  const loaded = (env) =>
    execFileSync(process.execPath, ['-r', register, '-e', "process.stdout.write(String(Object.keys(require.cache).filter((f) => f.includes('dist')).length))"], {
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  assert.is(loaded({ OTEL_SDK_DISABLED: ' True ' }), '0');
  assert.ok(Number(loaded({ OTEL_SDK_DISABLED: 'false' })) > 0, 'loaded when not disabled');
  const debug = spawnSync(process.execPath, ['-r', register, '-e', '0'], { env: { ...process.env, OTEL_SDK_DISABLED: 'true', OTEL_LOG_LEVEL: 'debug' }, encoding: 'utf8' });
  assert.is(debug.stderr, 'hoptrace: OTEL_SDK_DISABLED=true: not instrumenting\n');
  const quiet = spawnSync(process.execPath, ['-r', register, '-e', '0'], { env: { ...process.env, OTEL_SDK_DISABLED: 'true' }, encoding: 'utf8' });
  assert.is(quiet.stderr, '');
});

test('OTEL_PROPAGATORS chooses what is written: b3multi only', async () => {
  const b = await startHttpService('b', undefined, { OTEL_TRACES_EXPORTER: 'none' });
  const a = await startHttpService('a', undefined, { OTEL_TRACES_EXPORTER: 'none', OTEL_PROPAGATORS: 'b3multi' });
  try {
    const seen = JSON.parse((await get(a.port, `/call?port=${b.port}`)).body);
    assert.match(seen['x-b3-traceid'], /^[0-9a-f]{32}$/);
    assert.is(seen.traceparent, undefined);
    assert.is(seen['uber-trace-id'], undefined);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('HOPTRACE_HTTP_IGNORE_INCOMING_PATHS: no span for those paths, nor for what they call', async () => {
  await withReceiver(async (receiver, track) => {
    const b = track(await startHttpService('b', undefined, { OTEL_TRACES_EXPORTER: 'none' }));
    const app = track(await startHttpService('ignoring', receiver, { HOPTRACE_HTTP_IGNORE_INCOMING_PATHS: '/call, /status/*' }));
    const seen = JSON.parse((await get(app.port, `/call?port=${b.port}`)).body);
    assert.is(seen.traceparent, undefined);
    await get(app.port, '/status/200');
    await get(app.port, '/headers');
    const spans = await receiver.waitFor((s) => s.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(spans.map((s) => s.attributes['url.path']), ['/headers']);
  });
});

test('started after express was loaded: one warning naming it; started twice: once', async () => {
  const path = require('node:path');
  const { FIXTURES } = require('../support/run-fixture');
  const result = await runFixture('late-start.js', {
    agent: false,
    env: { NODE_PATH: path.join(FIXTURES, 'express5', 'node_modules'), OTEL_TRACES_EXPORTER: 'none' },
  }).exited;
  assert.is(result.code, 0);
  assert.is(result.stdout, 'started\n');
  assert.is(
    result.stderr,
    'hoptrace: warn: express@5.3.0 was loaded before hoptrace started: route names (`http.route`) and handler errors on server spans may be missing; ' +
      'start the app with `node --import hoptrace/register` (ES modules) or `node --require hoptrace/register`\n',
  );
});

test('express enabled with http disabled: one warning naming both and what is lost; the app runs', async () => {
  const app = await startExpressApp('express5', 'no-http', undefined, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http', OTEL_TRACES_EXPORTER: 'none' });
  try {
    assert.is((await get(app.port, '/users/1')).status, 200);
  } finally {
    await app.stop();
  }
  assert.is(
    app.output().stderr,
    'hoptrace: warn: the express instrumentation needs the http instrumentation, which is disabled: no route names and handler errors (express adds them to the http SERVER span)\n',
  );
});

test.run();

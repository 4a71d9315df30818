'use strict';
// A kept-alive connection waiting for its next request keeps nothing of its last one
// (instrumentations/http/idle-connection-timer.ts): the idle timer Node's server sets when a
// response finishes is made outside the request, so the request's span can be collected while the
// connection waits, and the timer still closes the connection. A timer the app sets on a request
// keeps the request's context.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { runFixture } = require('../support/run-fixture');

async function idleConnections(options) {
  const app = runFixture('idle-connections.js', options);
  const [, line] = await app.waitForOutput(/(\{.*\})\n/, 15000);
  const { code, stderr } = await app.exited;
  assert.is(code, 0, stderr);
  return JSON.parse(line);
}

test('with hoptrace: the idle connection lets its last request span go, and its idle timer still closes it', async () => {
  await withReceiver(async (receiver) => {
    const result = await idleConnections({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: 'always_on' } });
    assert.ok(result.traced, 'the requests ran in their SERVER spans');
    assert.ok(result.firstReleased, "the idle connection's last request span was collected");
    assert.ok(result.appTimerInRequest, "the app's res.setTimeout callback ran in its request's span");
    assert.ok(result.idleClosed, "the server's idle timer closed the connection");
    await receiver.waitFor((spans) => spans.filter((s) => s.kind === 'SERVER').length >= 3);
  });
});

test('the same app without hoptrace: the idle timer closes the connection (the fixture measures what it says)', async () => {
  const result = await idleConnections({ agent: false });
  assert.is(result.traced, false);
  assert.ok(result.idleClosed);
});

test.run();

'use strict';
// The one set-up of the tests that run traced apps against a span receiver.
const { startReceiver } = require('./otlp-receiver');

/**
 * Runs `scenario(receiver, track)` with a fresh OTLP receiver. `track(...apps)` hands apps (from
 * runFixture, startHttpService, startExpressApp, …) over to be stopped afterwards. However the
 * scenario ends, every tracked app still running gets SIGTERM, its exit is awaited, and the
 * receiver is closed. Resolves with what the scenario returns.
 */
async function withReceiver(scenario) {
  const receiver = await startReceiver();
  const apps = [];
  const track = (...started) => {
    apps.push(...started);
    return started[0];
  };
  try {
    return await scenario(receiver, track);
  } finally {
    await Promise.all(
      apps.map((app) => {
        if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGTERM');
        return app.exited;
      }),
    );
    await receiver.close();
  }
}

module.exports = { withReceiver };

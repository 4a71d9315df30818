'use strict';
// HTTP through Node's diagnostics channels (instrumentations/http/channels.ts), the default where
// Node has them (22.12 on), against the patched way (HOPTRACE_HTTP_VIA=patching, and Node 20):
// the same spans, and no frame of hoptrace's in the stack of an error a handler throws.
const http = require('node:http');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withReceiver } = require('../support/traced-run');
const { runFixture } = require('../support/run-fixture');

const [major, minor] = process.versions.node.split('.').map(Number);
const NODE_HAS_HTTP_CHANNELS = major > 22 || (major === 22 && minor >= 12);

async function throwingHandler(extraEnv) {
  return withReceiver(async (receiver, track) => {
    const app = track(runFixture('throwing-handler.js', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_LOG_LEVEL: 'debug', ...extraEnv } }));
    const [, port] = await app.waitForOutput(/listening (\d+)/);
    // No answer will come: the handler threw. The request is left to the app's exit.
    http.get({ host: '127.0.0.1', port: Number(port), path: '/throw', agent: false }).on('error', () => {});
    const [, stack] = await app.waitForOutput(/STACK (.+)\n/);
    const spans = await receiver.waitFor((s) => s.some((x) => x.kind === 'SERVER'));
    const { stderr } = await app.exited;
    return { stack: JSON.parse(stack), server: spans.find((s) => s.kind === 'SERVER'), stderr };
  });
}

const hoptraceFrames = (stack) => stack.split('\n').filter((line) => /hoptrace|dist[\\/]/.test(line));

test('an error the handler throws: recorded on the SERVER span; through the channels, with no frame of hoptrace in its stack', async () => {
  // Named, not left to the default: .ci/run also runs this suite with HOPTRACE_HTTP_VIA=patching set for every app.
  const { stack, server, stderr } = await throwingHandler({ HOPTRACE_HTTP_VIA: 'channels' });
  assert.match(stack, /^TypeError: thrown by the handler\n/);
  assert.is(server.status.code, 'ERROR');
  assert.is(server.attributes['error.type'], 'TypeError');
  assert.ok(server.events.some((e) => e.name === 'exception' && e.attributes['exception.message'] === 'thrown by the handler'));
  if (NODE_HAS_HTTP_CHANNELS) {
    assert.match(stderr, /http: traced through Node's diagnostics channels/);
    assert.equal(hoptraceFrames(stack), [], 'no hoptrace frame');
  } else {
    assert.not.match(stderr, /http: traced through Node's diagnostics channels/);
  }
});

test('HOPTRACE_HTTP_VIA=patching: the same span, the patched way (its wrapper is on the stack)', async () => {
  const { stack, server, stderr } = await throwingHandler({ HOPTRACE_HTTP_VIA: 'patching' });
  assert.not.match(stderr, /http: traced through Node's diagnostics channels/);
  assert.match(stack, /^TypeError: thrown by the handler\n/);
  assert.is(server.status.code, 'ERROR');
  assert.is(server.attributes['error.type'], 'TypeError');
  assert.ok(hoptraceFrames(stack).length > 0, 'the patched emit is one frame of the stack');
});

test('an ES module app that never imports http: through the channels, hoptrace loads neither http nor https (the patched way loads both a second after start)', async () => {
  const loadedWith = async (via) => {
    const app = runFixture('esm/no-http.mjs', { preload: 'import', env: { OTEL_TRACES_EXPORTER: 'none', HOPTRACE_HTTP_VIA: via } });
    const [, loaded] = await app.waitForOutput(/loaded (.+)\n/);
    await app.exited;
    return JSON.parse(loaded).sort();
  };
  const both = ['NativeModule _http_client', 'NativeModule _http_server', 'NativeModule http', 'NativeModule https'];
  assert.equal(await loadedWith('channels'), NODE_HAS_HTTP_CHANNELS ? [] : both);
  assert.equal(await loadedWith('patching'), both);
});

test.run();

'use strict';
// HOPTRACE_LOGS_INJECTION=true: pino, winston and bunyan, each writing JSON lines to a file during
// REST → Kafka → REST (one service: its order endpoint produces, its consumer calls its stock
// endpoint) over the real broker, as a CommonJS app and as an ES module app. Every line written
// inside the trace carries the ids of the span it was written in; the line written outside any
// span carries none. Off by default.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { withReceiver } = require('../support/traced-run');
const { runFixture } = require('../support/run-fixture');
const { postJson } = require('../support/http');
const { KAFKA_BROKERS, requireKafka, createTopics } = require('../support/kafka');

before(test, requireKafka);

const byKind = (spans, kind, name) => spans.find((s) => s.kind === kind && (!name || s.name === name));

/** Runs the relay with `logger`, sends one order, and returns its log lines (parsed) and spans. */
async function relayRun(logger, { entry = 'loggers/relay.js', preload = 'require', injection = 'true' } = {}) {
  const [topic] = await createTopics(`logs-${logger}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-logs-'));
  const file = path.join(dir, `${logger}.log`);
  return withReceiver(async (receiver, track) => {
    const app = track(
      runFixture(entry, {
        preload,
        timeoutMs: 60000,
        env: { OTEL_SERVICE_NAME: 'relay', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, HOPTRACE_LOGS_INJECTION: injection, LOGGER: logger, LOG_FILE: file, KAFKA_BROKERS, TOPIC: topic },
      }),
    );
    const [, port] = await app.waitForOutput(/listening (\d+)/, 30000);
    assert.is((await postJson(Number(port), '/orders', { id: 'order-1' })).status, 202);
    await app.waitForOutput(/handled/, 30000);
    const spans = await receiver.waitFor((s) => ['SERVER', 'PRODUCER', 'CONSUMER', 'CLIENT'].every((k) => s.some((span) => span.kind === k)) && s.filter((span) => span.kind === 'SERVER').length >= 2);
    app.child.kill('SIGTERM');
    const { stderr } = await app.exited;
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    fs.rmSync(dir, { recursive: true, force: true });
    const message = (line) => line.msg ?? line.message;
    return { spans, stderr, line: (text) => lines.find((l) => message(l) === text) ?? assert.unreachable(`no line "${text}" in ${file}`), lines };
  });
}

function assertLinesCarryTheirSpans({ spans, line, stderr }, logger) {
  // hoptrace's own lines only: kafkajs itself warns on Node 24 and later (a negative timeout).
  assert.equal(stderr.split('\n').filter((line) => line.startsWith('hoptrace:')), [], 'no warning from hoptrace');
  // A plain http server: its SERVER spans are named by method alone.
  const server = byKind(spans, 'SERVER', 'POST');
  const consumer = byKind(spans, 'CONSUMER');
  const stockServer = byKind(spans, 'SERVER', 'GET');
  for (const span of [consumer, stockServer]) assert.is(span.traceId, server.traceId, `one trace (${logger})`);
  const expected = [
    ['order received', server],
    ['order sent', server],
    ['order consumed', consumer],
    ['stock checked', stockServer],
    ['stock answered', consumer],
  ];
  for (const [text, span] of expected) {
    const found = line(text);
    assert.equal(
      { trace_id: found.trace_id, span_id: found.span_id, trace_flags: found.trace_flags },
      { trace_id: span.traceId, span_id: span.spanId, trace_flags: '01' },
      `${logger}: "${text}" carries the ids of ${span.kind} ${span.name}`,
    );
  }
  const outside = line('listening');
  assert.is(outside.trace_id, undefined, `${logger}: a line outside any span carries no trace id`);
  assert.is(outside.span_id, undefined);
}

for (const logger of ['pino', 'winston', 'bunyan']) {
  test(`${logger}, CommonJS app: every line inside the trace carries its span's ids`, async () => {
    assertLinesCarryTheirSpans(await relayRun(logger), logger);
  });

  test(`${logger}, ES module app (--import): every line inside the trace carries its span's ids`, async () => {
    assertLinesCarryTheirSpans(await relayRun(logger, { entry: 'loggers/relay.mjs', preload: 'import' }), logger);
  });
}

test('off by default: no line carries a trace id, and the app still traces', async () => {
  const run = await relayRun('pino', { injection: 'false' });
  assert.ok(byKind(run.spans, 'CONSUMER'), 'traced as usual');
  for (const line of run.lines) assert.is(line.trace_id, undefined, JSON.stringify(line));
});

test.run();

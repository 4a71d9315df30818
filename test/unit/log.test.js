'use strict';
// The agent's log: repeated messages held back per key, and the keys it remembers bounded however
// many distinct messages arrive (keys can carry outside data: the SDK's messages name span ids).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { stderrOf } = require('../support/stderr');
const { randomBytes } = require('node:crypto');
const { diag } = require('@opentelemetry/api');
const { logRateLimited, rateLimitedKeyCount, routeOpenTelemetryDiagnostics, setLogLevel, MAX_RATE_LIMIT_KEYS } = require('../../dist/agent/log');


test.before(() => setLogLevel('warn'));

test('one key: written once a minute, the rest held back', () => {
  const lines = stderrOf(() => {
    for (let i = 0; i < 5; i++) logRateLimited('warn', 'same key', `attempt ${i}`);
  });
  assert.equal(lines, ['hoptrace: warn: attempt 0']);
});

test('100,000 distinct keys: each written, at most MAX_RATE_LIMIT_KEYS remembered', () => {
  let peak = 0;
  const lines = stderrOf(() => {
    for (let i = 0; i < 100_000; i++) {
      logRateLimited('warn', `outside data ${i}`, `message ${i}`);
      if (i % 997 === 0) peak = Math.max(peak, rateLimitedKeyCount());
    }
  });
  assert.is(lines.length, 100_000);
  assert.ok(MAX_RATE_LIMIT_KEYS <= 1000, `a small bound (${MAX_RATE_LIMIT_KEYS})`);
  assert.ok(rateLimitedKeyCount() <= MAX_RATE_LIMIT_KEYS, `${rateLimitedKeyCount()} keys held`);
  assert.ok(peak <= MAX_RATE_LIMIT_KEYS, `peak ${peak}`);
  // The newest keys are the ones kept: the last one is still held back.
  assert.equal(stderrOf(() => logRateLimited('warn', 'outside data 99999', 'again')), []);
});

test("the SDK's messages about 1,000 different spans: one line, one key", () => {
  routeOpenTelemetryDiagnostics('warn');
  const before = rateLimitedKeyCount();
  const lines = stderrOf(() => {
    for (let i = 0; i < 1000; i++) {
      const traceId = randomBytes(16).toString('hex');
      const spanId = randomBytes(8).toString('hex');
      diag.warn(`Can not execute the operation on ended Span {traceId: ${traceId}, spanId: ${spanId}}`);
    }
  });
  assert.is(lines.length, 1, lines.slice(0, 3).join('\n'));
  assert.match(lines[0], /^hoptrace: warn: \[otel\] Can not execute the operation on ended Span \{traceId: [0-9a-f]{32}, spanId: [0-9a-f]{16}\}$/);
  assert.ok(rateLimitedKeyCount() <= before + 1, `${rateLimitedKeyCount() - before} keys added`);
});

test('outside text cannot forge a log line: a line break starts an indented continuation, control characters escaped', () => {
  const lines = stderrOf(() => logRateLimited('warn', 'forge', 'bad header name "x\r\nhoptrace: warn: all good\u0007"'));
  assert.equal(lines, ['hoptrace: warn: bad header name "x', '    hoptrace: warn: all good\\u0007"']);
});

test.run();

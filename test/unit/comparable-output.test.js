'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { comparableOutput } = require('../support/comparable-output');

test("Node's warnings: pid and numbers masked, nothing else", () => {
  const a = '(node:101) TimeoutNegativeWarning: -1764290000000 is a negative number.\nTimeout duration was set to 1.\n(Use `node --trace-warnings ...` to show where the warning was created)\n';
  const b = '(node:202) TimeoutNegativeWarning: -1764290000123 is a negative number.\nTimeout duration was set to 1.\n(Use `node --trace-warnings ...` to show where the warning was created)\n';
  assert.is(comparableOutput(a), comparableOutput(b));
  assert.is(comparableOutput('(node:7) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.'), '(node:<pid>) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.');
});

test('a difference the agent could cause still shows', () => {
  const warning = '(node:1) TimeoutNegativeWarning: -5 is a negative number.\n';
  assert.is.not(comparableOutput(warning), comparableOutput(''), 'an extra warning');
  assert.is.not(comparableOutput(warning), comparableOutput('(node:1) MaxListenersExceededWarning: -5 is a negative number.\n'), 'another kind');
  assert.is.not(comparableOutput('TypeError: failed at 12\n'), comparableOutput('TypeError: failed at 13\n'), 'numbers outside warnings');
  assert.is.not(comparableOutput('    at app.js:10:5\n'), comparableOutput('    at hoptrace.js:10:5\n'));
});

test.run();

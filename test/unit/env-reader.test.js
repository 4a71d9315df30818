'use strict';
// The typed readers every setting goes through: each returns the default for an unset or empty
// variable, and for an invalid value exactly one warning naming the variable, the value and what
// is used instead.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { EnvReader, using } = require('../../dist/agent/config/env-reader');

function reader(env) {
  const warnings = [];
  return { read: new EnvReader(env, (m) => warnings.push(m)), warnings };
}

test('raw: trimmed; unset, empty and blank are all unset', () => {
  const { read } = reader({ A: '  x y  ', B: '', C: '   ', D: '0' });
  assert.is(read.raw('A'), 'x y');
  assert.is(read.raw('B'), undefined);
  assert.is(read.raw('C'), undefined);
  assert.is(read.raw('D'), '0');
  assert.is(read.raw('NOPE'), undefined);
});

test('firstSet: the first name with a value, blank ones passed over', () => {
  const { read } = reader({ GENERAL: 'g', SPECIFIC: ' ', OTHER: 'o' });
  assert.is(read.firstSet('SPECIFIC', 'GENERAL', 'OTHER'), 'GENERAL');
  assert.is(read.firstSet('OTHER', 'GENERAL'), 'OTHER');
  assert.is(read.firstSet('SPECIFIC', 'NOPE'), undefined);
  assert.is(read.firstSet(), undefined);
});

test('boolean: true or false in any case; anything else warned, the default used', () => {
  const { read, warnings } = reader({ T: 'TRUE', F: 'False', Y: 'yes', ONE: '1' });
  assert.is(read.boolean('T', false), true);
  assert.is(read.boolean('F', true), false);
  assert.is(read.boolean('UNSET', true), true);
  assert.is(read.boolean('UNSET', false), false);
  assert.is(read.boolean('Y', true), true);
  assert.is(read.boolean('ONE', false), false);
  assert.equal(warnings, ['Y="yes" is not valid (expected true or false); using true', 'ONE="1" is not valid (expected true or false); using false']);
});

test('oneOf: any case, answered in lower case; anything else warned with the choices', () => {
  const { read, warnings } = reader({ A: 'Middleware', B: 'sideways' });
  assert.is(read.oneOf('A', ['route', 'middleware'], 'route'), 'middleware');
  assert.is(read.oneOf('B', ['route', 'middleware'], 'route'), 'route');
  assert.is(read.oneOf('UNSET', ['route', 'middleware'], 'middleware'), 'middleware');
  assert.equal(warnings, ['B="sideways" is not valid (expected one of route, middleware); using "route"']);
});

test('integer: whole numbers within the bounds, a + sign allowed; the rest warned with the range', () => {
  const { read, warnings } = reader({ A: '42', B: '+7', C: '007', D: '1.5', E: '-1', F: '1e3', G: '70000', H: '0', I: '9007199254740993', J: ' 12 ' });
  assert.is(read.integer('A', 1, 0), 42);
  assert.is(read.integer('B', 1, 0), 7);
  assert.is(read.integer('C', 1, 0), 7);
  assert.is(read.integer('H', 5, 0), 0, 'the minimum itself');
  assert.is(read.integer('J', 1, 0), 12);
  assert.is(read.integer('UNSET', 5, 0), 5);
  assert.is(read.integer('D', 5, 0), 5);
  assert.is(read.integer('E', 5, 0), 5);
  assert.is(read.integer('F', 5, 0), 5);
  assert.is(read.integer('G', 6832, 1, 65535), 6832);
  assert.is(read.integer('A', 1, 43), 1, 'below the minimum');
  assert.is(read.integer('I', 3, 0), 3, 'past what a number holds exactly');
  assert.is(read.integer('A', 1, 0, 42), 42, 'the maximum itself');
  assert.equal(warnings, [
    'D="1.5" is not valid (expected a whole number from 0 up); using 5',
    'E="-1" is not valid (expected a whole number from 0 up); using 5',
    'F="1e3" is not valid (expected a whole number from 0 up); using 5',
    'G="70000" is not valid (expected a whole number from 1 to 65535); using 6832',
    'A="42" is not valid (expected a whole number from 43 up); using 1',
    'I="9007199254740993" is not valid (expected a whole number from 0 up); using 3',
  ]);
});

test('number: fractions within the bounds; not a number, infinite or outside warned', () => {
  const { read, warnings } = reader({ A: '0.25', B: '1', C: '0', D: '1.01', E: 'half', F: 'Infinity', G: '-0.1' });
  assert.is(read.number('A', 1, 0, 1), 0.25);
  assert.is(read.number('B', 0.5, 0, 1), 1);
  assert.is(read.number('C', 0.5, 0, 1), 0);
  assert.is(read.number('UNSET', 0.5, 0, 1), 0.5);
  assert.is(read.number('D', 1, 0, 1), 1);
  assert.is(read.number('E', 1, 0, 1), 1);
  assert.is(read.number('F', 1, 0, 1e308), 1);
  assert.is(read.number('G', 1, 0, 1), 1);
  assert.equal(warnings, [
    'D="1.01" is not valid (expected a number from 0 to 1); using 1',
    'E="half" is not valid (expected a number from 0 to 1); using 1',
    'F="Infinity" is not valid (expected a number from 0 to 1e+308); using 1',
    'G="-0.1" is not valid (expected a number from 0 to 1); using 1',
  ]);
});

test('duration: whole milliseconds, capped at what a timer can wait, with one warning', () => {
  const { read, warnings } = reader({ A: '2147483647', B: '2147483648' });
  assert.is(read.duration('A', 1, 0), 2147483647);
  assert.is(read.duration('B', 1, 0), 2147483647);
  assert.is(read.duration('UNSET', 5000, 0), 5000);
  assert.equal(warnings, ["B=2147483648 is longer than Node's timers can wait (2147483647 ms, about 24.8 days); using 2147483647"]);
});

test('list: comma-separated, each entry trimmed, empty entries dropped; unset is undefined', () => {
  const { read } = reader({ A: ' a, b ,,c , ', B: ',', C: 'one' });
  assert.equal(read.list('A'), ['a', 'b', 'c']);
  assert.equal(read.list('B'), []);
  assert.equal(read.list('C'), ['one']);
  assert.is(read.list('UNSET'), undefined);
});

test('keyValues: percent-decoded pairs; a malformed pair skipped with a warning, the rest kept; the last of a key wins', () => {
  const { read, warnings } = reader({
    A: 'team=a%2Cb, env = prod ,=nokey,novalue,x=%E0%A4%A,k%20ey=v%3Dw,dup=1,dup=2,empty=',
  });
  assert.equal(read.keyValues('A'), { team: 'a,b', env: 'prod', 'k ey': 'v=w', dup: '2', empty: '' });
  assert.equal(warnings, [
    'A: ignoring "=nokey" (expected key=value)',
    'A: ignoring "novalue" (expected key=value)',
    'A: ignoring "x=%E0%A4%A" (expected key=value)',
  ]);
  assert.equal(reader({}).read.keyValues('A'), {});
  const secret = reader({ H: 'authorization Bearer abc' });
  assert.equal(secret.read.keyValues('H', { secret: true }), {});
  assert.equal(secret.warnings, ['H: ignoring a pair of 24 characters, not shown (it may hold a credential) (expected key=value)']);
});

test('reject and using: the one shape of every warning', () => {
  const { read, warnings } = reader({});
  read.reject('NAME', 'va"lue', 'expected something', using({ a: 1 }));
  read.warnText('free text');
  assert.equal(warnings, ['NAME="va\\"lue" is not valid (expected something); using {"a":1}', 'free text']);
});

test.run();

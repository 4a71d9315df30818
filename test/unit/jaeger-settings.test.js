'use strict';
// jaeger-client's sampler settings as hoptrace's parent-based samplers, every type and every param
// shape (a number from a JSON file, text from JAEGER_SAMPLER_PARAM).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { jaegerSampler } = require('../../dist/agent/config/jaeger-settings');

const FALLBACK = Object.freeze({ name: 'parentbased_always_on', ratio: 1 });

function sampler(type, param) {
  const rejected = [];
  const result = jaegerSampler(type, param, FALLBACK, (reason, instead) => rejected.push(`${reason}; ${instead}`));
  return { result, rejected };
}

test('const: 1 (or more) samples everything, 0 nothing; no usable param means on, without a warning', () => {
  for (const param of [1, '1', 2, ' 1 ']) assert.equal(sampler('const', param), { result: { name: 'parentbased_always_on', ratio: 1 }, rejected: [] }, String(param));
  for (const param of [0, '0', 0.99, '-1']) assert.equal(sampler('const', param), { result: { name: 'parentbased_always_off', ratio: 1 }, rejected: [] }, String(param));
  for (const param of [undefined, '', '  ', 'yes', null, true]) assert.equal(sampler('const', param), { result: { name: 'parentbased_always_on', ratio: 1 }, rejected: [] }, String(param));
});

test('probabilistic: a ratio from 0 to 1, as number or text; anything else refused, the fallback used', () => {
  assert.equal(sampler('probabilistic', 0.1).result, { name: 'parentbased_traceidratio', ratio: 0.1 });
  assert.equal(sampler('probabilistic', '0.25').result, { name: 'parentbased_traceidratio', ratio: 0.25 });
  assert.equal(sampler('probabilistic', 0).result, { name: 'parentbased_traceidratio', ratio: 0 });
  assert.equal(sampler('probabilistic', 1).result, { name: 'parentbased_traceidratio', ratio: 1 });
  for (const param of [1.5, -0.1, 'often', undefined, '', NaN]) {
    const { result, rejected } = sampler('probabilistic', param);
    assert.is(result, FALLBACK, String(param));
    assert.equal(rejected, [`param ${JSON.stringify(param)} is no probability between 0 and 1; using parentbased_always_on`]);
  }
});

test('ratelimiting: traces per second, any finite number from 0; anything else refused', () => {
  assert.equal(sampler('ratelimiting', 2).result, { name: 'parentbased_ratelimiting', ratio: 1, perSecond: 2 });
  assert.equal(sampler('ratelimiting', '0.5').result, { name: 'parentbased_ratelimiting', ratio: 1, perSecond: 0.5 });
  assert.equal(sampler('ratelimiting', 0).result, { name: 'parentbased_ratelimiting', ratio: 1, perSecond: 0 });
  for (const param of [-1, 'many', undefined, Infinity, '1e999']) {
    const { result, rejected } = sampler('ratelimiting', param);
    assert.is(result, FALLBACK, String(param));
    assert.equal(rejected, [`param ${JSON.stringify(param)} is no number of traces per second; using parentbased_always_on`]);
  }
});

test('remote and unknown types: refused with the reason, the fallback used', () => {
  assert.equal(sampler('remote', 1), { result: FALLBACK, rejected: ['remote sampling (a Jaeger agent deciding the rate) is not supported by hoptrace; using parentbased_always_on'] });
  assert.equal(sampler('lowerbound', 1), { result: FALLBACK, rejected: ['sampler type "lowerbound" is not one of const, probabilistic, ratelimiting, remote; using parentbased_always_on'] });
  assert.equal(sampler(undefined, 1).rejected, ['sampler type undefined is not one of const, probabilistic, ratelimiting, remote; using parentbased_always_on']);
});

test.run();

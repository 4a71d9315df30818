'use strict';
// jaeger-client's sampler settings as hoptrace's parent-based samplers, every type and every param
// shape (a number from a JSON file, text from JAEGER_SAMPLER_PARAM).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { jaegerSampler } = require('../../dist/agent/config/jaeger-settings');

const FALLBACK = Object.freeze({ name: 'parentbased_always_on', ratio: 1 });

function sampler(type, param, remote) {
  const rejected = [];
  const result = jaegerSampler(type, param, FALLBACK, (reason, instead) => rejected.push(`${reason}; ${instead}`), remote);
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

test("remote: Jaeger's sampling endpoint polled; param the initial rate, hostPort and refreshIntervalMs as jaeger-client reads them", () => {
  const remote = (endpoint, pollingIntervalMs, initialSamplingRate) => ({ name: 'parentbased_jaeger_remote', ratio: 1, remote: { endpoint, pollingIntervalMs, initialSamplingRate } });
  assert.equal(sampler('remote', undefined), { result: remote('http://localhost:5778', 60000, 0.001), rejected: [] });
  assert.equal(sampler('remote', '0.2', { hostPort: 'agent:5778', refreshIntervalMs: 1500 }), { result: remote('http://agent:5778', 1500, 0.2), rejected: [] });
  const bad = sampler('remote', 3, { hostPort: 'http://agent', refreshIntervalMs: 'often' });
  assert.equal(bad.result, remote('http://localhost:5778', 60000, 0.001));
  assert.equal(bad.rejected, [
    'param 3 is no initial sampling rate between 0 and 1; using 0.001',
    'the sampling manager "http://agent" is no host:port; using http://localhost:5778',
    'the refresh interval "often" is no number of milliseconds from 100; using 60000',
  ]);
});

test('unknown types: refused with the reason, the fallback used', () => {
  assert.equal(sampler('lowerbound', 1), { result: FALLBACK, rejected: ['sampler type "lowerbound" is not one of const, probabilistic, ratelimiting, remote; using parentbased_always_on'] });
  assert.equal(sampler(undefined, 1).rejected, ['sampler type undefined is not one of const, probabilistic, ratelimiting, remote; using parentbased_always_on']);
});

test.run();

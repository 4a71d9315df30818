'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { satisfies } = require('../../dist/agent/version-range');
const { EXPRESS_SUPPORTED_VERSIONS } = require('../../dist/instrumentations/express/instrumentation');
const { KAFKAJS_SUPPORTED_VERSIONS, CONFLUENT_KAFKA_SUPPORTED_VERSIONS } = require('../../dist/instrumentations/kafkajs/instrumentation');

const supported = (ranges, version) => ranges.some((range) => satisfies(version, range));

test('the declared ranges admit the tested versions and nothing outside', () => {
  for (const v of ['4.0.0', '4.22.3', '5.3.0', '5.9.99', '5.0.0-beta.3']) assert.ok(supported(EXPRESS_SUPPORTED_VERSIONS, v), v);
  for (const v of ['3.21.2', '6.0.0', '10.1.0', 'garbage', '']) assert.not.ok(supported(EXPRESS_SUPPORTED_VERSIONS, v), v);
  for (const v of ['1.4.0', '1.16.0', '2.0.0', '2.2.4']) assert.ok(supported(KAFKAJS_SUPPORTED_VERSIONS, v), v);
  for (const v of ['0.8.1', '1.3.1', '3.0.0']) assert.not.ok(supported(KAFKAJS_SUPPORTED_VERSIONS, v), v);
  for (const v of ['1.0.0', '1.10.1']) assert.ok(supported(CONFLUENT_KAFKA_SUPPORTED_VERSIONS, v), v);
  for (const v of ['0.3.0', '2.0.0']) assert.not.ok(supported(CONFLUENT_KAFKA_SUPPORTED_VERSIONS, v), v);
});

test('comparators', () => {
  assert.ok(satisfies('1.2.3', '*'));
  assert.ok(satisfies('1.2.3', '=1.2.3'));
  assert.ok(satisfies('1.2.3', '>1.2.2 <=1.2.3'));
  assert.not.ok(satisfies('1.2.3', '>1.2.3'));
  assert.not.ok(satisfies('1.2.3', '>=1.2.4'));
  assert.not.ok(satisfies('1.2.3', '~1.2.0')); // not a supported form: never a false yes
});

test.run();

'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { packageOf } = require('../../dist/agent/module-hooks');

test('the package a require() id names', () => {
  assert.is(packageOf('express'), 'express');
  assert.is(packageOf('express/lib/router/index.js'), 'express');
  assert.is(packageOf('node:http'), 'http');
  assert.is(packageOf('http'), 'http');
  assert.is(packageOf('@opentelemetry/api'), '@opentelemetry/api');
  assert.is(packageOf('@opentelemetry/api/build/src'), '@opentelemetry/api');
  assert.is(packageOf('./lib/express'), '.');
  assert.is(packageOf('/abs/node_modules/kafkajs'), '');
});

test.run();

'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const { joinRoute, mountPathOf, formatPath } = require('../../dist/instrumentations/express/route-template');

test('mount path: the first argument unless it is (an array starting with) a function', () => {
  const fn = () => {};
  assert.is(mountPathOf([fn]), '/');
  assert.is(mountPathOf([[fn, fn]]), '/');
  assert.is(mountPathOf(['/api', fn]), '/api');
  assert.equal(mountPathOf([['/a', '/b'], fn]), ['/a', '/b']);
  assert.is(mountPathOf([]), '/');
});

test('paths as text', () => {
  assert.is(formatPath('/x/:id'), '/x/:id');
  assert.is(formatPath(/^\/a$/i), '/^\\/a$/i');
  assert.is(formatPath(['/a', /b/]), '/a,/b/');
});

test('joining mount paths and the route', () => {
  assert.is(joinRoute(['/', '/users/:id']), '/users/:id');
  assert.is(joinRoute(['/', '/api', '/', '/v1', '/orders/:id']), '/api/v1/orders/:id');
  assert.is(joinRoute(['/api/', '/x']), '/api/x');
  assert.is(joinRoute(['/api', '/']), '/api');
  assert.is(joinRoute(['/', '/']), '/');
  assert.is(joinRoute(['items']), '/items');
});

test.run();

'use strict';
// The copies hoptrace hands kafkajs instead of the app's send arguments: one property differs,
// everything else reads as the app wrote it, and the app's own object is never changed.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { withProperty } = require('../../dist/instrumentations/kafkajs/copies');

test('a plain object: a copy with the one property replaced, the rest equal, the original untouched', () => {
  const original = { topic: 'orders', acks: -1, messages: ['m'] };
  const copy = withProperty(original, 'messages', ['with headers']);
  assert.is.not(copy, original);
  assert.equal(copy, { topic: 'orders', acks: -1, messages: ['with headers'] });
  assert.equal(original, { topic: 'orders', acks: -1, messages: ['m'] });
  assert.is(Object.getPrototypeOf(copy), Object.prototype);
  assert.equal(Object.keys(copy), ['topic', 'acks', 'messages'], 'keys keep their order');
  assert.equal(Object.getOwnPropertyDescriptor(copy, 'messages'), { value: ['with headers'], writable: true, enumerable: true, configurable: true });
  assert.equal(withProperty({ a: 1 }, 'added', 2), { a: 1, added: 2 }, 'a property the original did not have');
});

test('an object without a prototype (a header map made with Object.create(null)): copied as a plain one', () => {
  const original = Object.create(null);
  original.key = 'k';
  const copy = withProperty(original, 'headers', { traceparent: 'x' });
  assert.equal({ ...copy }, { key: 'k', headers: { traceparent: 'x' } });
  assert.is(Object.getOwnPropertyNames(copy).length, 2, 'own properties, not inherited');
  assert.equal(Object.keys(original), ['key']);
});

test("an instance of the app's own class: inherits from the original, so getters and prototype defaults still answer", () => {
  class Message {
    constructor() {
      this.key = 'k';
    }
    get value() {
      return `value of ${this.key}`;
    }
  }
  Message.prototype.partition = 3;
  const original = new Message();
  const copy = withProperty(original, 'headers', { traceparent: 'x' });
  assert.is(Object.getPrototypeOf(copy), original);
  assert.is(copy.key, 'k');
  assert.is(copy.value, 'value of k');
  assert.is(copy.partition, 3);
  assert.equal(copy.headers, { traceparent: 'x' });
  assert.equal(Object.getOwnPropertyDescriptor(copy, 'headers'), { value: { traceparent: 'x' }, writable: true, enumerable: true, configurable: true });
  assert.is(Object.prototype.hasOwnProperty.call(original, 'headers'), false, 'the original is untouched');
  assert.equal(Object.keys(copy), ['headers']);
});

test.run();

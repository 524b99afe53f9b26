import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker } from '../../src/resilience/index.js';

test('opens after consecutive failures, lets one trial through after openMs, closes on success', () => {
  let now = 0;
  const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => now });
  assert.equal(breaker.current(), 'closed');
  breaker.failure();
  breaker.failure();
  assert.equal(breaker.canRequest(), true);
  breaker.failure();
  assert.equal(breaker.current(), 'open');
  assert.equal(breaker.canRequest(), false);
  now = 999;
  assert.equal(breaker.isAvailable(), false);
  now = 1000;
  assert.equal(breaker.current(), 'half-open');
  assert.equal(breaker.canRequest(), true);
  assert.equal(breaker.canRequest(), false, 'only one trial at a time');
  breaker.success();
  assert.equal(breaker.current(), 'closed');
});

test('a failed half-open trial re-opens the circuit at once', () => {
  let now = 0;
  const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 100, now: () => now });
  breaker.failure();
  now = 150;
  assert.equal(breaker.canRequest(), true);
  breaker.failure();
  assert.equal(breaker.current(), 'open');
  now = 200;
  assert.equal(breaker.canRequest(), false);
});

test('a success resets the failure count', () => {
  const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 100 });
  breaker.failure();
  breaker.success();
  breaker.failure();
  assert.equal(breaker.current(), 'closed');
});

test('bad options are refused', () => {
  assert.throws(() => new CircuitBreaker({ failureThreshold: 0, openMs: 1 }), RangeError);
});

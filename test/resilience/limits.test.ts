import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimiter, TokenBucketLimiter, backoffDelay, retryWithBackoff } from '../../src/resilience/index.js';

test('token bucket spends the burst, refuses with Retry-After, then refills', () => {
  let now = 0;
  const limiter = new TokenBucketLimiter({ ratePerSecond: 2, burst: 3, now: () => now });
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('a').allowed, true);
  const refused = limiter.take('a');
  assert.equal(refused.allowed, false);
  assert.equal(refused.retryAfterSeconds, 1);
  assert.equal(limiter.take('b').allowed, true, 'clients have separate buckets');
  now = 500;
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, false);
});

test('concurrency limiter hands out at most max slots and release is idempotent', () => {
  const limiter = new ConcurrencyLimiter(2);
  const a = limiter.tryAcquire();
  const b = limiter.tryAcquire();
  assert.ok(a && b);
  assert.equal(limiter.tryAcquire(), undefined);
  assert.equal(limiter.saturated, true);
  a();
  a();
  assert.equal(limiter.inFlight, 1);
  assert.ok(limiter.tryAcquire());
});

test('retry gives up after the attempts and backoff stays within its cap', async () => {
  let calls = 0;
  await assert.rejects(retryWithBackoff(async () => { calls++; throw new Error('no'); }, { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }), /no/);
  assert.equal(calls, 3);
  const value = await retryWithBackoff(async (attempt) => { if (attempt < 1) throw new Error('once'); return 7; }, { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 });
  assert.equal(value, 7);
  assert.equal(backoffDelay(10, { attempts: 1, baseDelayMs: 100, maxDelayMs: 500 }, () => 0.999), 499);
});

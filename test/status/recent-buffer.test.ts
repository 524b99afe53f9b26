import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentBuffer, StatusError } from '../../src/status/index.js';

test('keeps the newest items, newest first, within its capacity', () => {
  const buffer = new RecentBuffer<number>(3);
  assert.deepEqual(buffer.newest(), []);
  buffer.push(1);
  buffer.push(2);
  assert.deepEqual(buffer.newest(), [2, 1]);
  for (let i = 3; i <= 10; i++) buffer.push(i);
  assert.equal(buffer.size, 3);
  assert.deepEqual(buffer.newest(), [10, 9, 8]);
  assert.deepEqual(buffer.newest(2), [10, 9]);
  assert.deepEqual(buffer.newest(0), []);
  assert.deepEqual(buffer.newest(-5), []);
  assert.deepEqual(buffer.newest(99), [10, 9, 8]);
  buffer.clear();
  assert.equal(buffer.size, 0);
  buffer.push(11);
  assert.deepEqual(buffer.newest(), [11]);
});

test('a capacity of one holds the last item', () => {
  const buffer = new RecentBuffer<string>(1);
  buffer.push('a');
  buffer.push('b');
  assert.deepEqual(buffer.newest(), ['b']);
});

test('rejects a capacity that is not a positive integer', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, 2_000_000]) {
    assert.throws(() => new RecentBuffer(bad), (err: unknown) => err instanceof StatusError && err.code === 'MERIDIAN_E_STATUS_OPTIONS_INVALID');
  }
});

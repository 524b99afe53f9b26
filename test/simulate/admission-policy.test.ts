import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LRUCache } from 'lru-cache';
import { FrequencySketch, SecondHitAdmission, TinyLfuAdmission, lruVictims, setWithAdmission } from '../../src/cache/admission/index.js';

test('frequency sketch: a key seen once sits in the doorkeeper; counts grow; aging halves them', () => {
  const sketch = new FrequencySketch({ expectedEntries: 16, samplePeriod: 100 });
  assert.equal(sketch.estimate('a'), 0);
  sketch.record('a');
  assert.equal(sketch.estimate('a'), 1);
  for (let i = 0; i < 9; i++) sketch.record('a');
  assert.equal(sketch.estimate('a'), 10);
  for (let i = 0; i < 89; i++) sketch.record(`other-${i}`);
  // The 100th lookup ages: 9 counted (the first went to the doorkeeper) → 4, doorkeeper cleared.
  sketch.record('b');
  assert.equal(sketch.estimate('a'), 4);
});

test('frequency sketch: counters saturate at the limit', () => {
  const sketch = new FrequencySketch({ expectedEntries: 16, samplePeriod: 10_000 });
  for (let i = 0; i < 100; i++) sketch.record('a');
  assert.equal(sketch.estimate('a'), 16); // 15 counted + 1 in the doorkeeper
});

test('tinylfu: room to spare admits anything; otherwise the candidate must beat every victim (max rule)', () => {
  const policy = new TinyLfuAdmission({ expectedEntries: 16 });
  for (let i = 0; i < 5; i++) policy.record('popular');
  policy.record('rare');
  assert.equal(policy.shouldAdmit({ key: 'rare', size: 10 }, [], 10), true);
  assert.equal(policy.shouldAdmit({ key: 'rare', size: 10 }, [{ key: 'popular', size: 10 }], 0), false);
  assert.equal(policy.shouldAdmit({ key: 'popular', size: 10 }, [{ key: 'rare', size: 10 }], 0), true);
  // Two victims needed; one of them more popular than the candidate: refused.
  policy.record('mid');
  policy.record('mid');
  assert.equal(policy.shouldAdmit({ key: 'mid', size: 20 }, [{ key: 'rare', size: 10 }, { key: 'popular', size: 10 }], 0), false);
  assert.equal(policy.shouldAdmit({ key: 'mid', size: 20 }, [{ key: 'rare', size: 10 }, { key: 'unknown', size: 10 }], 0), true);
});

test('tinylfu sum rule: a big candidate must outweigh all its victims together', () => {
  const policy = new TinyLfuAdmission({ expectedEntries: 16, rule: 'sum' });
  for (let i = 0; i < 3; i++) policy.record('big');
  for (const k of ['s1', 's2']) for (let i = 0; i < 2; i++) policy.record(k);
  assert.equal(policy.name, 'tinylfu-sum');
  assert.equal(policy.shouldAdmit({ key: 'big', size: 20 }, [{ key: 's1', size: 10 }, { key: 's2', size: 10 }], 0), false);
  assert.equal(policy.shouldAdmit({ key: 'big', size: 10 }, [{ key: 's1', size: 10 }, { key: 's2', size: 10 }], 0), true);
});

test('tinylfu refuses a candidate needing more victims than the store has', () => {
  const policy = new TinyLfuAdmission({ expectedEntries: 16 });
  for (let i = 0; i < 5; i++) policy.record('a');
  assert.equal(policy.shouldAdmit({ key: 'a', size: 100 }, [{ key: 'b', size: 10 }], 0), false);
});

test('second-hit admits only keys asked for before once the store is full', () => {
  const policy = new SecondHitAdmission({ expectedEntries: 16 });
  policy.record('a');
  assert.equal(policy.shouldAdmit({ key: 'a', size: 1 }, [], 0), false);
  policy.record('a');
  assert.equal(policy.shouldAdmit({ key: 'a', size: 1 }, [], 0), true);
});

test('setWithAdmission on a real lru-cache: victims are read least recently used first', () => {
  const sizeOf = (v: number) => v;
  const lru = new LRUCache<string, number>({ maxSize: 30, sizeCalculation: sizeOf });
  const policy = new TinyLfuAdmission({ expectedEntries: 16 });
  for (const key of ['x', 'y', 'z']) {
    policy.record(key);
    assert.equal(setWithAdmission(lru, policy, key, 10, sizeOf), true);
  }
  lru.get('x');
  assert.deepEqual([...lruVictims(lru, sizeOf)].map((v) => v.key), ['y', 'z', 'x']);
  policy.record('new');
  assert.equal(setWithAdmission(lru, policy, 'new', 10, sizeOf), false, 'a first sighting does not push out y');
  for (let i = 0; i < 3; i++) policy.record('new');
  assert.equal(setWithAdmission(lru, policy, 'new', 10, sizeOf), true);
  assert.equal(lru.has('y'), false);
  assert.equal(setWithAdmission(lru, policy, 'huge', 31, sizeOf), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom, createSimCache, entryCost, nextUses, type PolicyName } from '../../src/simulate/index.js';

/** Replays object names through one policy; every object 1 KiB (2 KiB with the entry overhead). */
function replay(policy: PolicyName, names: readonly string[], budgetBytes: number, sizeOf: (name: string) => number = () => 1024): boolean[] {
  const ids = new Map<string, number>();
  const objects = names.map((n) => ids.get(n) ?? (ids.set(n, ids.size), ids.size - 1));
  const next = nextUses(objects, ids.size);
  const cache = createSimCache(policy, { budgetBytes, objects: ids.size, expectedEntries: 16 });
  return names.map((n, i) => cache.request(objects[i]!, n, sizeOf(n), next[i]!));
}

const hitsOf = (hits: boolean[]) => hits.filter(Boolean).length;
const THREE = 3 * entryCost(1024);

test('nextUses: the position of the next request for the same object, or past the end (unique) for never', () => {
  assert.deepEqual([...nextUses([0, 1, 0, 2, 1], 3)], [2, 4, 5 + 2, 5 + 3, 5 + 4]);
});

test('lru on a hand-computed trace: A B C A D B A C with room for three', () => {
  // A B C miss; A hit; D evicts B; B evicts C; A hit; C evicts D.
  const hits = replay('lru', ['A', 'B', 'C', 'A', 'D', 'B', 'A', 'C'], THREE);
  assert.deepEqual(hits, [false, false, false, true, false, false, true, false]);
});

test('belady on the same trace: D is never asked again, so it is the one that goes, and B, A, C all hit', () => {
  const hits = replay('belady', ['A', 'B', 'C', 'A', 'D', 'B', 'A', 'C'], THREE);
  assert.deepEqual(hits, [false, false, false, true, false, true, true, true]);
});

test('belady with unequal sizes evicts the furthest next request, even when it is the big one', () => {
  // Room for 4 KiB of bodies + overhead. big (2 KiB) is asked again last, so inserting c pushes it out.
  const sizeOf = (n: string) => (n === 'big' ? 2048 : 1024);
  const budget = entryCost(2048) + 2 * entryCost(1024);
  const hits = replay('belady', ['big', 'a', 'b', 'c', 'a', 'b', 'c', 'big'], budget, sizeOf);
  // big a b fill the budget; c arrives: furthest next use is big (position 7) → big evicted; c fits.
  assert.deepEqual(hits, [false, false, false, false, true, true, true, false]);
});

test('an object larger than the whole budget is never stored, by any policy', () => {
  for (const policy of ['lru', 'tinylfu', 'second-hit', 'belady'] as const) {
    assert.equal(hitsOf(replay(policy, ['x', 'x', 'x'], 1000)), 0, policy);
  }
});

test('scan resistance: a flood of one-hit wonders flushes LRU but not the admission filters', () => {
  const names: string[] = [];
  const hot = Array.from({ length: 10 }, (_, i) => `hot-${i}`);
  for (let round = 0; round < 50; round++) {
    names.push(...hot);
    for (let s = 0; s < 20; s++) names.push(`scan-${round}-${s}`);
  }
  const budget = 10 * entryCost(1024);
  const lru = hitsOf(replay('lru', names, budget));
  const tinylfu = hitsOf(replay('tinylfu', names, budget));
  const secondHit = hitsOf(replay('second-hit', names, budget));
  const belady = hitsOf(replay('belady', names, budget));
  // LRU: 20 scans then 10 hot with room for 10: every hot request misses.
  assert.equal(lru, 0);
  // TinyLFU keeps the hot set from round 2 on: 49 rounds × 10 hits, give or take sketch noise.
  assert.ok(tinylfu >= 480, `tinylfu ${tinylfu}`);
  // Second-hit ignores its victims, so the few scans its doorkeeper mistakes for repeats (false
  // positives, a few percent when full) each push out a hot object: well above LRU, below TinyLFU.
  assert.ok(secondHit >= 250 && secondHit <= tinylfu, `second-hit ${secondHit}`);
  assert.ok(belady >= tinylfu, `belady ${belady} is the bound`);
});

test('a shifting hot set: the filters still adopt new popular objects after aging', () => {
  const names: string[] = [];
  for (let phase = 0; phase < 2; phase++) {
    for (let i = 0; i < 3000; i++) names.push(`p${phase}-${i % 8}`, `once-${phase}-${i}`);
  }
  const budget = 8 * entryCost(1024);
  const second = replay('tinylfu', names, budget).slice(names.length / 2);
  // In the second phase the new hot set (8 objects) must win back the cache: most of its requests hit.
  const hotHits = second.filter((hit, i) => hit && i % 2 === 0).length;
  assert.ok(hotHits > 2500, `second-phase hot hits ${hotHits} of 3000`);
});

test('with equal sizes Belady is optimal: no policy beats it on random traces', () => {
  const random = createRandom(42);
  for (let round = 0; round < 30; round++) {
    const names = Array.from({ length: 300 }, () => `k${Math.floor(Math.pow(random(), 2) * 40)}`);
    const budget = (2 + Math.floor(random() * 10)) * entryCost(1024);
    const belady = hitsOf(replay('belady', names, budget));
    for (const policy of ['lru', 'second-hit', 'tinylfu', 'tinylfu-sum', 'tinylfu-density'] as const) {
      assert.ok(hitsOf(replay(policy, names, budget)) <= belady, `round ${round}: ${policy} beat belady`);
    }
  }
});

import { LRUCache } from 'lru-cache';
import { SecondHitAdmission, TinyLfuAdmission, setWithAdmission, type AdmissionPolicy } from '../cache/index.js';
import type { PolicyName } from './types.js';

/**
 * What an entry costs the store: body bytes plus the fixed 1024-byte allowance the cache room's
 * MemoryStore charges for headers and bookkeeping (its `entrySize`). Every policy, Belady included,
 * pays the same, so budgets compare.
 */
export const ENTRY_OVERHEAD_BYTES = 1024;
export const entryCost = (size: number): number => size + ENTRY_OVERHEAD_BYTES;

/** One cache replaying one request stream. */
export interface SimCache {
  /**
   * One request of object `object` (key `key`, `size` body bytes). `nextUse` is the position in
   * this cache's own stream of the next request for the same object (Infinity-free: any value past
   * the stream's end means never); only Belady reads it. Returns true on a hit.
   */
  request(object: number, key: string, size: number, nextUse: number): boolean;
  /**
   * Store without a request (warming from a peer), `popularity` lookups the peer saw: an admission
   * filter learns them so the warmed entry is not pushed out by the first newcomer. Returns whether stored.
   */
  warm(object: number, key: string, size: number, nextUse: number, popularity: number): boolean;
}

export interface SimCacheOptions {
  budgetBytes: number;
  /** Distinct objects in the whole trace (Belady's per-object arrays). */
  objects: number;
  /** Entries the budget is expected to hold (sizes the admission sketch). */
  expectedEntries: number;
}

export function createSimCache(policy: PolicyName, options: SimCacheOptions): SimCache {
  switch (policy) {
    case 'lru':
      return new LruCache(options.budgetBytes, undefined);
    case 'tinylfu':
      return new LruCache(options.budgetBytes, new TinyLfuAdmission({ expectedEntries: options.expectedEntries, rule: 'max' }));
    case 'tinylfu-sum':
      return new LruCache(options.budgetBytes, new TinyLfuAdmission({ expectedEntries: options.expectedEntries, rule: 'sum' }));
    case 'tinylfu-density':
      return new LruCache(options.budgetBytes, new TinyLfuAdmission({ expectedEntries: options.expectedEntries, rule: 'density' }));
    case 'second-hit':
      return new LruCache(options.budgetBytes, new SecondHitAdmission({ expectedEntries: options.expectedEntries }));
    case 'belady':
      return new BeladyCache(options.budgetBytes, options.objects);
  }
}

/**
 * lru-cache configured as the cache room's MemoryStore configures it (maxSize in bytes,
 * sizeCalculation per entry), optionally behind an admission policy. The value is the body size.
 */
class LruCache implements SimCache {
  readonly #lru: LRUCache<string, number>;
  readonly #admission: AdmissionPolicy | undefined;

  constructor(budgetBytes: number, admission: AdmissionPolicy | undefined) {
    this.#lru = new LRUCache<string, number>({ maxSize: budgetBytes, sizeCalculation: entryCost });
    this.#admission = admission;
  }

  request(_object: number, key: string, size: number): boolean {
    this.#admission?.record(key);
    if (this.#lru.get(key) !== undefined) return true;
    if (entryCost(size) > this.#lru.maxSize) return false;
    if (this.#admission) setWithAdmission(this.#lru, this.#admission, key, size, entryCost);
    else this.#lru.set(key, size);
    return false;
  }

  warm(_object: number, key: string, size: number, _nextUse: number, popularity: number): boolean {
    if (entryCost(size) > this.#lru.maxSize - this.#lru.calculatedSize) return false;
    // Counters saturate at 15 anyway; more records would only hasten the sketch's aging.
    for (let i = 0; i < Math.min(popularity, 16); i++) this.#admission?.record(key);
    this.#lru.set(key, size);
    return true;
  }
}

/**
 * Belady's offline policy for variable sizes: on a miss the object is inserted, then objects are
 * evicted, furthest next request first, until the budget holds (the new object itself may be the
 * one that goes: a bypass). With unequal sizes exact optimality is NP-hard; this heuristic is the
 * standard bound used in the literature (e.g. LRB, Song et al. NSDI 2020) and what we compare to.
 */
class BeladyCache implements SimCache {
  readonly #budget: number;
  #used = 0;
  /** Per object: its pending next use while cached, -1 when not cached. */
  readonly #next: Float64Array;
  readonly #cost: Float64Array;
  /** Max-heap of (next use, object); stale entries are skipped when popped. */
  readonly #heapNext: number[] = [];
  readonly #heapObject: number[] = [];

  constructor(budgetBytes: number, objects: number) {
    this.#budget = budgetBytes;
    this.#next = new Float64Array(objects).fill(-1);
    this.#cost = new Float64Array(objects);
  }

  request(object: number, _key: string, size: number, nextUse: number): boolean {
    if (this.#next[object]! >= 0) {
      this.#next[object] = nextUse;
      this.#push(nextUse, object);
      return true;
    }
    const cost = entryCost(size);
    if (cost > this.#budget) return false;
    this.#next[object] = nextUse;
    this.#cost[object] = cost;
    this.#used += cost;
    this.#push(nextUse, object);
    while (this.#used > this.#budget) {
      const [next, victim] = this.#pop();
      if (this.#next[victim] !== next) continue;
      this.#next[victim] = -1;
      this.#used -= this.#cost[victim]!;
    }
    return false;
  }

  warm(object: number, _key: string, size: number, nextUse: number): boolean {
    const cost = entryCost(size);
    if (this.#next[object]! >= 0 || cost > this.#budget - this.#used) return false;
    this.#next[object] = nextUse;
    this.#cost[object] = cost;
    this.#used += cost;
    this.#push(nextUse, object);
    return true;
  }

  #push(next: number, object: number): void {
    const n = this.#heapNext;
    const o = this.#heapObject;
    let i = n.length;
    n.push(next);
    o.push(object);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (n[parent]! >= next) break;
      n[i] = n[parent]!;
      o[i] = o[parent]!;
      i = parent;
    }
    n[i] = next;
    o[i] = object;
  }

  #pop(): [number, number] {
    const n = this.#heapNext;
    const o = this.#heapObject;
    const top: [number, number] = [n[0]!, o[0]!];
    const lastNext = n.pop()!;
    const lastObject = o.pop()!;
    if (n.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n.length) break;
        const child = left + 1 < n.length && n[left + 1]! > n[left]! ? left + 1 : left;
        if (n[child]! <= lastNext) break;
        n[i] = n[child]!;
        o[i] = o[child]!;
        i = child;
      }
      n[i] = lastNext;
      o[i] = lastObject;
    }
    return top;
  }
}

/**
 * For each position of a stream of object indexes, the position of the next request for the same
 * object; "never" is encoded as length + position, past every real position and unique, so the
 * heap's staleness check stays exact.
 */
export function nextUses(objects: ArrayLike<number>, objectCount: number): Float64Array {
  const next = new Float64Array(objects.length);
  const seen = new Float64Array(objectCount).fill(-1);
  for (let i = objects.length - 1; i >= 0; i--) {
    const object = objects[i]!;
    next[i] = seen[object]! >= 0 ? seen[object]! : objects.length + i;
    seen[object] = i;
  }
  return next;
}

import type { LRUCache } from 'lru-cache';
import type { AdmissionCandidate, AdmissionPolicy } from './types.js';

/** The entries an lru-cache would evict next, least recently used first, read lazily. */
export function* lruVictims<V extends {}>(lru: LRUCache<string, V>, sizeOf: (value: V) => number): Generator<AdmissionCandidate> {
  for (const key of lru.rkeys()) {
    const value = lru.peek(key);
    if (value !== undefined) yield { key, size: sizeOf(value) };
  }
}

/**
 * Store `value` under `key` in a byte-bounded lru-cache (maxSize + sizeCalculation) if `policy`
 * admits it. Call `policy.record(key)` on every lookup before this. Returns whether it was stored.
 */
export function setWithAdmission<V extends {}>(lru: LRUCache<string, V>, policy: AdmissionPolicy, key: string, value: V, sizeOf: (value: V) => number): boolean {
  const size = sizeOf(value);
  if (size > lru.maxSize) return false;
  if (!lru.has(key) && !policy.shouldAdmit({ key, size }, lruVictims(lru, sizeOf), lru.maxSize - lru.calculatedSize)) return false;
  lru.set(key, value);
  return true;
}

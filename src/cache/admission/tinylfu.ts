import { FrequencySketch } from './frequency-sketch.js';
import type { AdmissionCandidate, AdmissionPolicy, TinyLfuOptions, TinyLfuRule } from './types.js';

const DEFAULT_MAX_VICTIMS = 256;

/**
 * TinyLFU admission, size-aware: a candidate that needs room is admitted only when its estimated
 * frequency beats the victims it would push out, by `rule`:
 * - `max` (default): more than each victim's frequency (Caffeine's weighted eviction, one victim at
 *   a time), so a popular object is never pushed out by a less popular one, whatever the sizes;
 * - `sum`: more than the victims' frequencies added up, so a large object must be worth every small
 *   one it displaces (best object hit ratio, worse byte hit ratio);
 * - `density`: more than the victims' byte-weighted mean frequency (per-byte value, in theory the
 *   byte-hit-ratio optimum under independent requests).
 * Ties go to the incumbents: churn costs origin bytes, keeping them costs nothing.
 */
export class TinyLfuAdmission implements AdmissionPolicy {
  readonly name: string;
  readonly #sketch: FrequencySketch;
  readonly #rule: TinyLfuRule;
  readonly #maxVictims: number;

  constructor(options: TinyLfuOptions) {
    this.#sketch = new FrequencySketch(options);
    this.#rule = options.rule ?? 'max';
    this.#maxVictims = options.maxVictims ?? DEFAULT_MAX_VICTIMS;
    this.name = this.#rule === 'max' ? 'tinylfu' : `tinylfu-${this.#rule}`;
  }

  record(key: string): void {
    this.#sketch.record(key);
  }

  /** Estimated recent lookups of `key` (what admission weighs; also ranks keys for warming peers). */
  estimate(key: string): number {
    return this.#sketch.estimate(key);
  }

  shouldAdmit(candidate: AdmissionCandidate, victims: Iterable<AdmissionCandidate>, freeBytes: number): boolean {
    if (candidate.size <= freeBytes) return true;
    const needed = candidate.size - freeBytes;
    let freed = 0;
    let sum = 0;
    let max = 0;
    let weighted = 0;
    let read = 0;
    for (const victim of victims) {
      if (++read > this.#maxVictims) return false;
      const frequency = this.#sketch.estimate(victim.key);
      sum += frequency;
      max = Math.max(max, frequency);
      weighted += frequency * victim.size;
      freed += victim.size;
      if (freed >= needed) break;
    }
    if (freed < needed) return false;
    const frequency = this.#sketch.estimate(candidate.key);
    switch (this.#rule) {
      case 'sum':
        return frequency > sum;
      case 'max':
        return frequency > max;
      case 'density':
        return frequency * freed > weighted;
    }
  }
}

/**
 * "Store on second request": a key is stored only once it has been asked for before (within the
 * sketch's aging window), so one-hit wonders never displace anything. Victims are not consulted.
 */
export class SecondHitAdmission implements AdmissionPolicy {
  readonly name = 'second-hit';
  readonly #sketch: FrequencySketch;

  constructor(options: TinyLfuOptions) {
    this.#sketch = new FrequencySketch(options);
  }

  record(key: string): void {
    this.#sketch.record(key);
  }

  shouldAdmit(candidate: AdmissionCandidate, _victims: Iterable<AdmissionCandidate>, freeBytes: number): boolean {
    return candidate.size <= freeBytes || this.#sketch.estimate(candidate.key) >= 2;
  }
}

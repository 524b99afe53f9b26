import type { FrequencySketchOptions } from './types.js';

/** Counters saturate at 15 by default, as TinyLFU's 4-bit counters do. */
const DEFAULT_COUNTER_LIMIT = 15;
const DEPTH = 4;
/**
 * Lookups per aging period, per cache entry. TinyLFU's paper uses 10; on light-tailed (Zipf 0.8)
 * traffic the objects at the edge of the cache are asked for about once per 10 × C lookups, too
 * few to rank them, and the simulator measured 64 to work best (src/simulate/README.md).
 */
const DEFAULT_PERIOD_PER_ENTRY = 64;
/** Sample-period lookups per counter of a row: a quarter measured as good as one (README). */
const DEFAULT_PERIOD_PER_COUNTER = 4;
const DOORKEEPER_HASHES = 3;

/**
 * TinyLFU's frequency estimate (Einziger, Friedman, Manes 2017): a count-min sketch with a
 * doorkeeper bloom filter in front, so keys seen once (most of a long tail) never reach the
 * counters, and periodic aging (halve every counter, clear the doorkeeper) so past popularity fades.
 */
export class FrequencySketch {
  readonly #counters: Uint8Array;
  readonly #mask: number;
  readonly #doorkeeper: Uint32Array;
  readonly #doorkeeperMask: number;
  readonly #samplePeriod: number;
  readonly #limit: number;
  #samples = 0;

  constructor(options: FrequencySketchOptions) {
    const entries = Math.max(16, Math.ceil(options.expectedEntries));
    this.#samplePeriod = Math.max(16, Math.floor(options.samplePeriod ?? DEFAULT_PERIOD_PER_ENTRY * entries));
    const width = nextPowerOfTwo(Math.max(16, Math.ceil(options.width ?? this.#samplePeriod / DEFAULT_PERIOD_PER_COUNTER)));
    this.#counters = new Uint8Array(width * DEPTH);
    this.#mask = width - 1;
    this.#limit = Math.min(255, Math.max(1, Math.floor(options.counterLimit ?? DEFAULT_COUNTER_LIMIT)));
    // The doorkeeper holds the distinct keys of one sample period: 4 bits per recorded lookup
    // keeps its false-positive rate near 15% with three hashes even when every lookup is new.
    const bits = nextPowerOfTwo(this.#samplePeriod * 4);
    this.#doorkeeper = new Uint32Array(Math.max(1, bits >>> 5));
    this.#doorkeeperMask = bits - 1;
  }

  /** Count one lookup of `key`. */
  record(key: string): void {
    const h1 = hashString(key);
    const h2 = mix(h1);
    if (!this.#doorkeeperHas(h1, h2)) {
      this.#doorkeeperAdd(h1, h2);
    } else {
      // Conservative update: raise only the counters at the current minimum. The estimate (the
      // minimum) grows the same, while collisions inflate the other counters far less.
      const width = this.#mask + 1;
      let min = this.#limit;
      for (let i = 0; i < DEPTH; i++) min = Math.min(min, this.#counters[i * width + ((h1 + i * h2) & this.#mask)]!);
      if (min < this.#limit) {
        for (let i = 0; i < DEPTH; i++) {
          const index = i * width + ((h1 + i * h2) & this.#mask);
          if (this.#counters[index] === min) this.#counters[index] = min + 1;
        }
      }
    }
    if (++this.#samples >= this.#samplePeriod) this.#age();
  }

  /** Estimated lookups of `key` in the recent past (never an underestimate before aging). */
  estimate(key: string): number {
    const h1 = hashString(key);
    const h2 = mix(h1);
    let min = this.#limit;
    for (let i = 0; i < DEPTH; i++) {
      const value = this.#counters[i * (this.#mask + 1) + ((h1 + i * h2) & this.#mask)]!;
      if (value < min) min = value;
    }
    return this.#doorkeeperHas(h1, h2) ? min + 1 : min;
  }

  #age(): void {
    this.#samples = 0;
    for (let i = 0; i < this.#counters.length; i++) this.#counters[i] = this.#counters[i]! >>> 1;
    this.#doorkeeper.fill(0);
  }

  #doorkeeperHas(h1: number, h2: number): boolean {
    for (let i = 0; i < DOORKEEPER_HASHES; i++) {
      const bit = (h2 + i * h1) & this.#doorkeeperMask;
      if ((this.#doorkeeper[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  #doorkeeperAdd(h1: number, h2: number): void {
    for (let i = 0; i < DOORKEEPER_HASHES; i++) {
      const bit = (h2 + i * h1) & this.#doorkeeperMask;
      this.#doorkeeper[bit >>> 5]! |= 1 << (bit & 31);
    }
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** FNV-1a over UTF-16 code units: fast, no allocation; the sketch only needs spread, not secrecy. */
function hashString(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finalizer: a second, independent-enough hash for double hashing. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h | 1) >>> 0;
}

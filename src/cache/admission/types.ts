/** A stored object as the admission policy sees it: its key and what it costs the store in bytes. */
export interface AdmissionCandidate {
  key: string;
  size: number;
}

/**
 * An admission policy sits in front of an eviction policy (lru-cache's LRU): every lookup is
 * recorded, and a missed object is stored only when the policy says it is worth more than
 * what storing it would evict. The store stays the owner of eviction order.
 */
export interface AdmissionPolicy {
  readonly name: string;
  /** Every lookup of a key, hit or miss, before `shouldAdmit` is asked about it. */
  record(key: string): void;
  /**
   * Whether to store `candidate`. `victims` are the entries the store would evict to make room,
   * first to go first (lru-cache: `rkeys()`, least recently used first); `freeBytes` is the room
   * left without evicting anything. Iterate lazily: only as many victims as needed are read.
   */
  shouldAdmit(candidate: AdmissionCandidate, victims: Iterable<AdmissionCandidate>, freeBytes: number): boolean;
}

export interface FrequencySketchOptions {
  /** Entries the cache is expected to hold (its byte budget / a typical object size). */
  expectedEntries: number;
  /** Recorded lookups between agings (all counters halved, doorkeeper cleared). Default 64 × expectedEntries. */
  samplePeriod?: number;
  /**
   * Counters per row (rounded up to a power of two). Default: a quarter of the sample period, because
   * the distinct keys of one period (not the cache's entries) share the counters, and a sketch as
   * narrow as the cache drowns the rarely-asked objects at the edge of the cache in collisions.
   */
  width?: number;
  /** Where counters saturate (1-255). Default 15, TinyLFU's 4-bit counters. */
  counterLimit?: number;
}

/** How a candidate's frequency is weighed against its victims' (see TinyLfuAdmission). */
export type TinyLfuRule = 'sum' | 'max' | 'density';

export interface TinyLfuOptions extends FrequencySketchOptions {
  /** Default `max`, the winner of the simulator's comparison. */
  rule?: TinyLfuRule;
  /** Victims read at most per decision; a candidate needing more is refused. Default 256. */
  maxVictims?: number;
}

import { LRUCache } from 'lru-cache';
import { TinyLfuAdmission, setWithAdmission } from '../admission/index.js';
import type { CacheStore, StoreEntry, StoreEvents } from '../types.js';
import { entryExpiresAt, entrySize } from './serialize.js';

/** `tinylfu`: the simulator's winner (src/cache/admission/README.md); `none`: store every put (plain LRU). */
export type AdmissionMode = 'tinylfu' | 'none';

/** A typical object size, to turn the byte budget into the sketch's expected entry count. */
const TYPICAL_OBJECT_BYTES = 65536;

export interface MemoryStoreOptions {
  maxBytes: number;
  maxObjectBytes: number;
  events: StoreEvents;
  /** Default `tinylfu`. */
  admission?: AdmissionMode;
  now?: () => number;
}

/** A key the store holds, with its worth for warming a peer (see `hottest`). */
export interface HotKey {
  host: string;
  /** Path with query, as requested. */
  path: string;
  bytes: number;
  /** Estimated recent lookups (admission sketch); 0 without admission. */
  frequency: number;
}

/**
 * In-process LRU bounded in bytes (lru-cache maxSize + sizeCalculation). Entries keep
 * their runtime fields (live policy, downstream headers), so a hit costs no parsing.
 * With admission, every lookup is recorded and a put that would evict more valuable
 * entries is declined (returns false; the response is still served).
 */
export class MemoryStore implements CacheStore {
  readonly name = 'memory';
  private readonly lru: LRUCache<string, StoreEntry>;
  private readonly now: () => number;
  private readonly admission: TinyLfuAdmission | undefined;

  constructor(private readonly options: MemoryStoreOptions) {
    this.now = options.now ?? Date.now;
    this.lru = new LRUCache<string, StoreEntry>({
      maxSize: options.maxBytes,
      sizeCalculation: entrySize,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') options.events.evicted(this.name);
      },
    });
    if ((options.admission ?? 'tinylfu') === 'tinylfu') {
      this.admission = new TinyLfuAdmission({ expectedEntries: Math.max(16, Math.ceil(options.maxBytes / TYPICAL_OBJECT_BYTES)) });
    }
  }

  get(key: string): StoreEntry | undefined {
    this.admission?.record(key);
    const entry = this.lru.get(key);
    if (entry && entryExpiresAt(entry) <= this.now()) {
      this.lru.delete(key);
      this.options.events.expired(this.name);
      return undefined;
    }
    return entry;
  }

  put(key: string, entry: StoreEntry): boolean {
    const size = entrySize(entry);
    if (size > this.options.maxObjectBytes || size > this.options.maxBytes) return false;
    if (!this.admission) {
      this.lru.set(key, entry);
      return true;
    }
    if (setWithAdmission(this.lru, this.admission, key, entry, entrySize)) return true;
    this.options.events.declined(this.name);
    return false;
  }

  /** Whether the key is held, without counting a lookup or refreshing its recency (prefetch checks). */
  has(key: string): boolean {
    return this.lru.has(key);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  /**
   * The `limit` most valuable object keys: by admission frequency (ties: most recently used
   * first) with admission, else most recently used first. Listed by URL (host + path), once
   * per URL however many Vary variants it has: a peer warms by fetching the URL.
   */
  hottest(limit: number): HotKey[] {
    const byUrl = new Map<string, HotKey>();
    const now = this.now();
    for (const [key, entry] of this.lru.entries()) {
      if (entry.kind !== 'object' || entryExpiresAt(entry) <= now) continue;
      const { host, path } = entry.object.meta;
      const url = `${host}${path}`;
      if (byUrl.has(url)) continue;
      byUrl.set(url, { host, path, bytes: entrySize(entry), frequency: this.admission?.estimate(key) ?? 0 });
    }
    const keys = [...byUrl.values()];
    // A stable sort keeps lru-cache's most-recent-first order among equal frequencies.
    keys.sort((a, b) => b.frequency - a.frequency);
    return keys.slice(0, Math.max(0, limit));
  }

  /** Bytes held now (for the gauge). */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}

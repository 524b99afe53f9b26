import { LRUCache } from 'lru-cache';
import type { CacheStore, StoreEntry, StoreEvents } from '../types.js';
import { entryExpiresAt, entrySize } from './serialize.js';

export interface MemoryStoreOptions {
  maxBytes: number;
  maxObjectBytes: number;
  events: StoreEvents;
  now?: () => number;
}

/**
 * In-process LRU bounded in bytes (lru-cache maxSize + sizeCalculation). Entries keep
 * their runtime fields (live policy, downstream headers), so a hit costs no parsing.
 */
export class MemoryStore implements CacheStore {
  readonly name = 'memory';
  private readonly lru: LRUCache<string, StoreEntry>;
  private readonly now: () => number;

  constructor(private readonly options: MemoryStoreOptions) {
    this.now = options.now ?? Date.now;
    this.lru = new LRUCache<string, StoreEntry>({
      maxSize: options.maxBytes,
      sizeCalculation: entrySize,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') options.events.evicted(this.name);
      },
    });
  }

  get(key: string): StoreEntry | undefined {
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
    this.lru.set(key, entry);
    return true;
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  /** Bytes held now (for the gauge). */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}

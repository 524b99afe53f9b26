import type { CacheStore, StoreEntry } from '../types.js';
import { MemoryStore } from './memory-store.js';

/**
 * The stores of one node, tried in order on lookup (fast and small first) and all
 * written on store. A hit in a later store is copied into the earlier ones. A store
 * that fails is treated as a miss: a broken disk or an absent Redis costs hit ratio,
 * never a client error.
 */
export class StoreChain {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(readonly stores: readonly CacheStore[], private readonly onError: (store: string, err: unknown) => void) {}

  /** Synchronous fast path when the first store answers synchronously (memory). */
  get(key: string): StoreEntry | undefined | Promise<StoreEntry | undefined> {
    const first = this.stores[0]!;
    let answer: StoreEntry | undefined | Promise<StoreEntry | undefined>;
    try {
      answer = first.get(key);
    } catch (err) {
      this.onError(first.name, err);
      answer = undefined;
    }
    if (answer !== undefined && !(answer instanceof Promise)) return answer;
    if (this.stores.length === 1) return answer instanceof Promise ? answer.catch((err) => (this.onError(first.name, err), undefined)) : undefined;
    return this.getSlow(key, answer);
  }

  /** True when a memory store holds the key (slower stores are not asked: this is a cheap hint). */
  holds(key: string): boolean {
    return this.stores.some((store) => store instanceof MemoryStore && store.has(key));
  }

  private async getSlow(key: string, firstAnswer: Promise<StoreEntry | undefined> | undefined): Promise<StoreEntry | undefined> {
    for (let i = 0; i < this.stores.length; i++) {
      const store = this.stores[i]!;
      let entry: StoreEntry | undefined;
      try {
        entry = i === 0 ? await firstAnswer : await store.get(key);
      } catch (err) {
        this.onError(store.name, err);
      }
      if (entry) {
        for (let j = 0; j < i; j++) void this.putOne(this.stores[j]!, key, entry);
        return entry;
      }
    }
    return undefined;
  }

  private async putOne(store: CacheStore, key: string, entry: StoreEntry): Promise<boolean> {
    try {
      return await store.put(key, entry);
    } catch (err) {
      this.onError(store.name, err);
      return false;
    }
  }

  /**
   * True when at least one store kept the entry. When the first (fastest) store keeps it,
   * the slower ones are written in the background, so a miss never waits for a disk or
   * Redis write; `close()` waits for those writes.
   */
  async put(key: string, entry: StoreEntry): Promise<boolean> {
    const [first, ...rest] = this.stores;
    const kept = await this.putOne(first!, key, entry);
    const others = Promise.all(rest.map((store) => this.putOne(store, key, entry)));
    if (!kept) return (await others).some(Boolean);
    this.pending.add(others);
    void others.finally(() => this.pending.delete(others));
    return true;
  }

  async delete(key: string): Promise<void> {
    // A background write finishing after this delete would resurrect the entry in a slow store.
    if (this.pending.size > 0) await Promise.all(this.pending);
    await Promise.all(
      this.stores.map(async (store) => {
        try {
          await store.delete(key);
        } catch (err) {
          this.onError(store.name, err);
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.pending);
    await Promise.all(this.stores.map((store) => store.close().catch((err) => this.onError(store.name, err))));
  }
}

import { Redis } from 'ioredis';
import type { CacheStore, StoreEntry, StoreEvents } from '../types.js';
import { decodeEntry, encodeEntry, entryExpiresAt } from './serialize.js';

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  maxObjectBytes: number;
  events: StoreEvents;
  /** Per-command bound, so a slow or absent Redis turns into a miss instead of a stall. */
  commandTimeoutMs?: number;
  now?: () => number;
}

/**
 * Small objects shared by a group of nodes. Expiry is Redis's own (PX on every write).
 * Redis being away is a miss, never an error for the client: the offline queue is
 * disabled and every command has a timeout.
 */
export class RedisStore implements CacheStore {
  readonly name = 'redis';
  private readonly redis: Redis;
  private readonly now: () => number;

  constructor(private readonly options: RedisStoreOptions) {
    this.now = options.now ?? Date.now;
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    });
    // Connection errors are reported per command (as misses); this listener only keeps ioredis from throwing.
    this.redis.on('error', () => undefined);
  }

  /** Resolves once connected (tests and start-up checks). */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      this.redis.once('ready', resolve);
      this.redis.once('end', () => reject(new Error('redis connection ended')));
    });
  }

  async get(key: string): Promise<StoreEntry | undefined> {
    try {
      const data = await this.redis.getBuffer(key);
      if (!data) return undefined;
      const entry = decodeEntry(data);
      if (!entry || entryExpiresAt(entry) <= this.now()) {
        if (entry) this.options.events.expired(this.name);
        await this.redis.del(key);
        return undefined;
      }
      return entry;
    } catch {
      return undefined;
    }
  }

  async put(key: string, entry: StoreEntry): Promise<boolean> {
    const data = encodeEntry(entry);
    if (data.length > this.options.maxObjectBytes) return false;
    const ttl = Math.ceil(entryExpiresAt(entry) - this.now());
    if (ttl <= 0) return false;
    try {
      await this.redis.set(key, data, 'PX', ttl);
      return true;
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.redis.del(key);
    } catch {
      // Absent Redis: the entry expires there on its own TTL.
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

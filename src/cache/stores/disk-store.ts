import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { CacheStore, StoreEntry, StoreEvents } from '../types.js';
import { decodeEntry, encodeEntry, entryExpiresAt } from './serialize.js';

export interface DiskStoreOptions {
  path: string;
  maxBytes: number;
  maxObjectBytes: number;
  events: StoreEvents;
  now?: () => number;
}

interface IndexEntry {
  size: number;
}

/**
 * A persistent store: one file per entry under `path/<2 hex>/<sha256 of key>`, written to
 * a temporary name and renamed, so a crash never leaves a torn entry under a real name.
 * The byte bound is kept by an in-memory LRU index of file sizes, rebuilt from the
 * directory (oldest mtime first) at start, so the store survives restarts.
 *
 * Why not cacache or lmdb: cacache is content-addressed and has no byte bound or LRU
 * eviction (its GC is a full `verify` pass), and cacache 21 needs Node 22; lmdb is a
 * native addon. Entries here are whole HTTP responses read whole, which plain files do well.
 */
export class DiskStore implements CacheStore {
  readonly name = 'disk';
  private readonly index: LRUCache<string, IndexEntry>;
  private readonly now: () => number;

  constructor(private readonly options: DiskStoreOptions) {
    this.now = options.now ?? Date.now;
    this.index = new LRUCache<string, IndexEntry>({
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.size),
      dispose: (_value, file, reason) => {
        if (reason === 'evict') {
          options.events.evicted(this.name);
          unlink(this.pathOf(file)).catch(() => undefined);
        }
      },
    });
    mkdirSync(options.path, { recursive: true });
    this.rebuildIndex();
  }

  private fileOf(key: string): string {
    return createHash('sha256').update(key).digest('hex');
  }

  private pathOf(file: string): string {
    return join(this.options.path, file.slice(0, 2), file);
  }

  private rebuildIndex(): void {
    const found: { file: string; size: number; mtime: number }[] = [];
    for (const dir of readdirSync(this.options.path)) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const file of readdirSync(join(this.options.path, dir))) {
        if (!/^[0-9a-f]{64}$/.test(file)) continue;
        const stat = statSync(join(this.options.path, dir, file));
        found.push({ file, size: stat.size, mtime: stat.mtimeMs });
      }
    }
    found.sort((a, b) => a.mtime - b.mtime);
    for (const { file, size } of found) this.index.set(file, { size });
  }

  async get(key: string): Promise<StoreEntry | undefined> {
    const file = this.fileOf(key);
    if (!this.index.has(file)) return undefined;
    let data: Buffer;
    try {
      data = await readFile(this.pathOf(file));
    } catch {
      this.index.delete(file);
      return undefined;
    }
    this.index.get(file);
    const entry = decodeEntry(data);
    if (!entry || entryExpiresAt(entry) <= this.now()) {
      if (entry) this.options.events.expired(this.name);
      await this.delete(key);
      return undefined;
    }
    return entry;
  }

  async put(key: string, entry: StoreEntry): Promise<boolean> {
    const data = encodeEntry(entry);
    if (data.length > this.options.maxObjectBytes || data.length > this.options.maxBytes) return false;
    const file = this.fileOf(key);
    const target = this.pathOf(file);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(join(this.options.path, file.slice(0, 2)), { recursive: true });
    await writeFile(temporary, data);
    await rename(temporary, target);
    this.index.set(file, { size: data.length });
    return true;
  }

  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    this.index.delete(file);
    await unlink(this.pathOf(file)).catch(() => undefined);
  }

  async close(): Promise<void> {}
}

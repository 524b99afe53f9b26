import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CacheStore, StoreEntry, StoreEvents } from '../../src/cache/index.js';

/** Counts store events so contract tests can check eviction and expiry are reported. */
export function countingEvents(): StoreEvents & { evictions: number; expirations: number; declines: number } {
  const events = {
    evictions: 0,
    expirations: 0,
    declines: 0,
    evicted: (_store: string, count = 1) => void (events.evictions += count),
    expired: (_store: string, count = 1) => void (events.expirations += count),
    declined: (_store: string, count = 1) => void (events.declines += count),
  };
  return events;
}

export function objectEntry(body: string | Buffer, options: { expiresAt?: number; path?: string } = {}): StoreEntry {
  return {
    kind: 'object',
    object: {
      meta: {
        status: 200,
        headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] },
        policy: { v: 1 } as never,
        fetchSequence: 7,
        tags: ['t1', 't2'],
        host: 'site.test',
        path: options.path ?? '/p',
        expiresAt: options.expiresAt ?? Date.now() + 60_000,
      },
      body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    },
  };
}

export interface StoreFactory {
  /** A fresh, empty store with the given byte bounds and events. */
  create(options: { maxBytes: number; maxObjectBytes: number; events: StoreEvents }): Promise<CacheStore>;
  /** Whether this store enforces maxBytes by eviction (Redis leaves that to Redis's maxmemory). */
  evicts: boolean;
}

/**
 * The one contract every store passes (DESIGN: one store interface, one shared suite).
 * Each store's test file calls this with its factory. The contract is about storing what
 * is put: a store with an admission policy may decline a put when full, so it runs here with
 * admission off, and admission has its own tests (stores.test.ts).
 */
export function storeContract(name: string, factory: StoreFactory): void {
  const open = async (t: import('node:test').TestContext, maxBytes = 10 * 1024 * 1024, maxObjectBytes = 1024 * 1024) => {
    const events = countingEvents();
    const store = await factory.create({ maxBytes, maxObjectBytes, events });
    t.after(() => store.close());
    return { store, events };
  };

  test(`${name}: put then get returns the same entry (meta and bytes)`, async (t) => {
    const { store } = await open(t);
    const body = Buffer.from([0, 1, 2, 255, 254]);
    assert.equal(await store.put('k', objectEntry(body)), true);
    const entry = await store.get('k');
    assert.equal(entry?.kind, 'object');
    if (entry?.kind !== 'object') return;
    assert.deepEqual([...entry.object.body], [...body]);
    assert.deepEqual(entry.object.meta.headers['set-cookie'], ['a=1', 'b=2']);
    assert.deepEqual(entry.object.meta.tags, ['t1', 't2']);
    assert.equal(entry.object.meta.fetchSequence, 7);
  });

  test(`${name}: a missing key is undefined; delete removes; put replaces`, async (t) => {
    const { store } = await open(t);
    assert.equal(await store.get('absent'), undefined);
    await store.put('k', objectEntry('one'));
    await store.put('k', objectEntry('two'));
    const entry = await store.get('k');
    assert.equal(entry?.kind === 'object' && entry.object.body.toString(), 'two');
    await store.delete('k');
    assert.equal(await store.get('k'), undefined);
    await store.delete('never-there');
  });

  test(`${name}: Vary markers round-trip`, async (t) => {
    const { store } = await open(t);
    await store.put('m', { kind: 'vary', marker: { vary: ['accept-language'], epoch: 'e1', expiresAt: Date.now() + 60_000 } });
    const entry = await store.get('m');
    assert.deepEqual(entry, { kind: 'vary', marker: { vary: ['accept-language'], epoch: 'e1', expiresAt: entry?.kind === 'vary' ? entry.marker.expiresAt : 0 } });
  });

  test(`${name}: expired entries are not returned and are counted`, async (t) => {
    const { store, events } = await open(t);
    await store.put('soon', objectEntry('x', { expiresAt: Date.now() + 300 }));
    assert.ok(await store.get('soon'));
    await new Promise((resolve) => setTimeout(resolve, 450));
    assert.equal(await store.get('soon'), undefined);
    if (name !== 'redis') assert.equal(events.expirations, 1);
  });

  test(`${name}: objects over maxObjectBytes are declined`, async (t) => {
    const { store } = await open(t, 10 * 1024 * 1024, 4096);
    assert.equal(await store.put('big', objectEntry(Buffer.alloc(8192))), false);
    assert.equal(await store.get('big'), undefined);
  });

  if (factory.evicts) {
    test(`${name}: stays within maxBytes by evicting the least recently used, and counts evictions`, async (t) => {
      const { store, events } = await open(t, 64 * 1024, 32 * 1024);
      for (let i = 0; i < 10; i++) await store.put(`k${i}`, objectEntry(Buffer.alloc(16 * 1024, i)));
      assert.ok(events.evictions >= 6, `evictions ${events.evictions}`);
      assert.equal(await store.get('k0'), undefined);
      assert.ok(await store.get('k9'));
    });
  }
}

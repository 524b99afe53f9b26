import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskStore, MemoryStore, RedisStore } from '../../src/cache/index.js';
import { removeDir, startRedis, type RedisProcess } from '../helpers/redis.js';
import { countingEvents, objectEntry, storeContract } from './store-contract.js';

storeContract('memory', {
  evicts: true,
  create: async (options) => new MemoryStore({ ...options, admission: 'none' }),
});

test('memory with tinylfu: a flood of one-hit wonders does not evict a hot object', () => {
  const events = countingEvents();
  const store = new MemoryStore({ maxBytes: 64 * 1024, maxObjectBytes: 32 * 1024, events });
  const hot = 'site.test\n/hot';
  // Asked for often: each lookup is recorded, as the proxy looks up before it stores.
  for (let i = 0; i < 20; i++) store.get(hot);
  assert.equal(store.put(hot, objectEntry(Buffer.alloc(16 * 1024, 1), { path: '/hot' })), true);
  for (let i = 0; i < 200; i++) {
    const key = `site.test\n/once-${i}`;
    assert.equal(store.get(key), undefined);
    store.put(key, objectEntry(Buffer.alloc(16 * 1024, 2), { path: `/once-${i}` }));
  }
  assert.ok(store.get(hot), 'the hot object survived the flood');
  assert.ok(events.declines > 150, `declined ${events.declines} of 200 one-hit wonders`);
  assert.equal(store.hottest(1)[0]?.path, '/hot');
});

test('memory without admission: the same flood evicts the hot object (plain LRU)', () => {
  const events = countingEvents();
  const store = new MemoryStore({ maxBytes: 64 * 1024, maxObjectBytes: 32 * 1024, events, admission: 'none' });
  const hot = 'site.test\n/hot';
  for (let i = 0; i < 20; i++) store.get(hot);
  store.put(hot, objectEntry(Buffer.alloc(16 * 1024, 1), { path: '/hot' }));
  for (let i = 0; i < 200; i++) store.put(`site.test\n/once-${i}`, objectEntry(Buffer.alloc(16 * 1024, 2), { path: `/once-${i}` }));
  assert.equal(store.get(hot), undefined);
  assert.equal(events.declines, 0);
});

const dirs: string[] = [];
const newDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-disk-store-'));
  dirs.push(dir);
  return dir;
};
test.after(() => dirs.forEach(removeDir));

storeContract('disk', {
  evicts: true,
  create: async (options) => new DiskStore({ path: newDir(), ...options }),
});

let redis: RedisProcess | undefined;
let prefixCounter = 0;
test.before(async () => {
  redis = await startRedis();
});
test.after(() => redis?.stop());

storeContract('redis', {
  evicts: false,
  create: async (options) => {
    const store = new RedisStore({ url: redis!.url, keyPrefix: `contract-${++prefixCounter}:`, maxObjectBytes: options.maxObjectBytes, events: options.events });
    await store.ready();
    return store;
  },
});

test('disk: entries survive a restart and the byte bound is rebuilt from the directory', async () => {
  const path = newDir();
  const events = countingEvents();
  const first = new DiskStore({ path, maxBytes: 1024 * 1024, maxObjectBytes: 512 * 1024, events });
  await first.put('kept', objectEntry('persisted'));
  await first.close();
  const second = new DiskStore({ path, maxBytes: 1024 * 1024, maxObjectBytes: 512 * 1024, events });
  const entry = await second.get('kept');
  assert.equal(entry?.kind === 'object' && entry.object.body.toString(), 'persisted');
  await second.close();
});

test('redis: shared between two nodes’ stores, and an absent Redis is a miss, not an error', async () => {
  const events = countingEvents();
  const a = new RedisStore({ url: redis!.url, keyPrefix: 'shared:', maxObjectBytes: 65536, events });
  const b = new RedisStore({ url: redis!.url, keyPrefix: 'shared:', maxObjectBytes: 65536, events });
  await Promise.all([a.ready(), b.ready()]);
  await a.put('k', objectEntry('shared'));
  const entry = await b.get('k');
  assert.equal(entry?.kind === 'object' && entry.object.body.toString(), 'shared');
  await a.close();
  await b.close();
  const absent = new RedisStore({ url: 'redis://127.0.0.1:1', keyPrefix: 'x:', maxObjectBytes: 65536, events, commandTimeoutMs: 200 });
  assert.equal(await absent.get('k'), undefined);
  assert.equal(await absent.put('k', objectEntry('x')), false);
  await absent.close();
});

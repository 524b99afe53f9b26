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
  create: async (options) => new MemoryStore(options),
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

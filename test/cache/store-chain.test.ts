import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskStore, MemoryStore, type CacheStore } from '../../src/cache/index.js';
import { StoreChain } from '../../src/cache/stores/store-chain.js';
import { removeDir } from '../helpers/redis.js';
import { countingEvents, objectEntry } from './store-contract.js';

test('a hit in a later store is promoted into the earlier one; writes reach every store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-chain-'));
  t.after(() => removeDir(dir));
  const events = countingEvents();
  const memory = new MemoryStore({ maxBytes: 1 << 20, maxObjectBytes: 1 << 20, events });
  const disk = new DiskStore({ path: dir, maxBytes: 1 << 20, maxObjectBytes: 1 << 20, events });
  const chain = new StoreChain([memory, disk], () => undefined);
  assert.equal(await chain.put('k', objectEntry('both')), true);
  await chain.close();
  memory.delete('k');
  const entry = await chain.get('k');
  assert.equal(entry?.kind === 'object' && entry.object.body.toString(), 'both');
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(memory.get('k'), 'promoted into memory');
});

test('a failing store is a miss, reported once per failure, never an exception', async () => {
  const broken: CacheStore = {
    name: 'broken',
    get: async () => { throw new Error('disk on fire'); },
    put: async () => { throw new Error('disk on fire'); },
    delete: async () => { throw new Error('disk on fire'); },
    close: async () => undefined,
  };
  const failures: string[] = [];
  const chain = new StoreChain([broken], (store) => failures.push(store));
  assert.equal(await chain.get('k'), undefined);
  assert.equal(await chain.put('k', objectEntry('x')), false);
  await chain.delete('k');
  assert.deepEqual(failures, ['broken', 'broken', 'broken']);
});

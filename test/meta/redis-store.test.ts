import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { storeContract } from './store-contract.js';
import { sharedRedis, redisStore } from './redis-harness.js';
import { metaKeys, parseMetaConfig } from '../../src/meta/index.js';

const redis = sharedRedis();

storeContract('redis store', async (t, options = {}) => {
  const store = redisStore(t, await redis(), { maxVersions: options.maxVersions });
  await store.ready();
  return store;
});

test('redis store: every key sits under the prefix, invalidation keys share one Cluster slot', async (t) => {
  const server = await redis();
  const store = redisStore(t, server, { keyPrefix: 'layout:' });
  await store.publish([{ scope: { kind: 'url', host: 'a.example', path: '/' }, soft: false }], 1);
  await store.ack({ nodeId: 'n1', sequence: 1, streamId: '0-1', at: 1 });
  await store.heartbeat({ id: 'n1', region: 'r', tier: 'edge', addresses: [], location: { lat: 0, lon: 0 }, capacity: { requestsPerSecond: 0, bytesPerSecond: 0, connections: 0 } },
    { requestsPerSecond: 0, bytesPerSecond: 0, openConnections: 0, eventLoopUtilization: 0, hitRatio: 0 }, 5000);
  const client = new Redis(server.url);
  t.after(() => client.disconnect());
  const keys = await client.keys('layout:*');
  assert.ok(keys.length >= 6);
  for (const key of keys) assert.match(key, /^layout:\{(inv|reg)\}:/);
  const slots = new Set(await Promise.all(keys.filter((k) => k.includes('{inv}')).map((k) => client.call('CLUSTER', 'KEYSLOT', k).catch(() => 'n/a'))));
  // CLUSTER KEYSLOT works on a standalone server too; one slot for every {inv} key.
  assert.equal(slots.size, 1);
  assert.equal(metaKeys('layout:').stream, 'layout:{inv}:stream');
});

test('redis store: an unreachable server fails fast with MERIDIAN_E_META_UNAVAILABLE', async (t) => {
  const server = await redis();
  const store = redisStore(t, { ...server, url: 'redis://127.0.0.1:1' }, { reconnect: false });
  await assert.rejects(store.ready(), { code: 'MERIDIAN_E_META_UNAVAILABLE' });
  await assert.rejects(store.publish([{ scope: { kind: 'site', host: 'a.example' }, soft: false }], 1), { code: 'MERIDIAN_E_META_UNAVAILABLE' });
});

test('meta config: validated once, unknown keys rejected with their path, frozen', () => {
  const config = parseMetaConfig({ backend: 'redis', redis: { url: 'redis://127.0.0.1:6379' } });
  assert.equal(config.keyPrefix, 'meridian:');
  assert.equal(config.batch.windowMs, 5);
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.stream));
  assert.throws(() => parseMetaConfig({ backend: 'redis', redis: { url: 'redis://x', bogus: 1 } }), /meta\.redis: .*bogus|meta\.redis\.bogus|Unrecognized key/);
  assert.throws(() => parseMetaConfig({ backend: 'redis' }), /meta\.redis: required/);
  assert.throws(() => parseMetaConfig({ backend: 'redis', redis: { url: 'redis://x', cluster: { nodes: [{ host: 'a', port: 1 }] } } }), /exactly one of url, sentinel or cluster/);
  assert.throws(() => parseMetaConfig({ stream: { maxLength: 'big' } }), /meta\.stream\.maxLength/);
  const sentinel = parseMetaConfig({ backend: 'redis', redis: { sentinel: { sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'mymaster' } } });
  assert.equal(sentinel.redis?.sentinel?.name, 'mymaster');
  assert.throws(() => parseMetaConfig({ backend: 'redis', redis: { cluster: { nodes: [{ host: 'a', port: 1 }] }, waitReplicas: 1 } }), /meta\.redis\.waitReplicas: waitReplicas is not supported with cluster/);
  assert.throws(() => parseMetaConfig({ backend: 'redis', redis: { url: 'redis://x', waitTimeoutMs: 0 } }), /meta\.redis\.waitTimeoutMs/);
});

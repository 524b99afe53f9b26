import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSilentLogger } from '../../src/telemetry/index.js';
import { createMetaStore, parseMetaConfig, InvalidationSubscriber, PurgePublisher, urlScope, type MetaStore } from '../../src/meta/index.js';
import { startRedisCluster, type RedisCluster } from './redis-cluster.js';
import { startSentinel } from './redis-sentinel.js';
import { startRedis } from '../helpers/redis.js';
import { node, idleLoad } from './store-contract.js';
import { until } from '../helpers/wait.js';

let cluster: Promise<RedisCluster> | undefined;
after(async () => {
  if (cluster) await (await cluster).stop();
});

test('redis cluster: hash tags keep each script on one slot — purge, follow, snapshot, registry and acks all work', async (t) => {
  cluster ??= startRedisCluster();
  const { nodes } = await cluster;
  const config = parseMetaConfig({ backend: 'redis', redis: { cluster: { nodes } } });
  const stores: MetaStore[] = [createMetaStore(config), createMetaStore(config)];
  t.after(() => Promise.all(stores.map((s) => s.close())));
  await stores[0]!.ready();
  const subscriber = new InvalidationSubscriber({ store: stores[1]!, nodeId: 'edge-c', logger: createSilentLogger(), blockMs: 200 });
  subscriber.start();
  t.after(() => subscriber.stop());
  assert.equal(await subscriber.synced(20_000), true);

  const publisher = new PurgePublisher({ store: stores[0]!, windowMs: 1 });
  const events = await publisher.purge([{ scope: urlScope('https://a.example/x'), soft: false }, { scope: urlScope('https://b.example/y'), soft: true }]);
  await until(() => subscriber.view.appliedSequence() >= events[1]!.sequence, 'the purge through the cluster');
  assert.deepEqual(subscriber.view.newestPurge({ host: 'b.example', path: '/y', tags: [] }), { sequence: events[1]!.sequence, soft: true });
  const snapshot = await stores[0]!.snapshot();
  assert.equal(snapshot.sequence, events[1]!.sequence);
  await until(async () => (await stores[0]!.acks()).get('edge-c')?.sequence === events[1]!.sequence, 'the ack');

  await stores[0]!.heartbeat(node('edge-c'), idleLoad, 5000);
  await stores[0]!.heartbeat(node('edge-d'), idleLoad, 5000);
  assert.deepEqual((await stores[1]!.listNodes()).map((n) => n.id), ['edge-c', 'edge-d']);
});

test('redis sentinel: the store finds the primary through Sentinel and purges through it', async (t) => {
  const primary = await startRedis();
  t.after(() => primary.stop());
  const sentinel = await startSentinel(primary.port);
  t.after(() => sentinel.stop());
  const config = parseMetaConfig({ backend: 'redis', redis: { sentinel: { sentinels: sentinel.sentinels, name: sentinel.name } } });
  const store = createMetaStore(config);
  t.after(() => store.close());
  await store.ready();
  const batch = await store.publish([{ scope: urlScope('https://a.example/s'), soft: false }], 1);
  assert.deepEqual((await store.read('0-0', { count: 10, blockMs: 0 })).map((b) => b.id), [batch.id]);
});

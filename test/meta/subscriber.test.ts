import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createSilentLogger, Registry } from '../../src/telemetry/index.js';
import {
  InvalidationSubscriber,
  MemoryMetaStore,
  PurgePublisher,
  createMetaMetrics,
  urlScope,
  type MetaStore,
  type PurgeRequest,
} from '../../src/meta/index.js';
import { sharedRedis, redisStore } from './redis-harness.js';
import { until } from '../helpers/wait.js';

const redis = sharedRedis();
const hard = (url: string): PurgeRequest => ({ scope: urlScope(url), soft: false });
const at = (url: string) => ({ host: new URL(url).host, path: new URL(url).pathname, tags: [] });

function follow(t: TestContext, store: MetaStore, nodeId: string, registry = new Registry()): InvalidationSubscriber {
  const subscriber = new InvalidationSubscriber({ store, nodeId, logger: createSilentLogger(), metrics: createMetaMetrics(registry), blockMs: 200 });
  subscriber.start();
  t.after(() => subscriber.stop());
  return subscriber;
}

async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  const values = (await metric!.get()).values;
  return values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((sum, v) => sum + v.value, 0);
}

/** A real Redis with one node (edge-1) in sync and a publisher that does not coalesce: where each outage test starts. */
async function redisWithNode(t: TestContext, keyPrefix?: string) {
  const server = await redis();
  const store = redisStore(t, server, { keyPrefix });
  const registry = new Registry();
  const subscriber = follow(t, store, 'edge-1', registry);
  await subscriber.synced();
  return { server, store, registry, subscriber, publisher: new PurgePublisher({ store, windowMs: 0 }) };
}

for (const kind of ['memory', 'redis'] as const) {
  const makeStore = async (t: TestContext): Promise<MetaStore> => {
    if (kind === 'memory') {
      const store = new MemoryMetaStore();
      t.after(() => store.close());
      return store;
    }
    return redisStore(t, await redis());
  };

  test(`${kind}: a node applies purges in order and acknowledges them`, async (t) => {
    const store = await makeStore(t);
    const subscriber = follow(t, store, 'edge-1');
    assert.equal(await subscriber.synced(), true);
    const publisher = new PurgePublisher({ store, windowMs: 1 });
    const events = await publisher.purge([hard('https://a.example/1'), hard('https://a.example/2')]);
    const last = events[1]!.sequence;
    await until(() => subscriber.view.appliedSequence() >= last, 'the purge to be applied');
    assert.equal(subscriber.view.newestPurge(at('https://a.example/2'))?.sequence, last);
    await until(async () => (await store.acks()).get('edge-1')?.sequence === last, 'the ack');
    assert.equal((await store.acks()).get('edge-1')!.streamId, subscriber.status().lastId);
  });

  test(`${kind}: a restarted node rebuilds its index from the versions, then follows the stream`, async (t) => {
    const store = await makeStore(t);
    const publisher = new PurgePublisher({ store, windowMs: 0 });
    const [old] = await publisher.purge([hard('https://a.example/old')]);
    const registry = new Registry();
    const first = follow(t, store, 'edge-1', registry);
    await first.synced();
    await first.stop();
    await publisher.purge([hard('https://a.example/while-down')]);
    const second = follow(t, store, 'edge-1', registry);
    assert.equal(await second.synced(), true);
    assert.equal(second.view.newestPurge(at('https://a.example/old'))?.sequence, old!.sequence);
    assert.ok(second.view.newestPurge(at('https://a.example/while-down')));
    const [next] = await publisher.purge([hard('https://a.example/after')]);
    await until(() => second.view.appliedSequence() >= next!.sequence, 'the next purge');
  });

  test(`${kind}: a node whose position was trimmed away rebuilds and misses nothing`, async (t) => {
    const store = await makeStore(t);
    const registry = new Registry();
    const subscriber = follow(t, store, 'edge-1', registry);
    await subscriber.synced();
    const publisher = new PurgePublisher({ store, windowMs: 0 });
    await publisher.purge([hard('https://a.example/seen')]);
    await until(() => subscriber.view.newestPurge(at('https://a.example/seen')) !== undefined, 'the first purge');
    await subscriber.stop();
    const missed: number[] = [];
    for (let i = 0; i < 20; i++) missed.push((await publisher.purge([hard(`https://a.example/missed-${i}`)]))[0]!.sequence);
    await store.trim(3);
    subscriber.start();
    await until(() => subscriber.view.appliedSequence() >= missed[19]!, 'catching up');
    for (let i = 0; i < 20; i++) {
      assert.equal(subscriber.view.newestPurge(at(`https://a.example/missed-${i}`))?.sequence, missed[i], `missed-${i} is known`);
    }
    assert.equal(await counter(registry, 'meridian_meta_resyncs_total', { reason: 'gap' }), 1);
    assert.equal(await counter(registry, 'meridian_meta_resets_total', {}), 0, 'same epoch: exact rebuild, no reset');
  });
}

test('redis: a dropped connection resumes from the last applied id, with no rebuild', async (t) => {
  const { server, registry, subscriber, publisher: writer } = await redisWithNode(t);
  const [first] = await writer.purge([hard('https://a.example/1')]);
  await until(() => subscriber.view.appliedSequence() >= first!.sequence, 'the first purge');
  const admin = new Redis(server.url);
  t.after(() => admin.disconnect());
  await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
  const sequences: number[] = [];
  for (let i = 0; i < 5; i++) {
    // The store's own connection was killed too: retry until it is back.
    await until(async () => {
      try {
        sequences.push((await writer.purge([hard(`https://a.example/after-${i}`)]))[0]!.sequence);
        return true;
      } catch {
        return false;
      }
    }, 'the store to reconnect');
  }
  await until(() => subscriber.view.appliedSequence() >= sequences[4]!, 'catching up after the disconnect');
  for (let i = 0; i < 5; i++) assert.equal(subscriber.view.newestPurge(at(`https://a.example/after-${i}`))?.sequence, sequences[i]);
  assert.equal(await counter(registry, 'meridian_meta_resyncs_total', {}), 1, 'only the start-up sync');
});

test('redis: purge while Redis restarts — refused loudly while down, nodes keep their index, then reset and catch up', async (t) => {
  const { server, registry, subscriber, publisher } = await redisWithNode(t);
  const [before] = await publisher.purge([hard('https://a.example/before')]);
  await until(() => subscriber.view.appliedSequence() >= before!.sequence, 'the purge before the outage');
  const fetchedBefore = subscriber.view.appliedSequence();

  await server.stop();
  await assert.rejects(publisher.purge([hard('https://a.example/during')]), (err: { code: string; message: string }) => {
    assert.equal(err.code, 'MERIDIAN_E_META_UNAVAILABLE');
    assert.match(err.message, /unavailable during publish/);
    return true;
  });
  assert.equal(subscriber.view.newestPurge(at('https://a.example/before'))?.sequence, before!.sequence, 'the index survives the outage');
  await until(() => !subscriber.status().connected, 'the node to notice the outage');

  await server.restart();
  // Redis came back empty: the node cannot prove it saw every purge, so it purges everything older.
  await until(async () => (await counter(registry, 'meridian_meta_resets_total', { reason: 'epoch' })) === 1, 'the reset');
  const verdict = subscriber.view.newestPurge(at('https://z.example/anything'), fetchedBefore);
  assert.ok(verdict && verdict.sequence > fetchedBefore && !verdict.soft, 'everything fetched before the outage counts as purged');

  const [after] = await publisher.purge([hard('https://a.example/after')]);
  assert.ok(after!.sequence > before!.sequence, 'sequences never go backwards, even across a data loss');
  await until(() => subscriber.view.newestPurge(at('https://a.example/after'))?.sequence === after!.sequence, 'the purge after the outage');
});

test('redis: a burst of 10,000 purges becomes a few stream entries, and every node applies all of them', async (t) => {
  const server = await redis();
  const store = redisStore(t, server);
  const nodes = [follow(t, store, 'edge-1'), follow(t, redisStore(t, server, { keyPrefix: undefined }), 'other-prefix')];
  await nodes[0]!.synced();
  const publisher = new PurgePublisher({ store, windowMs: 5, maxItems: 500 });
  const requests = Array.from({ length: 10_000 }, (_, i) => hard(`https://a.example/burst/${i}`));
  const events = await Promise.all(requests.map((r) => publisher.purge([r]))).then((lists) => lists.flat());
  const sequences = events.map((e) => e.sequence);
  assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b));
  assert.equal(new Set(sequences).size, 10_000);
  const entries = await store.streamLength();
  assert.ok(entries <= 25, `10,000 purges took ${entries} stream entries`);
  const last = sequences[9_999]!;
  await until(() => nodes[0]!.view.appliedSequence() >= last, 'the burst to be applied', 20_000);
  assert.equal(nodes[0]!.view.newestPurge(at('https://a.example/burst/4321'))?.sequence, sequences[4321]);
  assert.equal(nodes[1]!.view.newestPurge(at('https://a.example/burst/4321')), undefined, 'another key prefix is another fleet');
});

test('redis: a foreign, unreadable stream entry makes nodes reset and carry on after it', async (t) => {
  const { server, registry, subscriber, publisher } = await redisWithNode(t, 'corrupt:');
  const [before] = await publisher.purge([hard('https://a.example/before')]);
  await until(() => subscriber.view.appliedSequence() >= before!.sequence, 'the first purge');
  const fetchedBefore = subscriber.view.appliedSequence();
  const admin = new Redis(server.url);
  t.after(() => admin.disconnect());
  await admin.xadd('corrupt:{inv}:stream', '*', 'prev', '0-0', 'first', 'x', 'events', '{not json');
  await until(async () => (await counter(registry, 'meridian_meta_resets_total', { reason: 'corrupt' })) === 1, 'the reset');
  assert.equal(subscriber.view.newestPurge(at('https://z.example/any'), fetchedBefore)?.soft, false, 'what it held before counts as purged');
  const [after] = await publisher.purge([hard('https://a.example/after')]);
  await until(() => subscriber.view.newestPurge(at('https://a.example/after'))?.sequence === after!.sequence, 'purges after the bad entry');
});

test('redis: a failover that lost entries a node applied (the history forks behind it) makes it reset above them', async (t) => {
  const { server, registry, subscriber, publisher } = await redisWithNode(t, 'fork:');
  const admin = new Redis(server.url);
  t.after(() => admin.disconnect());
  const [kept] = await publisher.purge([hard('https://a.example/kept')]);
  await until(() => subscriber.view.appliedSequence() >= kept!.sequence, 'the replicated purge');
  // What the replica holds when the primary dies: everything up to `kept`.
  const replica = { seq: await admin.get('fork:{inv}:seq'), lastId: await admin.get('fork:{inv}:last-id') };
  const [lost] = await publisher.purge([hard('https://a.example/lost')]);
  await until(() => subscriber.view.appliedSequence() >= lost!.sequence, 'the purge the replica never got');
  const fetchedBefore = subscriber.view.appliedSequence();
  // The failover: the promoted replica lacks `lost` (its entry, its version, its sequence).
  const lostId = (await admin.xrange('fork:{inv}:stream', '-', '+')).at(-1)![0];
  await admin.multi().xdel('fork:{inv}:stream', lostId).zrem('fork:{inv}:versions:hard', 'u a.example /lost').set('fork:{inv}:seq', replica.seq!).set('fork:{inv}:last-id', replica.lastId!).exec();

  const [reused] = await publisher.purge([hard('https://a.example/after')]);
  assert.equal(reused!.sequence, lost!.sequence, 'the new primary hands the lost sequence out again');
  await until(async () => (await counter(registry, 'meridian_meta_resets_total', { reason: 'fork' })) === 1, 'the fork to be noticed');
  await until(() => subscriber.view.newestPurge(at('https://a.example/after')) !== undefined, 'the purge after the fork');
  const verdict = subscriber.view.newestPurge(at('https://a.example/after'), fetchedBefore);
  assert.ok(verdict && !verdict.soft && verdict.sequence > fetchedBefore, 'a copy fetched before the fork does not outlive the purge after it');
  const [next] = await publisher.purge([hard('https://a.example/next')]);
  assert.ok(next!.sequence > fetchedBefore, 'the node raised the counter past what it applied');
  await until(() => subscriber.view.newestPurge(at('https://a.example/next'))?.sequence === next!.sequence, 'purges flow on the new history');
  assert.equal(await counter(registry, 'meridian_meta_resets_total', { reason: 'fork' }), 1, 'one reset, not one per entry');
});

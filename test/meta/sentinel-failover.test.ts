import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSilentLogger, Registry } from '../../src/telemetry/index.js';
import { MetaError, createMetaMetrics, createMetaStore, parseMetaConfig, InvalidationSubscriber, PurgePublisher, urlScope, type MetaStore, type PurgeEvent } from '../../src/meta/index.js';
import { startReplicatedRedis } from './redis-sentinel.js';
import { until } from '../helpers/wait.js';

/*
 * Chaos: a Sentinel failover while purges flow every 20 ms. What must hold (src/meta/README.md, "Failover"):
 * - every purge whose publish resolved is known to every node afterwards, a node started later included;
 * - a purge published after the failover is newer than anything a node had applied before it
 *   (a copy fetched just before the crash must not outlive a purge issued just after it);
 * - publishing resumes by itself, and no publish call hangs: each resolves or fails with a coded error.
 */

interface Call {
  url: string;
  startedAt: number;
  settledAt?: number;
  event?: PurgeEvent;
  error?: unknown;
}

const at = (url: string) => ({ host: new URL(url).host, path: new URL(url).pathname, tags: [] });
const PERIOD_MS = 20;

async function failoverUnderLoad(t: TestContext, options: { partitionFirst: boolean; waitReplicas?: number }): Promise<void> {
  const set = await startReplicatedRedis({ replicas: 1, downAfterMs: 1000, failoverTimeoutMs: 60_000 });
  // One cleanup, in order: nodes, then stores, then the servers they talk to.
  const subscribers: InvalidationSubscriber[] = [];
  const stores: MetaStore[] = [];
  let running = true;
  t.after(async () => {
    running = false;
    await Promise.all(subscribers.map((s) => s.stop()));
    await Promise.all(stores.map((s) => s.close()));
    await set.stop();
  });
  const sentinel = { sentinels: set.sentinel.sentinels, name: set.sentinel.name };
  const config = parseMetaConfig({ backend: 'redis', redis: { sentinel, waitReplicas: options.waitReplicas }, keyPrefix: 'chaos:' });
  const open = (): MetaStore => {
    const store = createMetaStore(config);
    stores.push(store);
    return store;
  };
  const registry = new Registry();
  const metrics = createMetaMetrics(registry);
  const follow = (nodeId: string): InvalidationSubscriber => {
    const subscriber = new InvalidationSubscriber({ store: open(), nodeId, logger: createSilentLogger(), metrics, blockMs: 200 });
    subscriber.start();
    subscribers.push(subscriber);
    return subscriber;
  };
  const nodes = [follow('edge-a'), follow('edge-b')];
  for (const node of nodes) assert.equal(await node.synced(20_000), true);
  const publisher = new PurgePublisher({ store: open(), windowMs: 0 });

  const calls: Call[] = [];
  const load = (async () => {
    for (let i = 0; running; i++) {
      const call: Call = { url: `https://a.example/p/${i}`, startedAt: Date.now() };
      calls.push(call);
      void publisher.purge([{ scope: urlScope(call.url), soft: false }]).then(
        ([event]) => void Object.assign(call, { event, settledAt: Date.now() }),
        (error: unknown) => void Object.assign(call, { error, settledAt: Date.now() }),
      );
      await sleep(PERIOD_MS);
    }
  })();
  const resolved = (since = 0): Call[] => calls.filter((c) => c.event && c.startedAt >= since);

  await until(() => resolved().length >= 25, 'purges flowing before the crash', 20_000);
  if (options.partitionFirst) {
    // The replica stops hearing from the primary (no FIN: the primary still counts it), purges keep coming.
    set.links[0]!.cut();
    await sleep(400);
  }
  await set.primary.kill();
  const crashedAt = Date.now();
  // What each node had applied when the primary died: the fetch sequence of a copy cached at that moment.
  const appliedAtCrash = nodes.map((node) => node.view.appliedSequence());

  await until(() => resolved(crashedAt).length > 0, 'publishing to resume after the failover', 40_000);
  const resumedAt = Math.min(...resolved(crashedAt).map((c) => c.settledAt!));
  await until(() => resolved(crashedAt).length >= 20, 'purges to flow after the failover', 20_000);
  running = false;
  await load;
  await until(() => calls.every((c) => c.settledAt !== undefined), 'every publish call to settle', 20_000).catch(() => {});
  assert.equal(await set.sentinel.primaryPort(), set.replicas[0]!.port, 'Sentinel promoted the replica');

  // No publish call hangs: each settled, resolving or failing with a coded error.
  for (const call of calls) {
    assert.ok(call.settledAt !== undefined, `purge of ${call.url} (started ${call.startedAt - crashedAt} ms after the crash) never settled`);
    if (call.error) assert.ok(call.error instanceof MetaError, `purge of ${call.url} failed without a code: ${String(call.error)}`);
  }

  const late = follow('edge-late');
  assert.equal(await late.synced(20_000), true);
  const everyNode = [...nodes, late];
  const newest = resolved().at(-1)!;
  for (const node of everyNode) await until(() => node.view.newestPurge(at(newest.url)) !== undefined, 'the last purge everywhere', 20_000);

  const lost = resolved().filter((call) => everyNode.some((node) => (node.view.newestPurge(at(call.url))?.sequence ?? 0) < call.event!.sequence));
  const sequences = resolved().map((c) => c.event!.sequence);
  const afterCrash = resolved(crashedAt);
  const outlived = afterCrash.filter((call) =>
    nodes.some((node, i) => {
      const verdict = node.view.newestPurge(at(call.url), appliedAtCrash[i]);
      return !verdict || verdict.soft || verdict.sequence <= appliedAtCrash[i]!;
    }),
  );
  const failed = calls.filter((c) => c.error);
  const resets = (await registry.getSingleMetric('meridian_meta_resets_total')!.get()).values.filter((v) => v.labels.reason === 'fork').map((v) => `${v.labels.node} ${v.value}`);
  t.diagnostic(`crash → first purge resolved again: ${resumedAt - crashedAt} ms; purges resolved ${resolved().length}, failed ${failed.length} `
    + `(${[...new Set(failed.map((c) => (c.error as MetaError).code))].join(', ')}), longest call ${Math.max(...calls.map((c) => c.settledAt! - c.startedAt))} ms; `
    + `resolved but lost: ${lost.length}; post-crash purges a pre-crash copy outlives: ${outlived.length}; `
    + `applied at crash ${appliedAtCrash.join('/')}, first post-crash sequence ${afterCrash[0]!.event!.sequence}; fork resets: ${resets.join(', ') || 'none'}`);

  assert.deepEqual(outlived.map((c) => c.url), [], 'a copy fetched before the crash never outlives a purge issued after it');
  assert.ok(resumedAt - crashedAt < 30_000, `publishing resumed ${resumedAt - crashedAt} ms after the crash`);
  if (options.waitReplicas === 0) {
    // Without WAIT the purges written during the partition were reported done, applied by the
    // nodes, and lost with the primary: the nodes saw the history fork and reset above it.
    assert.ok(lost.length > 0, 'waitReplicas 0 trades durability away (else this test proves nothing)');
    assert.equal(resets.length, nodes.length, 'each node that applied lost entries reset above them');
  } else {
    assert.equal(new Set(sequences).size, sequences.length, 'no sequence was handed out twice');
    assert.deepEqual(lost.map((c) => c.url), [], 'every purge reported done is known to every node');
  }
}

test('sentinel failover under purge load: the primary crashes, the replica takes over, no purge reported done is lost', { timeout: 50_000 }, async (t) => {
  await failoverUnderLoad(t, { partitionFirst: false });
});

test('sentinel failover after a partition: purges the replica never got are not reported done, and sequences never go back', { timeout: 50_000 }, async (t) => {
  await failoverUnderLoad(t, { partitionFirst: true });
});

test('sentinel failover after a partition with waitReplicas 0: purges are lost, but no copy fetched before the crash outlives a later purge', { timeout: 50_000 }, async (t) => {
  await failoverUnderLoad(t, { partitionFirst: true, waitReplicas: 0 });
});

test('a replica cut off from the primary: purges are refused with NOT_REPLICATED within two wait timeouts, never queued behind each other', { timeout: 50_000 }, async (t) => {
  const set = await startReplicatedRedis({ replicas: 1, downAfterMs: 30_000, failoverTimeoutMs: 60_000 });
  const config = parseMetaConfig({ backend: 'redis', redis: { sentinel: { sentinels: set.sentinel.sentinels, name: set.sentinel.name }, waitTimeoutMs: 300 } });
  const store = createMetaStore(config);
  t.after(async () => {
    await store.close();
    await set.stop();
  });
  const publisher = new PurgePublisher({ store, windowMs: 0 });
  await publisher.purge([{ scope: urlScope('https://a.example/before'), soft: false }]);
  set.links[0]!.cut();
  const calls = Array.from({ length: 60 }, async (_, i) => {
    await sleep(i * PERIOD_MS);
    const startedAt = Date.now();
    const outcome = await publisher.purge([{ scope: urlScope(`https://a.example/cut/${i}`), soft: false }]).then(() => 'resolved', (err: MetaError) => err.code);
    return { outcome, ms: Date.now() - startedAt };
  });
  const results = await Promise.all(calls);
  const slowest = Math.max(...results.map((r) => r.ms));
  t.diagnostic(`replica cut off: ${results.length} purges, slowest answer ${slowest} ms (waitTimeoutMs 300)`);
  assert.deepEqual([...new Set(results.map((r) => r.outcome))], ['MERIDIAN_E_META_NOT_REPLICATED'], 'none is reported done while no replica holds it');
  // One WAIT per purge in turn would take 60 × 300 ms for the last one.
  assert.ok(slowest < 6000, `slowest answer ${slowest} ms`);
});

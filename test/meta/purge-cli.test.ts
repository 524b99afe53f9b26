import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSilentLogger } from '../../src/telemetry/index.js';
import { InvalidationSubscriber, startHeartbeat, type MetaStore } from '../../src/meta/index.js';
import { cliPath } from '../helpers/paths.js';
import { sharedRedis, redisStore } from './redis-harness.js';
import { node, idleLoad } from './store-contract.js';

const redis = sharedRedis();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function meridian(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const childEnv = { ...process.env, ...env };
  if (env.REDIS_URL === undefined) delete childEnv.REDIS_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath(), 'purge', ...args], { env: childEnv, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** An in-process node: follows the stream (and so acks) and heartbeats into the registry. */
function liveNode(t: TestContext, store: MetaStore, id: string): InvalidationSubscriber {
  const subscriber = new InvalidationSubscriber({ store, nodeId: id, logger: createSilentLogger(), blockMs: 200 });
  subscriber.start();
  const heartbeat = startHeartbeat({ store, info: node(id), load: () => idleLoad, logger: createSilentLogger(), intervalMs: 200, ttlMs: 5000 });
  t.after(async () => {
    await heartbeat.stop();
    await subscriber.stop();
  });
  return subscriber;
}

test('purge CLI: URL, tag, prefix and site purges reach live nodes; --wait returns when all acknowledged', async (t) => {
  const server = await redis();
  const prefix = 'cli-ok:';
  const nodes = [liveNode(t, redisStore(t, server, { keyPrefix: prefix }), 'edge-ams'), liveNode(t, redisStore(t, server, { keyPrefix: prefix }), 'shield-fra')];
  for (const n of nodes) assert.equal(await n.synced(), true);
  const run = await meridian(['https://www.example.com/a?b=1', '--tag', 'sku-9', '--prefix', 'https://www.example.com/img/', '--all', 'other.example', '--soft', '--wait', '--timeout', '10000', '--key-prefix', prefix], { REDIS_URL: server.url });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^purged url www\.example\.com\/a\?b=1 \(soft\) sequence \d+$/m);
  assert.match(run.stdout, /^purged tag sku-9 \(soft\) sequence \d+$/m);
  assert.match(run.stdout, /^purged prefix www\.example\.com\/img\/ \(soft\) sequence \d+$/m);
  assert.match(run.stdout, /^purged all of other\.example \(soft\) sequence \d+$/m);
  assert.match(run.stdout, /acknowledged by 2 node\(s\): edge-ams, shield-fra/);
  const last = Math.max(...[...run.stdout.matchAll(/sequence (\d+)/g)].map((m) => Number(m[1])));
  for (const n of nodes) {
    assert.ok(n.view.appliedSequence() >= last, 'acknowledged means applied');
    assert.deepEqual(n.view.newestPurge({ host: 'www.example.com', path: '/img/x.png', tags: [] }, 0), { sequence: last - 1, soft: true });
  }
});

test('purge CLI: --wait names the live node that never acknowledged, exit 3', async (t) => {
  const server = await redis();
  const prefix = 'cli-wait:';
  const good = liveNode(t, redisStore(t, server, { keyPrefix: prefix }), 'edge-good');
  await good.synced();
  // Registered and heartbeating, but not following the stream: it never acks.
  const silent = startHeartbeat({ store: redisStore(t, server, { keyPrefix: prefix }), info: node('edge-silent'), load: () => idleLoad, logger: createSilentLogger(), intervalMs: 200, ttlMs: 5000 });
  t.after(() => silent.stop());
  await silent.beat();
  const run = await meridian(['https://www.example.com/x', '--wait', '--timeout', '4000', '--redis', server.url, '--key-prefix', prefix]);
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stdout, /^purged url www\.example\.com\/x \(hard\) sequence \d+$/m);
  assert.match(run.stdout, /acknowledged by 1 node\(s\): edge-good/);
  assert.match(run.stderr, /MERIDIAN_E_META_WAIT_TIMEOUT: not acknowledged within 4000 ms by 1 node\(s\):\n\s+edge-silent \(applied up to nothing\)/);
});

test('purge CLI: Redis down fails loudly, nothing printed as purged', async () => {
  const run = await meridian(['https://www.example.com/x', '--redis', 'redis://127.0.0.1:1']);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /MERIDIAN_E_META_UNAVAILABLE: .*ECONNREFUSED/);
  assert.match(run.stderr, /the purge was NOT applied/);
});

test('purge CLI: no Redis configured, or bad input, is a clear error', async () => {
  // Spawning the CLI is slow on a loaded machine: two representative cases here, the
  // whole table of bad input in scope.test.ts (same function, in-process).
  const [none, bad] = await Promise.all([
    meridian(['https://www.example.com/x']),
    meridian(['https://a.example/', '--tag', 'two words', '--redis', 'redis://127.0.0.1:1']),
  ]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /MERIDIAN_E_META_CONFIG: no Redis to purge through\n\s+hint: pass --redis/);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /MERIDIAN_E_META_BAD_PURGE: tag: "two words" must be one surrogate key/);
  assert.doesNotMatch(bad.stderr, /ECONNREFUSED/, 'input is checked before connecting');
});

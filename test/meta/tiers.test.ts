import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSilentLogger } from '../../src/telemetry/index.js';
import { InvalidationSubscriber, PurgePublisher, urlScope, tagScope, prefixScope, type PurgeRequest } from '../../src/meta/index.js';
import type { RedisProcess } from '../helpers/redis.js';
import { send, startNode, startOrigin, type Origin } from '../cache/helpers.js';
import { sharedRedis, redisStore } from './redis-harness.js';
import { until } from '../helpers/wait.js';

const redis = sharedRedis();

/**
 * A two-tier fleet on loopback: one regional (shield) and one edge whose parent it is,
 * each following the invalidation stream of one real Redis through its own connections.
 */
async function fleet(t: TestContext, origin: Origin, server: RedisProcess) {
  const keyPrefix = `tiers-${Math.random().toString(36).slice(2, 8)}:`;
  const follow = (id: string) => {
    const subscriber = new InvalidationSubscriber({ store: redisStore(t, server, { keyPrefix }), nodeId: id, logger: createSilentLogger(), blockMs: 200 });
    subscriber.start();
    t.after(() => subscriber.stop());
    return subscriber;
  };
  const regionalFeed = follow('regional-1');
  const edgeFeed = follow('edge-1');
  await regionalFeed.synced();
  await edgeFeed.synced();
  const sites = [{ hosts: ['*'], origin: origin.url }];
  const regional = await startNode(t, { id: 'regional-1', tier: 'regional', sites }, { invalidation: regionalFeed.view });
  const edge = await startNode(t, { id: 'edge-1', parents: [regional.addresses[0]!], sites }, { invalidation: edgeFeed.view });
  const publisher = new PurgePublisher({ store: redisStore(t, server, { keyPrefix }), windowMs: 1 });
  const purge = async (requests: PurgeRequest[], waitFor = [regionalFeed, edgeFeed]) => {
    const events = await publisher.purge(requests);
    const last = events[events.length - 1]!.sequence;
    await until(() => waitFor.every((feed) => feed.view.appliedSequence() >= last), 'the purge to reach the nodes');
    return last;
  };
  const get = (path: string) => send(edge.addresses[0]!, path, { headers: { host: 'www.example.com' } });
  return { regionalFeed, edgeFeed, purge, get };
}

function versionedOrigin(t: TestContext, headers: (path: string) => Record<string, string> = () => ({})) {
  const versions = new Map<string, number>();
  return startOrigin(t, (req, res) => {
    const path = req.url ?? '/';
    const version = versions.get(path) ?? 1;
    res.writeHead(200, { 'cache-control': 'max-age=300', ...headers(path) });
    res.end(`${path} v${version}`);
    versions.set(path, version + 1);
  });
}

test('tiers: a tag purge and a prefix purge empty both tiers; other objects stay cached', async (t) => {
  const origin = await versionedOrigin(t, (path) => ({ 'surrogate-key': path.startsWith('/p/') ? 'product other' : 'unrelated' }));
  const { purge, get } = await fleet(t, origin, await redis());
  for (const path of ['/p/1', '/p/2', '/img/a.png', '/keep']) assert.equal((await get(path)).body, `${path} v1`);
  assert.match((await get('/p/1')).headers['cache-status']!, /meridian-edge-1; hit/);

  await purge([{ scope: tagScope('product'), soft: false }]);
  const after = await get('/p/1');
  assert.equal(after.body, '/p/1 v2', 'the tagged object comes fresh from the origin');
  assert.match(after.headers['cache-status']!, /^meridian-regional-1; fwd=(uri-)?miss/, 'the shield did not serve its purged copy');
  assert.equal((await get('/p/2')).body, '/p/2 v2');
  assert.equal((await get('/keep')).body, '/keep v1', 'untagged objects stay');

  await purge([{ scope: prefixScope('https://www.example.com/img/'), soft: false }]);
  assert.equal((await get('/img/a.png')).body, '/img/a.png v2');
  assert.equal((await get('/keep')).body, '/keep v1');
  assert.equal(origin.count('/keep'), 1);
});

test('tiers: the shield race — an edge that applied a purge never re-caches the shield\'s old copy', async (t) => {
  const origin = await versionedOrigin(t);
  const { regionalFeed, edgeFeed, purge, get } = await fleet(t, origin, await redis());
  const edgeSequence = () => edgeFeed.view.appliedSequence();
  assert.equal((await get('/race')).body, '/race v1');
  assert.equal((await get('/race')).body, '/race v1');

  // The shield falls behind: it stops following the stream, so it still holds and trusts v1.
  await regionalFeed.stop();
  await purge([{ scope: urlScope('https://www.example.com/race'), soft: false }], []);
  for (let i = 0; i < 3; i++) {
    const reply = await get('/race');
    assert.notEqual(reply.body, '/race v1', 'the edge never serves a copy fetched before the purge, nor stores it');
  }

  // The shield catches up: its copies count as purged, it refetches, and the edge caches again.
  regionalFeed.start();
  await until(() => regionalFeed.view.appliedSequence() >= edgeSequence(), 'the shield to catch up');
  const fresh = await get('/race');
  assert.notEqual(fresh.body, '/race v1');
  const hit = await get('/race');
  assert.equal(hit.body, fresh.body);
  assert.match(hit.headers['cache-status']!, /meridian-edge-1; hit/);
});

function etagOrigin(t: TestContext) {
  return startOrigin(t, (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=300' });
      res.end();
      return;
    }
    res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=300', 'surrogate-key': 'soft-tag' });
    res.end('body v1');
  });
}

test('tiers: a soft purge makes the edge revalidate through the shield instead of refetching', async (t) => {
  const origin = await etagOrigin(t);
  const { purge, get } = await fleet(t, origin, await redis());
  assert.equal((await get('/soft')).body, 'body v1');
  assert.match((await get('/soft')).headers['cache-status']!, /meridian-edge-1; hit/);
  await purge([{ scope: tagScope('soft-tag'), soft: true }]);
  const revalidated = await get('/soft');
  assert.equal(revalidated.status, 200);
  assert.equal(revalidated.body, 'body v1');
  assert.match(revalidated.headers['cache-status']!, /meridian-edge-1; fwd=stale; fwd-status=304/, 'the edge revalidated its copy');
  assert.equal(origin.count('/soft'), 2, 'the shield went upstream too');
  assert.match((await get('/soft')).headers['cache-status']!, /meridian-edge-1; hit/, 'after revalidation it is a hit again');
});

test('a soft purge on a node facing the origin sends a conditional request, not a refetch', async (t) => {
  const origin = await etagOrigin(t);
  const server = await redis();
  const subscriber = new InvalidationSubscriber({ store: redisStore(t, server, { keyPrefix: 'soft-single:' }), nodeId: 'edge-solo', logger: createSilentLogger(), blockMs: 200 });
  subscriber.start();
  t.after(() => subscriber.stop());
  await subscriber.synced();
  const node = await startNode(t, { id: 'edge-solo', sites: [{ hosts: ['*'], origin: origin.url }] }, { invalidation: subscriber.view });
  const get = () => send(node.addresses[0]!, '/soft', { headers: { host: 'www.example.com' } });
  assert.equal((await get()).body, 'body v1');
  const [event] = await new PurgePublisher({ store: redisStore(t, server, { keyPrefix: 'soft-single:' }), windowMs: 0 }).purge([{ scope: urlScope('https://www.example.com/soft'), soft: true }]);
  await until(() => subscriber.view.appliedSequence() >= event!.sequence, 'the soft purge');
  const reply = await get();
  assert.equal(reply.body, 'body v1');
  assert.match(reply.headers['cache-status']!, /fwd=stale; fwd-status=304/);
  assert.deepEqual(origin.requests.map((r) => r.headers['if-none-match']), [undefined, '"v1"']);
});

test('tiers: a purge during an in-flight fetch — the copy being fetched is not served after the purge', async (t) => {
  let version = 0;
  const origin = await startOrigin(t, (_req, res) => {
    version++;
    const body = `slow v${version}`;
    // The first fetch is slow, so the purge lands while it is in flight.
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'max-age=300' });
      res.end(body);
    }, version === 1 ? 600 : 0);
  });
  const { purge, get } = await fleet(t, origin, await redis());
  const inFlight = get('/slow');
  await until(() => origin.count('/slow') === 1, 'the fetch to reach the origin');
  await purge([{ scope: urlScope('https://www.example.com/slow'), soft: false }]);
  assert.equal((await inFlight).body, 'slow v1', 'the request that started before the purge gets what was fetched');
  const after = await get('/slow');
  assert.equal(after.body, 'slow v2', 'nobody gets the pre-purge copy afterwards');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rendezvousOrder } from '../../src/cache/index.js';
import { LocalInvalidation, send, sleep, startNode, startOrigin } from './helpers.js';

test('Age accumulates across tiers and Cache-Status reads regional first, then edge', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=100', age: '10' });
    res.end('tiered');
  });
  const regional = await startNode(t, { id: 'regional-1', tier: 'regional', sites: [{ hosts: ['*'], origin: origin.url }] });
  const edge = await startNode(t, { id: 'edge-1', parents: [regional.addresses[0]!], sites: [{ hosts: ['*'], origin: origin.url }] });
  const first = await send(edge.addresses[0]!, '/t');
  assert.equal(first.body, 'tiered');
  assert.match(first.headers['cache-status']!, /^meridian-regional-1; fwd=uri-miss; fwd-status=200; stored; ttl=\d+, meridian-edge-1; fwd=uri-miss; fwd-status=200; stored; ttl=\d+$/);
  assert.equal(first.headers['meridian-fetch-sequence'], undefined, 'internal fields stay inside the fleet');
  assert.ok(Number(first.headers.age) >= 10 && Number(first.headers.age) <= 12, `Age ${first.headers.age}`);
  await sleep(1100);
  const hit = await send(edge.addresses[0]!, '/t');
  assert.match(hit.headers['cache-status']!, /meridian-edge-1; hit; ttl=\d+$/);
  assert.ok(Number(hit.headers.age) >= 11, `Age ${hit.headers.age}`);
  const edge2 = await startNode(t, { id: 'edge-2', parents: [regional.addresses[0]!], sites: [{ hosts: ['*'], origin: origin.url }] });
  const viaRegionalHit = await send(edge2.addresses[0]!, '/t');
  assert.match(viaRegionalHit.headers['cache-status']!, /^meridian-regional-1; hit; ttl=\d+, meridian-edge-2; fwd=uri-miss; fwd-status=200; stored/);
  assert.ok(Number(viaRegionalHit.headers.age) >= 11, `Age ${viaRegionalHit.headers.age}`);
  assert.equal(origin.count('/t'), 1);
  assert.match(origin.requests[0]!.headers.via!, /meridian-edge-1, 1\.1 meridian-regional-1/);
});

test('rendezvous hashing gives each object one parent; failures move to the next parent, then the origin', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=100' });
    res.end('x');
  });
  const site = [{ hosts: ['*'], origin: origin.url }];
  const r1 = await startNode(t, { id: 'r1', tier: 'regional', sites: site });
  const r2 = await startNode(t, { id: 'r2', tier: 'regional', sites: site });
  const parents = [r1.addresses[0]!, r2.addresses[0]!];
  const edge = await startNode(t, { id: 'e', parents, sites: site, breaker: { failureThreshold: 1, openMs: 60_000 } });
  const paths = Array.from({ length: 12 }, (_, i) => `/obj-${i}`);
  const seen = new Set<string>();
  for (const path of paths) {
    const reply = await send(edge.addresses[0]!, path, { headers: { host: 'site.test' } });
    const parent = /^meridian-(r\d)/.exec(reply.headers['cache-status']!)?.[1];
    const expected = rendezvousOrder(`site.test\n${path}`, parents)[0] === parents[0] ? 'r1' : 'r2';
    assert.equal(parent, expected, path);
    seen.add(parent!);
  }
  assert.equal(seen.size, 2, 'objects spread over both parents');

  const onR1 = paths.find((path) => rendezvousOrder(`site.test\n${path}`, parents)[0] === parents[0])!;
  await r1.close();
  const failedOver = await send(edge.addresses[0]!, `${onR1}?again`, { headers: { host: 'site.test' } });
  assert.equal(failedOver.status, 200);
  assert.match(failedOver.headers['cache-status']!, /^meridian-r2; fwd=uri-miss/);
  await r2.close();
  const direct = await send(edge.addresses[0]!, '/direct', { headers: { host: 'site.test' } });
  assert.equal(direct.status, 200);
  assert.match(direct.headers['cache-status']!, /^meridian-e; fwd=uri-miss; fwd-status=200; stored/);
});

test('without origin fallback, all parents down is a 502 with a clear Cache-Status', async (t) => {
  const origin = await startOrigin(t, (_req, res) => res.end('x'));
  const dead = await startNode(t, { id: 'dead', tier: 'regional', sites: [{ hosts: ['*'], origin: origin.url }] });
  const parent = dead.addresses[0]!;
  await dead.close();
  const edge = await startNode(t, { id: 'e', parents: [parent], fallbackToOrigin: false, sites: [{ hosts: ['*'], origin: origin.url }] });
  const reply = await send(edge.addresses[0]!, '/x');
  assert.equal(reply.status, 502);
  assert.match(reply.headers['cache-status']!, /detail=upstream-error/);
  assert.equal(origin.count(), 0);
});

test('200 concurrent misses for one key cause one origin fetch, on both tiers', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'max-age=100' });
      res.end('coalesced');
    }, 300);
  });
  const site = [{ hosts: ['*'], origin: origin.url }];
  const regional = await startNode(t, { id: 'r', tier: 'regional', sites: site });
  const edgeA = await startNode(t, { id: 'a', parents: [regional.addresses[0]!], sites: site });
  const edgeB = await startNode(t, { id: 'b', parents: [regional.addresses[0]!], sites: site });
  const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => send((i % 2 ? edgeA : edgeB).addresses[0]!, '/hot')));
  assert.ok(replies.every((reply) => reply.status === 200 && reply.body === 'coalesced'));
  assert.equal(origin.count('/hot'), 1);
  assert.ok(replies.some((reply) => /collapsed/.test(reply.headers['cache-status']!)));
  const metrics = await edgeA.registry.getSingleMetricAsString('meridian_cache_coalesced_waits_total');
  assert.match(metrics, /meridian_cache_coalesced_waits_total \d+/);
  assert.ok(Number(/ (\d+)$/m.exec(metrics)![1]) >= 1, 'some requests waited for the shared fill');
});

test('uncacheable responses are not shared between coalesced requests', async (t) => {
  let n = 0;
  const origin = await startOrigin(t, (_req, res) => {
    const user = ++n;
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'private' });
      res.end(`user-${user}`);
    }, 100);
  });
  const edge = await startNode(t, { id: 'e', sites: [{ hosts: ['*'], origin: origin.url }] });
  const replies = await Promise.all(Array.from({ length: 5 }, () => send(edge.addresses[0]!, '/me')));
  assert.equal(origin.count('/me'), 5);
  assert.equal(new Set(replies.map((r) => r.body)).size, 5);
});

test('a parent does not serve a copy older than the edge’s Meridian-Min-Sequence', async (t) => {
  let version = 0;
  const origin = await startOrigin(t, (_req, res) => {
    version++;
    res.writeHead(200, { 'cache-control': 'max-age=100' });
    res.end(`v${version}`);
  });
  const site = [{ hosts: ['*'], origin: origin.url }];
  const regionalView = new LocalInvalidation();
  const edgeView = new LocalInvalidation();
  const regional = await startNode(t, { id: 'r', tier: 'regional', sites: site }, { invalidation: regionalView });
  const edge = await startNode(t, { id: 'e', parents: [regional.addresses[0]!], sites: site }, { invalidation: edgeView });
  assert.equal((await send(regional.addresses[0]!, '/p')).body, 'v1');
  // The edge has applied a purge of /p (sequence 1) that the regional node has not seen yet.
  edgeView.purge({ kind: 'url', host: '127.0.0.1', path: '/p' });
  const reply = await send(edge.addresses[0]!, '/p');
  assert.equal(reply.body, 'v2', 'the parent refetched instead of serving its pre-purge copy');
  assert.match(reply.headers['cache-status']!, /meridian-e; fwd=uri-miss; fwd-status=200; stored/, 'the edge stores the post-purge copy although the parent lags');
  assert.match((await send(edge.addresses[0]!, '/p')).headers['cache-status']!, /meridian-e; hit/);
  assert.equal(origin.requests[1]!.headers['meridian-min-sequence'], undefined, 'the origin never sees internal fields');
});

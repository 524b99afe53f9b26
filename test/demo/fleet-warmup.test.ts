import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { parseCacheConfig, startCacheNode, type CacheConfigInput } from '../../src/cache/index.js';
import { startFleetNode, type FleetNode } from '../../src/demo/index.js';
import { MemoryMetaStore, parseMetaConfig, type MetaStore } from '../../src/meta/index.js';
import { freePort } from '../helpers/ports.js';
import { send, sleep, startOrigin, type Origin } from '../cache/helpers.js';

const TOKEN = 'fleet-secret';
const HOST = { host: 'shop.test' };

async function countingOrigin(t: TestContext): Promise<Origin> {
  return startOrigin(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end(`body of ${req.url}`);
  });
}

function edgeConfig(id: string, origin: Origin, admin: string, extra: Partial<CacheConfigInput> = {}) {
  return parseCacheConfig({
    id,
    region: 'eu',
    tier: 'edge',
    listen: ['127.0.0.1:0'],
    admin: { listen: admin, token: TOKEN },
    sites: [{ hosts: ['*'], origin: origin.url }],
    timeouts: { drainMs: 1000, healthDrainMs: 0 },
    ...extra,
  });
}

async function startFleet(t: TestContext, ...args: Parameters<typeof startFleetNode>): Promise<FleetNode> {
  const node = await startFleetNode(...args);
  t.after(() => node.close());
  return node;
}

/** Polls health the way a DNS health check does; returns how many 503 answers came first. */
async function untilHealthy(base: string): Promise<number> {
  for (let warming = 0; ; warming++) {
    const reply = await send(base, '/_meridian/health');
    if (reply.status === 200) return warming;
    assert.equal(reply.status, 503, `health answered ${reply.status}: ${reply.body}`);
    await sleep(20);
  }
}

test('a node joining the registry rehydrates its region peer’s hot object before health turns 200', async (t) => {
  const origin = await countingOrigin(t);
  const store: MetaStore = new MemoryMetaStore();
  t.after(() => store.close());
  const meta = parseMetaConfig({ backend: 'memory' });

  const adminPort = await freePort();
  const a = await startFleet(t, edgeConfig('edge-a', origin, `127.0.0.1:${adminPort}`), { meta, store });
  await untilHealthy(a.cache.addresses[0]!);
  for (let i = 0; i < 3; i++) await send(a.cache.addresses[0]!, '/hot.js', { headers: HOST });
  assert.equal(origin.count('/hot.js'), 1, 'node A fetched the object once and serves it from cache');

  // A is registered with the admin URL of its configured listen address.
  const registered = (await store.listNodes()).find((node) => node.id === 'edge-a');
  assert.equal(registered?.adminUrl, `http://127.0.0.1:${adminPort}`);
  assert.equal(registered.adminUrl, a.cache.adminAddress);

  // B's admin port is 0: it is registered with the port it was given.
  const b = await startFleet(t, edgeConfig('edge-b', origin, '127.0.0.1:0'), { meta, store });
  await untilHealthy(b.cache.addresses[0]!);
  const fetchesBefore = origin.count('/hot.js');
  assert.equal(fetchesBefore, 2, 'B fetched the hot object once while warming (it has no parent)');
  const summary = await b.cache.warmedUp;
  assert.equal(summary.peers, 1, 'B asked A, and not itself');
  assert.equal(summary.fetched, 1);

  const reply = await send(b.cache.addresses[0]!, '/hot.js', { headers: HOST });
  assert.equal(reply.status, 200);
  assert.equal(reply.body, 'body of /hot.js');
  assert.match(reply.headers['cache-status']!, /meridian-edge-b; hit/);
  assert.equal(origin.count('/hot.js'), fetchesBefore, 'the hit through B made no origin fetch');

  const listed = (await store.listNodes()).find((node) => node.id === 'edge-b');
  assert.equal(listed?.adminUrl, b.cache.adminAddress);
  assert.notEqual(new URL(b.cache.adminAddress!).port, '0');
});

test('with Redis down at start, the registry listing fails fast and the node comes up cold', async (t) => {
  const origin = await countingOrigin(t);
  const deadRedis = `redis://127.0.0.1:${await freePort()}`;
  const started = Date.now();
  const node = await startFleet(t, edgeConfig('edge-a', origin, `127.0.0.1:${await freePort()}`, { redis: deadRedis }));
  await untilHealthy(node.cache.addresses[0]!);
  const summary = await node.cache.warmedUp;
  assert.deepEqual({ peers: summary.peers, keys: summary.keys }, { peers: 0, keys: 0 });
  // warmup.maxSeconds defaults to 30 s: a hanging listing would hold health at 503 that long.
  assert.ok(Date.now() - started < 15_000, `came up after ${Date.now() - started} ms`);
  const reply = await send(node.cache.addresses[0]!, '/cold.js', { headers: HOST });
  assert.equal(reply.status, 200);
  assert.match(reply.headers['cache-status']!, /meridian-edge-a; fwd=uri-miss/);
});

test('a failing registry listing does not cost the configured warm-up peers', async (t) => {
  const origin = await countingOrigin(t);
  const a = await startCacheNode(edgeConfig('edge-a', origin, '127.0.0.1:0'));
  t.after(() => a.close());
  await send(a.addresses[0]!, '/hot.js', { headers: HOST });

  const failures = [
    async () => Promise.reject(new Error('registry down')),
    () => {
      throw new Error('registry down, synchronously');
    },
    async () => [{ id: 'broken', region: 'eu', tier: 'edge' as const }] as never,
  ];
  for (const [i, peers] of failures.entries()) {
    const b = await startCacheNode(edgeConfig(`edge-b${i}`, origin, '127.0.0.1:0', { warmup: { peers: [a.adminAddress!] } }), { peers });
    t.after(() => b.close());
    const summary = await b.warmedUp;
    assert.deepEqual({ peers: summary.peers, keys: summary.keys }, { peers: 1, keys: 1 }, `listing ${i}: the configured peer is still asked`);
    assert.match((await send(b.addresses[0]!, '/hot.js', { headers: HOST })).headers['cache-status']!, new RegExp(`meridian-edge-b${i}; hit`));
  }
});

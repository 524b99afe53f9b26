import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSilentLogger } from '../../src/telemetry/index.js';
import { MemoryMetaStore, parseMetaConfig, startMetaNode, LoadMeter } from '../../src/meta/index.js';
import { send, startNode, startOrigin } from '../cache/helpers.js';
import { node as nodeInfo } from './store-contract.js';
import { until } from '../helpers/wait.js';

test('meta node: an in-process fleet purges through the cache admin listener (POST /purge, bearer token)', async (t) => {
  let version = 0;
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=300' });
    res.end(`v${++version}`);
  });
  // The demo's shape: one MemoryMetaStore shared by every node of the process.
  const store = new MemoryMetaStore();
  t.after(() => store.close());
  const config = parseMetaConfig({ registry: { heartbeatMs: 100, ttlMs: 5000 } });
  const metas = ['edge-a', 'edge-b'].map((id) => {
    const meter = new LoadMeter();
    const meta = startMetaNode({ config, store, info: nodeInfo(id), load: () => meter.sample(), logger: createSilentLogger() });
    t.after(() => meta.close());
    return meta;
  });
  const nodes = await Promise.all(
    metas.map((meta, i) =>
      startNode(t, { id: `edge-${'ab'[i]}`, admin: { listen: '127.0.0.1:0', token: 'adm1n' }, sites: [{ hosts: ['*'], origin: origin.url }] }, { invalidation: meta.view, adminRoutes: [meta.adminRoute] }),
    ),
  );
  for (const meta of metas) assert.equal(await meta.subscriber.synced(), true);
  const get = (i: number) => send(nodes[i]!.addresses[0]!, '/page', { headers: { host: 'shop.example' } });
  const first = [(await get(0)).body, (await get(1)).body];
  assert.equal((await get(0)).body, first[0], 'cached');

  const admin = nodes[1]!.adminAddress!;
  const refused = await fetch(`${admin}/purge`, { method: 'POST', body: JSON.stringify({ urls: ['https://shop.example/page'] }) });
  assert.equal(refused.status, 401);
  const response = await fetch(`${admin}/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer adm1n', 'content-type': 'application/json' },
    body: JSON.stringify({ urls: ['https://shop.example/page'], wait: true, timeoutMs: 10_000 }),
  });
  const body = (await response.json()) as { sequence: number; acked: string[] };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.deepEqual(body.acked, ['edge-a', 'edge-b'], 'both nodes are registered and acknowledged');
  for (const i of [0, 1]) {
    const after = await get(i);
    assert.notEqual(after.body, first[i], `node ${i} does not serve the purged copy`);
  }
  await until(async () => (await store.listNodes()).length === 2, 'the registry');
});

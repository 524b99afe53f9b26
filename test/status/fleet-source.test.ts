import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker, LoadBoard } from '../../src/fleet/index.js';
import { MemoryMetaStore, type LoadReport, type NodeInfo } from '../../src/meta/index.js';
import { parseRoutingFile, RoutingEngine } from '../../src/routing/index.js';
import { createFleetStatusSource, RecentBuffer, type StatusDecision } from '../../src/status/index.js';

const YAML = `
plain:
  type: A
  values: [192.0.2.99]
www:
  type: A
  values: [192.0.2.1]
  dynamic:
    pools:
      eu:
        meridian: { location: { lat: 50.11, lon: 8.68 } }
        values:
          - value: 192.0.2.10
          - value: 192.0.2.11
            status: down
      na:
        values: [{ value: 192.0.2.20 }]
    rules:
      - subnets: [203.0.113.0/24]
        pool: na
      - pool: eu
  octodns:
    healthcheck: { host: www.cdn.test, path: /health, port: 8080, protocol: HTTP }
  meridian:
    healthcheck: { interval: 1, timeout: 0.5, up_threshold: 1, down_threshold: 1 }
`;

const LOAD: LoadReport = { requestsPerSecond: 50, bytesPerSecond: 0, openConnections: 0, eventLoopUtilization: 0.2, hitRatio: 0.75 };
const INFO: NodeInfo = {
  id: 'edge-na-1',
  region: 'na',
  tier: 'edge',
  addresses: ['192.0.2.20'],
  location: { lat: 37.3, lon: -121.9 },
  capacity: { requestsPerSecond: 100, bytesPerSecond: 0, connections: 0 },
};

function setup() {
  const result = parseRoutingFile(YAML, 'cdn.test.yaml');
  assert.ok(result.zone, JSON.stringify(result.problems));
  const health = new HealthTracker();
  const load = new LoadBoard();
  const engine = new RoutingEngine({ zones: [result.zone], health, load });
  for (const probe of engine.probes()) health.track(probe.id, { upThreshold: 1, downThreshold: 1, initial: 'up' });
  const store = new MemoryMetaStore();
  const decisions = new RecentBuffer<StatusDecision>(10);
  return { engine, health, load, store, decisions, probeOf: (address: string) => engine.probes().find((p) => p.address === address)!.id };
}

test('nodes: the YAML values with pool, location, health and load, merged with the registry', async (t) => {
  const { engine, health, load, store, decisions, probeOf } = setup();
  t.after(() => store.close());
  await store.heartbeat(INFO, LOAD, 60_000);
  await store.heartbeat({ ...INFO, id: 'regional-1', tier: 'regional', addresses: ['198.51.100.1'] }, LOAD, 60_000);
  const source = createFleetStatusSource({ engine, health, load, meta: store, decisions, pollMs: 60_000 });
  t.after(() => source.close());
  await source.refresh();
  health.report(probeOf('192.0.2.10'), { ok: false, reason: 'timeout' });
  load.set('192.0.2.10', 0.4);

  const nodes = new Map(source.snapshot().nodes.map((n) => [n.id, n]));
  assert.deepEqual([...nodes.keys()].sort(), ['192.0.2.1', '192.0.2.10', '192.0.2.11', '192.0.2.99', 'edge-na-1', 'regional-1']);
  const eu = nodes.get('192.0.2.10')!;
  assert.equal(eu.region, 'eu');
  assert.deepEqual(eu.location, { lat: 50.11, lon: 8.68 });
  assert.equal(eu.health, 'down');
  assert.equal(eu.healthDetail, 'timeout');
  assert.equal(eu.load, 0.4);
  assert.equal(nodes.get('192.0.2.11')!.health, 'down', 'status: down in the file');
  assert.equal(nodes.get('192.0.2.1')!.health, 'unknown', 'static value: answered whatever its health');
  assert.equal(nodes.get('192.0.2.99')!.health, 'unknown', 'no health check: nobody checks it');
  assert.equal(nodes.get('192.0.2.99')!.location, undefined);
  const na = nodes.get('edge-na-1')!;
  assert.equal(na.address, '192.0.2.20', 'the registered node took over the routed value of its address');
  assert.equal(na.health, 'up', 'probe says up');
  assert.equal(na.load, 0.5, 'load score: 50 of 100 requests/s');
  assert.equal(na.hitRatio, 0.75);
  assert.deepEqual(na.location, { lat: 37.3, lon: -121.9 });
  assert.equal(nodes.get('regional-1')!.tier, 'regional');
});

test('purges: pending nodes from the acks, finished ones linger, then go', async (t) => {
  const { engine, health, store, decisions } = setup();
  t.after(() => store.close());
  await store.heartbeat(INFO, LOAD, 60_000);
  await store.heartbeat({ ...INFO, id: 'edge-eu-1', addresses: ['192.0.2.10'] }, LOAD, 60_000);
  const batch = await store.publish([{ scope: { kind: 'tag', host: 'shop.test', tag: 'p42' }, soft: false }, { scope: { kind: 'url', host: 'shop.test', path: '/a' }, soft: true }], Date.now());
  const [first, second] = batch.events.map((e) => e.sequence) as [number, number];
  await store.ack({ nodeId: 'edge-na-1', sequence: first, streamId: batch.id, at: Date.now() });
  const source = createFleetStatusSource({ engine, health, meta: store, decisions, pollMs: 60_000, purgeLingerMs: 60_000 });
  t.after(() => source.close());
  await source.refresh();
  let purges = source.snapshot().purges;
  assert.deepEqual(purges.map((p) => [p.sequence, p.scope, p.acked, p.pending]), [
    [first, 'tag p42 on shop.test', 1, ['edge-eu-1']],
    [second, 'soft url shop.test/a', 0, ['edge-eu-1', 'edge-na-1']],
  ]);
  let notified = 0;
  source.subscribe!(() => notified++);
  for (const nodeId of ['edge-na-1', 'edge-eu-1']) await store.ack({ nodeId, sequence: second, streamId: batch.id, at: Date.now() });
  await source.refresh();
  assert.ok(notified >= 1, 'a new ack notifies watchers');
  purges = source.snapshot().purges;
  assert.deepEqual(purges.map((p) => [p.acked, p.pending.length]), [[2, 0], [2, 0]], 'acked by all, still shown while recent');

  const quick = createFleetStatusSource({ engine, health, meta: store, decisions, pollMs: 60_000, purgeLingerMs: 0 });
  t.after(() => quick.close());
  await new Promise((resolve) => setTimeout(resolve, 5));
  await quick.refresh();
  assert.deepEqual(quick.snapshot().purges, [], 'finished purges past the linger time are not in flight');
});

test('purges: the poll that sees every live node ack stamps completedAt, and lingering counts from it', async (t) => {
  const { engine, health, store, decisions } = setup();
  t.after(() => store.close());
  await store.heartbeat(INFO, LOAD, 60_000);
  // Issued long ago: lingering from the issue time would hide it the moment it completes.
  const issuedAt = Date.now() - 5 * 60_000;
  const batch = await store.publish([{ scope: { kind: 'site', host: 'shop.test' }, soft: false }], issuedAt);
  const [sequence] = batch.events.map((e) => e.sequence) as [number];
  const source = createFleetStatusSource({ engine, health, meta: store, decisions, pollMs: 60_000, purgeLingerMs: 60_000 });
  t.after(() => source.close());
  await source.refresh();
  const [pending] = source.snapshot().purges;
  assert.deepEqual(pending?.pending, ['edge-na-1']);
  assert.equal(pending?.completedAt, undefined);

  const before = Date.now();
  await store.ack({ nodeId: 'edge-na-1', sequence, streamId: batch.id, at: Date.now() });
  await source.refresh();
  const [done] = source.snapshot().purges;
  assert.deepEqual(done?.pending, [], 'still listed: completed just now');
  assert.ok(done?.completedAt !== undefined && done.completedAt >= before && done.completedAt <= Date.now(), `completedAt ${done?.completedAt}`);

  // A source that first reads it already complete cannot know when that happened.
  const late = createFleetStatusSource({ engine, health, meta: store, decisions, pollMs: 60_000, purgeLingerMs: 10 * 60_000 });
  t.after(() => late.close());
  await late.refresh();
  assert.equal(late.snapshot().purges[0]?.completedAt, undefined);
});

test('decisions: sampled queries are traced off the hot path, with ids, and notify', async (t) => {
  const { engine, health, store, decisions } = setup();
  t.after(() => store.close());
  const source = createFleetStatusSource({ engine, health, decisions, decisionIntervalMs: 0 });
  t.after(() => source.close());
  let notified = 0;
  source.subscribe!(() => notified++);
  const answer = engine.resolve({ name: 'www.cdn.test', type: 1, zone: 'cdn.test', clientAddress: '198.51.100.7', ecs: { family: 1, sourcePrefix: 24, address: '203.0.113.0' } });
  assert.ok(answer);
  assert.equal(decisions.size, 0, 'nothing traced inside resolve()');
  await new Promise((resolve) => setImmediate(resolve));
  engine.resolve({ name: 'www.cdn.test', type: 1, zone: 'cdn.test', clientAddress: '198.51.100.8' });
  await new Promise((resolve) => setImmediate(resolve));
  const [newest, older] = source.snapshot().decisions;
  assert.ok(newest && older);
  assert.equal(older.name, 'www.cdn.test');
  assert.equal(older.client, '203.0.113.0/24');
  assert.deepEqual(older.answers, ['192.0.2.20']);
  assert.ok(older.trace.some((line) => line.startsWith('rule: ')), older.trace.join('\n'));
  assert.equal(newest.client, '198.51.100.8');
  assert.deepEqual(newest.answers, ['192.0.2.10']);
  assert.notEqual(newest.id, older.id);
  assert.ok(notified >= 2);

  source.close();
  engine.resolve({ name: 'www.cdn.test', type: 1, zone: 'cdn.test', clientAddress: '198.51.100.9' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(decisions.size, 2, 'closed: no more sampling');
});

test('a failing metadata store keeps the last nodes and recovers', async (t) => {
  const { engine, health, store, decisions } = setup();
  await store.heartbeat(INFO, LOAD, 60_000);
  const source = createFleetStatusSource({ engine, health, meta: store, decisions, pollMs: 60_000 });
  t.after(() => source.close());
  await source.refresh();
  await store.close();
  await source.refresh();
  assert.ok(source.snapshot().nodes.some((n) => n.id === 'edge-na-1'), 'last known registry kept');
});

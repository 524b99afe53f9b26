import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSilentLogger } from '../../src/telemetry/index.js';
import { LoadBoard } from '../../src/fleet/index.js';
import { startHeartbeat, startLoadFeed, loadScore, loadByAddress, LoadMeter, type NodeStatus } from '../../src/meta/index.js';
import { sharedRedis, redisStore } from './redis-harness.js';
import { node, idleLoad } from './store-contract.js';
import { until } from '../helpers/wait.js';

const redis = sharedRedis();

test('registry: a heartbeating node is listed with its load; a silent one vanishes by itself', async (t) => {
  const store = redisStore(t, await redis());
  const meter = new LoadMeter();
  const alive = startHeartbeat({ store, info: node('edge-a', ['192.0.2.10']), load: () => meter.sample(), logger: createSilentLogger(), intervalMs: 100, ttlMs: 5000 });
  t.after(() => alive.stop());
  await alive.beat();
  await store.heartbeat(node('edge-dead', ['192.0.2.99']), idleLoad, 1500);
  assert.deepEqual((await store.listNodes()).map((n) => n.id), ['edge-a', 'edge-dead']);
  meter.connectionOpened();
  meter.record(1000, true);
  meter.record(3000, false);
  await until(async () => (await store.listNodes()).find((n) => n.id === 'edge-a')?.load.openConnections === 1, 'a load report');
  await until(async () => (await store.listNodes()).every((n) => n.id !== 'edge-dead'), 'the silent node to expire', 15_000);
  assert.deepEqual((await store.listNodes()).map((n) => n.id), ['edge-a']);
  await alive.stop();
  assert.deepEqual(await store.listNodes(), [], 'a node that stops cleanly leaves at once');
});

test('load meter: rates, hit ratio and connections over one interval', async () => {
  const meter = new LoadMeter();
  meter.connectionOpened();
  meter.connectionOpened();
  meter.connectionClosed();
  for (let i = 0; i < 10; i++) meter.record(100, i < 7);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const report = meter.sample();
  assert.equal(report.openConnections, 1);
  assert.equal(report.hitRatio, 0.7);
  // Timers may fire a little before 100 ms by the meter's clock, so the rate can exceed 100 slightly.
  assert.ok(report.requestsPerSecond > 10 && report.requestsPerSecond < 120, String(report.requestsPerSecond));
  assert.ok(report.eventLoopUtilization >= 0 && report.eventLoopUtilization <= 1);
  assert.equal(meter.sample().hitRatio, 0, 'a new interval starts empty');
});

const status = (id: string, addresses: string[], load: Partial<NodeStatus['load']>): NodeStatus => ({
  ...node(id, addresses),
  load: { ...idleLoad, ...load },
  updatedAt: Date.now(),
  expiresAt: Date.now() + 3000,
});

test('load score: the busiest resource against capacity, clamped to 0..1', () => {
  assert.equal(loadScore(status('a', [], { requestsPerSecond: 500 })), 0.5);
  assert.equal(loadScore(status('a', [], { openConnections: 250, eventLoopUtilization: 0.2 })), 0.5);
  assert.equal(loadScore(status('a', [], { eventLoopUtilization: 0.9 })), 0.9);
  assert.equal(loadScore(status('a', [], { bytesPerSecond: 1e9 })), 1);
  const byAddress = loadByAddress([status('a', ['192.0.2.1', '2001:db8::1'], { requestsPerSecond: 100 }), status('b', ['192.0.2.1'], { requestsPerSecond: 300 })]);
  assert.equal(byAddress.get('2001:db8::1'), 0.1);
  assert.equal(byAddress.get('192.0.2.1'), 0.3, 'a shared address reports its busiest node');
  assert.equal(byAddress.get('a'), 0.1);
});

test('load feed: the registry feeds fleet\'s LoadBoard; an expired node becomes unknown', async (t) => {
  const store = redisStore(t, await redis());
  const board = new LoadBoard();
  // Long enough to be seen on a loaded machine, short enough to watch it expire.
  await store.heartbeat(node('edge-a', ['192.0.2.10']), { ...idleLoad, requestsPerSecond: 250 }, 2000);
  const feed = startLoadFeed({ store, sink: board, logger: createSilentLogger(), intervalMs: 50 });
  t.after(() => feed.stop());
  await until(() => board.load('192.0.2.10') === 0.25, 'the load value');
  assert.deepEqual(feed.nodes().map((n) => n.id), ['edge-a']);
  await until(() => board.load('192.0.2.10') === undefined, 'the node to expire from the board', 15_000);
});

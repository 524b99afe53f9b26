import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NODE_HISTORY_MAX_NODES, NODE_HISTORY_SAMPLES, StatusHistoryRecorder } from '../../src/status/history.js';
import { PurgeLatencyTracker } from '../../src/status/purge-latency.js';
import type { NodeHealth, StatusNode, StatusPurge, StatusSnapshot } from '../../src/status/index.js';

function node(id: string, health: NodeHealth, requestsPerSecond?: number, hitRatio?: number): StatusNode {
  return { id, region: 'r', tier: 'edge', address: id, location: undefined, health, load: undefined, hitRatio, ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }) };
}

function snap(generatedAt: number, nodes: StatusNode[], purges: StatusPurge[] = []): StatusSnapshot {
  return { generatedAt, nodes, decisions: [], purges };
}

const purge = (sequence: number, issuedAt: number, pending: string[], completedAt?: number): StatusPurge => ({
  sequence,
  scope: `tag t${sequence}`,
  issuedAt,
  acked: 3 - pending.length,
  pending,
  ...(completedAt === undefined ? {} : { completedAt }),
});

test('a sample sums requests/s, averages hit ratios and counts nodes up', () => {
  const history = new StatusHistoryRecorder({ intervalMs: 1000, capacity: 5, maxPurges: 100 });
  assert.deepEqual(history.view().at, []);
  history.sample(snap(1000, [node('a', 'up', 100, 0.9), node('b', 'down', 50.04, 0.8), node('c', 'unknown')]));
  history.sample(snap(2000, [node('a', 'up'), node('c', 'up')]));
  const view = history.view();
  assert.equal(view.intervalMs, 1000);
  assert.equal(view.capacity, 5);
  assert.deepEqual(view.at, [1000, 2000]);
  assert.deepEqual(view.requestsPerSecond, [150, null], 'nobody reported: unknown, not zero');
  assert.deepEqual(view.hitRatio, [0.85, null]);
  assert.deepEqual(view.nodesUp, [1, 2]);
  assert.deepEqual(view.nodesTotal, [3, 2]);
  assert.deepEqual(view.purgeLatencyMs, [null, null]);
  assert.deepEqual(view.purgesCompleted, [0, 0]);
});

test('the ring keeps the newest samples, oldest first, and the view changes only on a sample', () => {
  const history = new StatusHistoryRecorder({ intervalMs: 1000, capacity: 3, maxPurges: 100 });
  for (let i = 1; i <= 7; i++) history.sample(snap(i * 1000, [node('a', 'up', i)]));
  const view = history.view();
  assert.deepEqual(view.at, [5000, 6000, 7000]);
  assert.deepEqual(view.requestsPerSecond, [5, 6, 7]);
  history.observe(snap(7500, [node('a', 'up', 99)]));
  assert.equal(history.view(), view, 'observe() alone does not rebuild the view');
});

test('per-node series follow the newest nodes, aligned to the end, capped in length and count', () => {
  const history = new StatusHistoryRecorder({ intervalMs: 1000, capacity: NODE_HISTORY_SAMPLES + 10, maxPurges: 100 });
  history.sample(snap(0, [node('a', 'up', 1), node('gone', 'up', 5)]));
  history.sample(snap(1, [node('a', 'up'), node('b', 'up', 2.345)]));
  history.sample(snap(2, [node('a', 'up', 3), node('b', 'up', 4), node('a', 'up', 99), node('no-rps', 'up')]));
  assert.deepEqual(history.view().nodes, [
    { id: 'a', requestsPerSecond: [1, null, 3] },
    { id: 'b', requestsPerSecond: [null, 2.3, 4] },
  ]);
  for (let i = 3; i < NODE_HISTORY_SAMPLES + 10; i++) history.sample(snap(i, [node('a', 'up', i)]));
  const [a] = history.view().nodes;
  assert.equal(history.view().at.length, NODE_HISTORY_SAMPLES + 10);
  assert.equal(a?.requestsPerSecond.length, NODE_HISTORY_SAMPLES);
  assert.equal(a?.requestsPerSecond.at(-1), NODE_HISTORY_SAMPLES + 9);

  const many = Array.from({ length: NODE_HISTORY_MAX_NODES + 50 }, (_, i) => node(`n${i}`, 'up', i));
  history.sample(snap(1e6, many));
  const view = history.view();
  assert.equal(view.nodes.length, NODE_HISTORY_MAX_NODES);
  assert.equal(view.requestsPerSecond.at(-1), ((NODE_HISTORY_MAX_NODES + 50) * (NODE_HISTORY_MAX_NODES + 49)) / 2, 'the fleet sum still counts every node');
});

test('a sloppy snapshot cannot break a sample', () => {
  const history = new StatusHistoryRecorder({ intervalMs: 1000, capacity: 3, maxPurges: 100 });
  const junk = [null, 7, { ...node('x', 'up', Number.NaN, 7) }, { ...node('y', 'up', -3, -1) }] as unknown as StatusNode[];
  history.sample(snap(1, junk, [null, { sequence: 'x' }] as unknown as StatusPurge[]));
  const view = history.view();
  assert.deepEqual([view.requestsPerSecond, view.hitRatio, view.nodesUp, view.nodesTotal], [[null], [0.5], [2], [2]]);
  assert.deepEqual(view.nodes, []);
});

test('purge latency: from the source\'s completedAt, else when first seen complete after pending', () => {
  const tracker = new PurgeLatencyTracker(100);
  tracker.observe([purge(1, 1000, ['a']), purge(2, 1000, [], 1700), purge(3, 500, [])], 2000);
  assert.deepEqual(tracker.take(), { count: 1, slowestMs: 700 }, 'completedAt counts; a purge already done when first seen does not');
  tracker.observe([purge(1, 1000, []), purge(2, 1000, [], 1700), purge(3, 500, [])], 3500);
  assert.deepEqual(tracker.take(), { count: 1, slowestMs: 2500 }, 'seen pending, then complete at this snapshot');
  tracker.observe([purge(1, 1000, []), purge(2, 1000, [], 1700)], 4000);
  assert.deepEqual(tracker.take(), { count: 0, slowestMs: null }, 'each purge counts once, lingering or not');
  tracker.observe([purge(4, 5000, ['a'])], 5000);
  tracker.observe([purge(4, 5000, [], 4900)], 5200);
  assert.deepEqual(tracker.take(), { count: 1, slowestMs: 0 }, 'clock skew never gives a negative latency');
});

test('purge latency: a pending purge that leaves the list completed, unless the list was at its cap', () => {
  const tracker = new PurgeLatencyTracker(2);
  tracker.observe([purge(1, 1000, ['a'])], 1000);
  tracker.observe([purge(2, 1500, ['a'])], 2200);
  assert.deepEqual(tracker.take(), { count: 1, slowestMs: 1200 });
  tracker.observe([purge(2, 1500, ['a']), purge(3, 1600, ['a'])], 2300);
  tracker.observe([purge(3, 1600, ['a']), purge(4, 1700, ['b'])], 2400);
  assert.deepEqual(tracker.take(), { count: 0, slowestMs: null }, 'a full list may have cut the oldest: no latency claimed');
  tracker.observe([], 3000);
  assert.deepEqual(tracker.take(), { count: 2, slowestMs: 1400 });
});

test('samples carry the slowest purge completed since the previous sample, observed in between', () => {
  const history = new StatusHistoryRecorder({ intervalMs: 1000, capacity: 10, maxPurges: 100 });
  const nodes = [node('a', 'up', 1)];
  history.sample(snap(1000, nodes, [purge(1, 900, ['a']), purge(2, 950, ['a'])]));
  history.observe(snap(1300, nodes, [purge(1, 900, []), purge(2, 950, ['a'])]));
  history.observe(snap(1600, nodes, [purge(1, 900, [])]));
  history.sample(snap(2000, nodes, []));
  history.sample(snap(3000, nodes, []));
  const view = history.view();
  assert.deepEqual(view.purgeLatencyMs, [null, 650, null]);
  assert.deepEqual(view.purgesCompleted, [0, 2, 0]);
});

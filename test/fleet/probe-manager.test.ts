import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsRegistry } from '../../src/telemetry/index.js';
import { HealthTracker, ProbeManager, type HealthChange } from '../../src/fleet/index.js';
import { TestNode, waitFor } from './test-node.js';

/** Fast settings so state changes happen in well under a second, with generous waits. */
const fast = { intervalMs: 100, timeoutMs: 100, downThreshold: 3, upThreshold: 2 };

function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const registry = createMetricsRegistry();
  const tracker = new HealthTracker({ registry });
  const manager = new ProbeManager({ tracker, registry });
  t.after(() => manager.close());
  return { registry, tracker, manager };
}

test('a node that stops answering goes down, and comes back up when it answers again', async (t) => {
  const node = await TestNode.start();
  t.after(() => node.down());
  const { tracker, manager, registry } = setup(t);
  const changes: HealthChange[] = [];
  tracker.onChange((c) => changes.push(c));
  manager.setTargets([{ id: 'edge-1', url: node.url, ...fast }]);
  assert.equal(tracker.state('edge-1')?.up, true, 'up before the first probe (initial: up)');
  await waitFor(() => node.requests >= 3, 5000);
  assert.equal(tracker.state('edge-1')?.up, true);

  await node.down();
  const downAfter = await waitFor(() => tracker.state('edge-1')?.up === false, 5000);
  assert.ok(downAfter >= 150, `down too early (${downAfter} ms): hysteresis needs 3 failures`);
  assert.equal(tracker.state('edge-1')?.lastFailure, 'ECONNREFUSED');
  assert.equal(tracker.state('edge-1')?.changing, true);

  await node.up();
  await waitFor(() => tracker.state('edge-1')?.up === true, 5000);
  assert.deepEqual(changes.map((c) => c.up), [false, true]);
  const text = await registry.metrics();
  assert.match(text, /meridian_fleet_probes_total\{target="edge-1",result="ok"\} \d+/);
  assert.match(text, /meridian_fleet_probes_total\{target="edge-1",result="connect_error"\} (?:[3-9]|\d{2,})\n/);
  assert.match(text, /meridian_fleet_health_transitions_total\{target="edge-1",to="down"\} 1/);
});

test('hysteresis: a single failed probe does not take a node down; bad status and body count as failures', async (t) => {
  const node = await TestNode.start();
  t.after(() => node.down());
  const { tracker, manager } = setup(t);
  manager.setTargets([{ id: 'n', url: node.url, bodyMatch: 'OK', ...fast, downThreshold: 4 }]);
  await waitFor(() => node.requests >= 2, 5000);
  node.mode = { status: 500, body: 'OK' };
  const before = node.requests;
  await waitFor(() => node.requests >= before + 1, 5000);
  node.mode = { status: 200, body: 'OK' };
  await waitFor(() => node.requests >= before + 4, 5000);
  assert.equal(tracker.state('n')?.up, true);
  node.mode = { status: 200, body: 'maintenance' };
  await waitFor(() => tracker.state('n')?.up === false, 5000);
  assert.match(tracker.state('n')?.lastFailure ?? '', /body does not contain OK/);
});

test('a hanging node times out and goes down; probes of one target never overlap', async (t) => {
  const node = await TestNode.start();
  t.after(() => node.down());
  const { tracker, manager } = setup(t);
  node.mode = 'hang';
  manager.setTargets([{ id: 'hang', url: node.url, ...fast, downThreshold: 2 }]);
  await waitFor(() => tracker.state('hang')?.up === false, 5000);
  assert.match(tracker.state('hang')?.lastFailure ?? '', /timeout after 100 ms/);
  node.mode = { status: 200, body: 'slow', delayMs: 60 };
  await waitFor(() => tracker.state('hang')?.up === true, 5000);
  assert.equal(node.maxOpen, 1, 'at most one probe in flight per target');
});

test('the target set changes without disturbing unchanged targets', async (t) => {
  const a = await TestNode.start();
  const b = await TestNode.start();
  t.after(async () => {
    await a.down();
    await b.down();
  });
  const { tracker, manager } = setup(t);
  manager.setTargets([{ id: 'a', url: a.url, ...fast }]);
  await waitFor(() => a.requests >= 2, 5000);
  await a.down();
  await waitFor(() => tracker.state('a')?.up === false, 5000);
  const downSince = tracker.state('a')?.since;

  // Reload: a unchanged, b added.
  manager.setTargets([
    { id: 'a', url: a.url, ...fast },
    { id: 'b', url: b.url, ...fast },
  ]);
  assert.equal(tracker.state('a')?.up, false, 'a keeps its state');
  assert.equal(tracker.state('a')?.since, downSince);
  await waitFor(() => b.requests >= 2, 5000);
  assert.deepEqual(manager.targets().map((x) => x.id).sort(), ['a', 'b']);

  // Reload: a's thresholds change (restart of its loop, state kept), b removed.
  manager.setTargets([{ id: 'a', url: a.url, ...fast, upThreshold: 1 }]);
  assert.equal(tracker.state('b'), undefined, 'b is no longer tracked');
  assert.equal(tracker.state('a')?.up, false);
  const bRequests = b.requests;
  await a.up();
  await waitFor(() => tracker.state('a')?.up === true, 5000);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.ok(b.requests <= bRequests + 1, 'b is no longer probed');
});

test('an invalid target set is rejected whole and changes nothing', async (t) => {
  const node = await TestNode.start();
  t.after(() => node.down());
  const { manager, tracker } = setup(t);
  manager.setTargets([{ id: 'ok', url: node.url, ...fast }]);
  assert.throws(
    () => manager.setTargets([{ id: 'new', url: node.url }, { id: 'bad', url: 'gopher://x' }]),
    (err: { code: string; message: string }) => err.code === 'MERIDIAN_E_FLEET_TARGET_INVALID' && /probe target \[1\]: url/.test(err.message),
  );
  assert.throws(() => manager.setTargets([{ id: 'x', url: node.url }, { id: 'x', url: node.url }]), /id "x" is used twice/);
  assert.deepEqual(manager.targets().map((x) => x.id), ['ok']);
  assert.equal(tracker.state('new'), undefined);
});

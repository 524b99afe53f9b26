import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsRegistry } from '../../src/telemetry/index.js';
import { HealthTracker, LoadBoard, HYSTERESIS_DEFAULTS, type HealthChange } from '../../src/fleet/index.js';

test('defaults suit a CDN: start up, down after 3 failures, up after 2 successes', () => {
  assert.deepEqual({ ...HYSTERESIS_DEFAULTS }, { upThreshold: 2, downThreshold: 3, initial: 'up' });
  const tracker = new HealthTracker();
  tracker.track('a');
  assert.equal(tracker.state('a')?.up, true);
  assert.equal(tracker.state('a')?.changing, false);
  tracker.report('a', false);
  tracker.report('a', false);
  assert.equal(tracker.state('a')?.up, true, 'two failures are not enough');
  tracker.report('a', { ok: false, reason: 'timeout' });
  assert.equal(tracker.state('a')?.up, false);
  assert.equal(tracker.state('a')?.lastFailure, 'timeout');
  tracker.report('a', true);
  assert.equal(tracker.state('a')?.up, false, 'one success is not enough');
  tracker.report('a', true);
  assert.equal(tracker.state('a')?.up, true);
});

test('a streak is broken by a result agreeing with the state (no flapping)', () => {
  const tracker = new HealthTracker();
  tracker.track('a', { downThreshold: 2 });
  for (let i = 0; i < 10; i++) {
    tracker.report('a', false);
    tracker.report('a', true);
  }
  assert.equal(tracker.state('a')?.up, true);
  assert.equal(tracker.state('a')?.changing, true, 'alternating results mark the target as changing');
});

test('initial state, re-tracking keeps state, unknown ids and untrack', () => {
  const tracker = new HealthTracker({ defaults: { initial: 'down', upThreshold: 1 } });
  assert.equal(tracker.state('nobody'), undefined);
  tracker.track('b');
  assert.equal(tracker.state('b')?.up, false);
  tracker.report('b', true);
  assert.equal(tracker.state('b')?.up, true);
  tracker.track('b', { downThreshold: 1 });
  assert.equal(tracker.state('b')?.up, true, 'a config reload does not reset health');
  tracker.report('b', false);
  assert.equal(tracker.state('b')?.up, false, 'new threshold applies');
  tracker.report('heartbeat:node-9', true);
  assert.deepEqual(tracker.targets().sort(), ['b', 'heartbeat:node-9']);
  tracker.untrack('b');
  assert.equal(tracker.state('b'), undefined);
});

test('changing clears once the window has passed without disagreeing results', async () => {
  const tracker = new HealthTracker({ changingWindowMs: 100 });
  tracker.track('a');
  const since = tracker.state('a')?.since ?? 0;
  tracker.report('a', false);
  assert.equal(tracker.state('a')?.changing, true);
  assert.equal(tracker.state('a')?.since, since, 'no transition yet');
  await new Promise((resolve) => setTimeout(resolve, 250));
  tracker.report('a', true);
  assert.equal(tracker.state('a')?.changing, false);
});

test('transitions notify listeners and update metrics; a throwing listener harms nobody', async () => {
  const registry = createMetricsRegistry();
  const tracker = new HealthTracker({ registry, defaults: { downThreshold: 1, upThreshold: 1 } });
  const changes: HealthChange[] = [];
  tracker.onChange(() => {
    throw new Error('broken listener');
  });
  const off = tracker.onChange((change) => changes.push(change));
  tracker.track('node-1');
  tracker.report('node-1', { ok: false, reason: 'status 503, expected 200' });
  tracker.report('node-1', true);
  off();
  tracker.report('node-1', false);
  assert.deepEqual(
    changes.map(({ targetId, up, reason }) => ({ targetId, up, reason })),
    [
      { targetId: 'node-1', up: false, reason: 'status 503, expected 200' },
      { targetId: 'node-1', up: true, reason: 'ok' },
    ],
  );
  const text = await registry.metrics();
  assert.match(text, /meridian_fleet_health_state\{target="node-1"\} 0/);
  assert.match(text, /meridian_fleet_health_transitions_total\{target="node-1",to="down"\} 2/);
  assert.match(text, /meridian_fleet_health_transitions_total\{target="node-1",to="up"\} 1/);
  tracker.untrack('node-1');
  assert.doesNotMatch(await registry.metrics(), /meridian_fleet_health_state\{target="node-1"\}/);
});

test('LoadBoard: 0..1 values, stale reports read as unknown, bad values rejected', async () => {
  const board = new LoadBoard({ maxAgeMs: 100 });
  assert.equal(board.load('n1'), undefined);
  board.set('n1', 0.4);
  assert.equal(board.load('n1'), 0.4);
  board.set('n2', 0.9, Date.now() - 1000);
  assert.equal(board.load('n2'), undefined, 'too old');
  for (const bad of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '0.5' as unknown as number]) {
    assert.throws(() => board.set('n1', bad), { code: 'MERIDIAN_E_FLEET_LOAD_INVALID' });
  }
  assert.equal(board.load('n1'), 0.4);
  board.delete('n1');
  assert.equal(board.load('n1'), undefined);
});

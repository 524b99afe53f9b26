import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker, ProbeManager } from '../../src/fleet/index.js';
import { syncProbes } from '../../src/routing/index.js';
import { freePort } from '../helpers/ports.js';
import { until } from '../helpers/wait.js';
import { answerTexts, engineFor, question, startHealthNode, twoNodeRoutingYaml } from './support.js';

test('real HTTP nodes going down and up change the answers', async (t) => {
  const port = await freePort('127.0.0.1');
  const a = await startHealthNode('127.0.0.1', port);
  t.after(() => a.server.close());
  const b = await startHealthNode('127.0.0.2', port);
  t.after(() => b.server.close());

  const health = new HealthTracker();
  const routed = engineFor(twoNodeRoutingYaml(port, { weights: [100, 1], bodyMatch: 'ok' }), { health });
  const manager = new ProbeManager({ tracker: health });
  t.after(() => manager.close());
  const unsync = syncProbes(routed, manager, (err) => assert.fail(String(err)));
  t.after(unsync);
  assert.equal(manager.targets().length, 2);

  // Many client subnets so both nodes have clients; weight 100:1 puts nearly all on node a.
  const clients = Array.from({ length: 50 }, (_, i) => question('edge.cdn.test', `10.0.${i}.1`));
  const answers = (): string[] => clients.map((q) => answerTexts(routed.resolve(q))[0]!);
  await until(() => a.hits.value >= 2 && b.hits.value >= 2, 'both nodes probed', 8000);
  assert.ok(answers().filter((x) => x === '127.0.0.1').length > 40, 'node a (weight 100) has most clients');

  a.healthy.value = false;
  const downMs = await until(() => answers().every((x) => x === '127.0.0.2'), 'node a leaves the answers', 8000);
  assert.ok(downMs < 8000);
  const state = [...health.targets()].map((id) => health.state(id)!);
  assert.ok(state.some((s) => !s.up), 'the tracker holds a down target');

  a.healthy.value = true;
  await until(() => answers().filter((x) => x === '127.0.0.1').length > 40, 'node a comes back', 8000);

  // Not just a bad status: a node that stops answering at all also leaves.
  await new Promise<void>((resolve) => b.server.close(() => resolve()));
  b.server.closeAllConnections();
  a.healthy.value = false;
  await until(() => {
    const d = routed.explain({ name: 'edge.cdn.test', client: '10.0.0.1' });
    return d.trace.some((l) => l.step === 'all-down' && l.reason.startsWith('policy all'));
  }, 'with a draining and b gone, the all-down policy answers from the pool', 8000);
});

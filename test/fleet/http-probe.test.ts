import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProbeAgent, probeHttp, resolveProbeTarget, PROBE_DEFAULTS, type ProbeTarget } from '../../src/fleet/index.js';
import { TestNode } from './test-node.js';

async function probeOnce(target: ProbeTarget) {
  const resolved = resolveProbeTarget(target);
  const agent = createProbeAgent(resolved);
  try {
    return await probeHttp(resolved, agent);
  } finally {
    await agent.destroy();
  }
}

test('status and body checks report raw outcomes', async (t) => {
  const node = await TestNode.start();
  t.after(() => node.down());
  node.mode = { status: 200, body: 'status: healthy, load 0.2' };
  assert.equal((await probeOnce({ id: 'n', url: node.url })).result, 'ok');
  assert.equal((await probeOnce({ id: 'n', url: node.url, bodyMatch: 'healthy' })).result, 'ok');
  assert.equal((await probeOnce({ id: 'n', url: node.url, bodyMatch: /load 0\.\d/ })).result, 'ok');
  const mismatch = await probeOnce({ id: 'n', url: node.url, bodyMatch: 'draining' });
  assert.deepEqual([mismatch.ok, mismatch.result], [false, 'body_mismatch']);
  node.mode = { status: 503, body: 'healthy' };
  const bad = await probeOnce({ id: 'n', url: node.url });
  assert.deepEqual([bad.ok, bad.result, bad.reason], [false, 'bad_status', 'status 503, expected 200']);
  assert.equal((await probeOnce({ id: 'n', url: node.url, expectStatus: 503 })).result, 'ok');
});

test('a server that never answers is a timeout within the deadline', async (t) => {
  const node = await TestNode.start();
  t.after(() => node.down());
  node.mode = 'hang';
  const outcome = await probeOnce({ id: 'n', url: node.url, timeoutMs: 300, intervalMs: 1000 });
  assert.equal(outcome.result, 'timeout');
  assert.ok(outcome.durationMs >= 250 && outcome.durationMs < 3000, `took ${outcome.durationMs} ms`);
  node.mode = { status: 200, body: 'slow', delayMs: 2000 };
  assert.equal((await probeOnce({ id: 'n', url: node.url, timeoutMs: 200, intervalMs: 1000 })).result, 'timeout');
});

test('a stopped server is a connect error; the Host header follows `host`', async (t) => {
  const node = await TestNode.start();
  t.after(() => node.down());
  assert.equal((await probeOnce({ id: 'n', url: node.url, host: 'www.example.com' })).result, 'ok');
  assert.equal(node.lastHost, 'www.example.com');
  await node.down();
  const refused = await probeOnce({ id: 'n', url: node.url });
  assert.deepEqual([refused.ok, refused.result, refused.reason], [false, 'connect_error', 'ECONNREFUSED']);
});

test('targets are validated with the field named; defaults suit a CDN', () => {
  const resolved = resolveProbeTarget({ id: 'a', url: 'https://192.0.2.1/health' });
  assert.deepEqual({ ...resolved }, { id: 'a', url: 'https://192.0.2.1/health', ...PROBE_DEFAULTS });
  // A dead node leaves within 10 s: down after downThreshold probes, each at most interval + timeout apart.
  assert.ok(PROBE_DEFAULTS.downThreshold * (PROBE_DEFAULTS.intervalMs * 1.1 + PROBE_DEFAULTS.timeoutMs) <= 10_000);
  const cases: [ProbeTarget, RegExp][] = [
    [{ id: 'a', url: 'ftp://x/' }, /url: must be an http:\/\/ or https:\/\/ URL/],
    [{ id: '', url: 'http://x/' }, /id:/],
    [{ id: 'a', url: 'http://x/', upThreshold: 0 }, /upThreshold:/],
    [{ id: 'a', url: 'http://x/', timeoutMs: 5000, intervalMs: 1000 }, /timeoutMs: timeoutMs must not exceed intervalMs/],
    [{ id: 'a', url: 'http://x/', expectStatus: 42 }, /expectStatus:/],
    [{ id: 'a', url: 'http://x/', extra: 1 } as ProbeTarget, /Unrecognized key/],
  ];
  for (const [target, message] of cases) {
    assert.throws(() => resolveProbeTarget(target, 'zones/cdn.yaml: www'), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'MERIDIAN_E_FLEET_TARGET_INVALID');
      assert.match(err.message, /^zones\/cdn\.yaml: www/);
      assert.match(err.message, message);
      return true;
    });
  }
});

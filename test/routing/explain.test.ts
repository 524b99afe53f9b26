import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRouteHttpHandler, readRoutingFile, RoutingEngine } from '../../src/routing/index.js';
import { cliPath, fromRoot } from '../helpers/paths.js';
import { testGeo } from './support.js';

const run = promisify(execFile);
const geo = await testGeo();
after(() => geo.close());

test('GET /v1/route returns the decision with every step as JSON; bad queries get 400 with a code', async (t) => {
  const engine = new RoutingEngine({ zones: [readRoutingFile(fromRoot('zones', 'cdn.example.com.yaml')).zone!], geo: geo.geo });
  const handler = createRouteHttpHandler(engine);
  const server = createServer((req, res) => handler(req, res, new URL(req.url ?? '/', 'http://localhost')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as { port: number };
  const get = async (query: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/route?${query}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const ok = await get('name=edge.cdn.example.com.&client=12.34.56.78&type=A');
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.answers, ['127.0.2.1']);
  assert.equal(ok.body.pool, 'na');
  assert.equal((ok.body.trace as unknown[]).length, 8);
  const ecs = await get('name=edge.cdn.example.com&client=192.0.2.53&ecs=126.1.2.0/24');
  assert.equal(ecs.body.pool, 'as');
  assert.equal(ecs.body.ecsScopePrefix, 24);
  const v6 = await get('name=edge.cdn.example.com&client=2001:db8:2000::1&type=AAAA');
  assert.deepEqual(v6.body.answers, ['::1']);
  for (const bad of ['client=1.2.3.4', 'name=edge.cdn.example.com&client=nope', 'name=nothing.example&client=1.2.3.4', 'name=edge.cdn.example.com&client=1.2.3.4&type=MX', 'name=edge.cdn.example.com&client=1.2.3.4&ecs=1.2.3.4/8']) {
    const res = await get(bad);
    assert.equal(res.status, 400, bad);
    assert.match((res.body.error as { code: string }).code, /^MERIDIAN_E_ROUTING_BAD_QUERY$/, bad);
  }
});

test('meridian route explain prints the decision as JSON', async () => {
  const { stdout } = await run(process.execPath, [
    cliPath(), 'route', 'explain', '--zones', fromRoot('zones'), '--client', '198.51.100.7', '--name', 'edge.cdn.example.com',
    '--geoip', fromRoot('geo-data', 'test-city.mmdb'), '--coverage', fromRoot('geo-data', 'coverage.yaml'),
  ]);
  const decision = JSON.parse(stdout) as { pool: string; answers: string[]; trace: { step: string; reason: string }[] };
  assert.equal(decision.pool, 'eu');
  assert.match(decision.answers[0]!, /^127\.0\.1\.[12]$/);
  assert.match(decision.trace.find((l) => l.step === 'rule')!.reason, /coverage map \/24 names site fra/);
});

test('meridian route explain fails clearly for an unknown name', async () => {
  await assert.rejects(
    run(process.execPath, [cliPath(), 'route', 'explain', '--zones', fromRoot('zones'), '--client', '1.2.3.4', '--name', 'nope.cdn.example.com']),
    (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /MERIDIAN_E_ROUTING_BAD_QUERY: no routing record for nope\.cdn\.example\.com/);
      assert.match(err.stderr, /routed names: edge\.cdn\.example\.com/);
      return true;
    },
  );
});

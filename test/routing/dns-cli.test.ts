/** `meridian dns` as an operator runs it: routing files, GeoIP flag, /v1/route on the HTTP port. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { cliPath, fromRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';

const run = promisify(execFile);

test('meridian dns answers routed names and serves GET /v1/route', async (t) => {
  const port = await freePort();
  const httpPort = await freePort();
  const child = spawn(process.execPath, [
    cliPath(), 'dns', '--zones', fromRoot('zones'), '--listen', `127.0.0.1:${port}`, '--http', `127.0.0.1:${httpPort}`,
    '--geoip', fromRoot('geo-data', 'test-city.mmdb'), '--no-watch',
  ], { cwd: fromRoot(), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MERIDIAN_LOG_LEVEL: 'warn' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });

  const deadline = Date.now() + 40_000;
  let body: { answers: string[]; pool: string; trace: { step: string }[] } | undefined;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/v1/route?name=edge.cdn.example.com&client=126.0.0.1`);
      body = (await res.json()) as typeof body;
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  assert.ok(body, `the HTTP API did not come up: ${stderr.slice(-2000)}`);
  assert.equal(body.pool, 'as', 'the GeoIP flag reaches the engine');
  assert.equal(body.trace.length, 8);

  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=3', 'edge.cdn.example.com', 'A', '+subnet=12.34.56.0/24']);
  assert.match(stdout, /IN\s+A\s+127\.0\.2\.1$/m);
  assert.match(stdout, /CLIENT-SUBNET: 12\.34\.56\.0\/24\/24/);
  const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  assert.match(metrics, /meridian_routing_records 2/);
  assert.match(metrics, /meridian_routing_probes 6/);
});

/**
 * `meridian dns --redis --http` as an operator runs it: load reports from a real Redis shed
 * an overloaded node, the status page lists the routing file's nodes with their health, and
 * DNS keeps answering while Redis is down (and uses live reports again once it is back).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetaStore, parseMetaConfig, type LoadReport, type NodeInfo } from '../../src/meta/index.js';
import { freePort } from '../helpers/ports.js';
import { removeDir, startRedis } from '../helpers/redis.js';
import { digA, pollUntil, spawnMeridian } from './processes.js';

const ZONE = `$ORIGIN wire.test.
$TTL 300
@ IN SOA ns1 hostmaster ( 1 14400 3600 1209600 300 )
  NS ns1
ns1 A 192.0.2.1
`;

function routing(probePort: number): string {
  return `
edge:
  type: A
  values: [127.0.7.1]
  dynamic:
    pools:
      main:
        values: [{ value: 127.0.7.1 }, { value: 127.0.7.2 }]
    rules:
      - pool: main
  meridian:
    answers: 2
    load_watermark: 0.8
probed:
  type: A
  values: [127.0.7.9]
  dynamic:
    pools:
      main:
        meridian: { location: { lat: 50.1, lon: 8.7 } }
        values: [{ value: 127.0.7.9 }, { value: 127.0.7.10 }]
    rules:
      - pool: main
  octodns:
    healthcheck: { host: probed.wire.test, path: /health, port: ${probePort}, protocol: HTTP }
  meridian:
    healthcheck: { interval: 0.5, timeout: 0.25, up_threshold: 1, down_threshold: 1 }
`;
}

const CAPACITY = { requestsPerSecond: 100, bytesPerSecond: 0, connections: 0 };
const HOT: NodeInfo = { id: 'edge-hot', region: 'main', tier: 'edge', addresses: ['127.0.7.1'], location: { lat: 1, lon: 2 }, capacity: CAPACITY };
const report = (rps: number): LoadReport => ({ requestsPerSecond: rps, bytesPerSecond: 0, openConnections: 0, eventLoopUtilization: 0.1, hitRatio: 0.5 });

interface StatusJson {
  nodes: { id: string; address: string; health: string; load: number | null | undefined }[];
}

test('meridian dns --redis: live load sheds a node, the status page shows the fleet, Redis down never stops answers', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  await redis.stop(); // down at start: DNS must come up and answer anyway
  const dir = mkdtempSync(join(tmpdir(), 'meridian-wire-'));
  t.after(() => removeDir(dir));
  // A node answering its health check on 127.0.7.9; nothing listens on 127.0.7.10.
  const probePort = await freePort('127.0.7.9');
  const healthy = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => healthy.listen(probePort, '127.0.7.9', resolve));
  t.after(() => new Promise<void>((resolve) => healthy.close(() => resolve())));
  writeFileSync(join(dir, 'wire.test.zone'), ZONE);
  writeFileSync(join(dir, 'wire.test.yaml'), routing(probePort));

  const dnsPort = await freePort();
  const httpPort = await freePort();
  const dns = spawnMeridian(['dns', '--zones', dir, '--listen', `127.0.0.1:${dnsPort}`, '--http', `127.0.0.1:${httpPort}`, '--no-watch'], { REDIS_URL: redis.url });
  t.after(() => dns.stop());
  await dns.waitFor(/status page listening/, 30_000);
  await dns.waitFor(/Redis unavailable, answering without live load reports/, 15_000);
  assert.deepEqual(await digA('127.0.0.1', dnsPort, 'edge.wire.test', '198.51.100.0/24'), ['127.0.7.1', '127.0.7.2'], 'answers with Redis down at start');
  await redis.restart();
  await dns.waitFor(/node registry connected/, 15_000);
  const base = `http://127.0.0.1:${httpPort}`;

  // The page and its JSON, listing the routing file's nodes with live health.
  const page = await fetch(`${base}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await page.text(), /<html/i);
  let status: StatusJson | undefined;
  await pollUntil('probed nodes settle', async () => {
    status = (await (await fetch(`${base}/v1/status`)).json()) as StatusJson;
    const health = new Map(status.nodes.map((n) => [n.id, n.health]));
    return health.get('127.0.7.9') === 'up' && health.get('127.0.7.10') === 'down';
  }, 20_000, 200);
  const ids = status!.nodes.map((n) => n.id).sort();
  for (const id of ['127.0.7.1', '127.0.7.10', '127.0.7.2', '127.0.7.9']) assert.ok(ids.includes(id), `${id} listed: ${ids.join(', ')}`);

  assert.deepEqual(await digA('127.0.0.1', dnsPort, 'edge.wire.test', '198.51.100.0/24'), ['127.0.7.1', '127.0.7.2'], 'no reports: both answered');

  // A node registered in Redis reports 95 % load, above the 0.8 watermark: it is shed.
  const store = createMetaStore(parseMetaConfig({ backend: 'redis', redis: { url: redis.url } }));
  t.after(() => store.close());
  await store.heartbeat(HOT, report(95), 60_000);
  await pollUntil('overloaded node shed', async () => (await digA('127.0.0.1', dnsPort, 'edge.wire.test', '198.51.100.0/24')).join() === '127.0.7.2', 15_000, 200);
  // The page polls the registry on its own clock: wait for it rather than race it.
  await pollUntil('registered node on the status page', async () => {
    status = (await (await fetch(`${base}/v1/status`)).json()) as StatusJson;
    return status.nodes.some((n) => n.id === 'edge-hot');
  }, 10_000, 200);
  const hot = status!.nodes.find((n) => n.id === 'edge-hot')!;
  assert.equal(hot.address, '127.0.7.1');
  assert.equal(hot.load, 0.95);

  // Redis goes away: DNS still answers, says so once, and stays up.
  await redis.stop();
  await dns.waitFor(/cannot read the node registry/, 15_000);
  for (let i = 0; i < 3; i++) {
    assert.ok((await digA('127.0.0.1', dnsPort, 'edge.wire.test', '198.51.100.0/24')).length >= 1, 'answers while Redis is down');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  assert.equal((await fetch(`${base}/v1/status`)).status, 200, 'status page answers while Redis is down');
  assert.equal(dns.child.exitCode, null, 'dns is still running');

  // Redis returns (empty): a fresh, low report brings the node back into the answers.
  await redis.restart();
  await pollUntil('store reconnects', async () => store.heartbeat(HOT, report(10), 60_000).then(() => true, () => false), 15_000, 200);
  await pollUntil('node answered again', async () => (await digA('127.0.0.1', dnsPort, 'edge.wire.test', '198.51.100.0/24')).length === 2, 15_000, 200);
  assert.equal(await dns.stop('SIGTERM', 10_000), 0, 'clean shutdown with a status page and Redis attached');
});

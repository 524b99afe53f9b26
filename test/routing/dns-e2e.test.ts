/** Routed answers through the real DNS server, asked with dig over real UDP (ECS via +subnet). */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDnsServer } from '../../src/dns/index.js';
import { readRoutingFile, RoutingEngine } from '../../src/routing/index.js';
import { createMetricsRegistry, createSilentLogger } from '../../src/telemetry/index.js';
import { ZoneStore } from '../../src/zone/index.js';
import { fromRoot } from '../helpers/paths.js';
import { testGeo } from './support.js';

const run = promisify(execFile);
const geo = await testGeo();
after(() => geo.close());

const store = new ZoneStore();
await store.loadDirectory(fromRoot('zones'));
const engine = new RoutingEngine({ zones: [readRoutingFile(fromRoot('zones', 'cdn.example.com.yaml')).zone!], geo: geo.geo });
const server = createDnsServer({ listen: [{ host: '127.0.0.1', port: 0 }] }, { zones: store, registry: createMetricsRegistry(), logger: createSilentLogger(), dynamic: engine });
const [bound] = await server.start();
after(() => server.close());

async function dig(...args: string[]): Promise<string> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(bound!.port), '+time=2', '+tries=2', ...args]);
  return stdout;
}

test('dig +subnet gets the node of the ECS region with the deciding scope', async () => {
  const tokyo = await dig('edge.cdn.example.com', 'A', '+subnet=126.1.2.0/24');
  assert.match(tokyo, /status: NOERROR/);
  assert.match(tokyo, /flags: qr aa/);
  assert.match(tokyo, /^edge\.cdn\.example\.com\.\s+60\s+IN\s+A\s+127\.0\.3\.[12]$/m);
  assert.match(tokyo, /CLIENT-SUBNET: 126\.1\.2\.0\/24\/24/);
  const sanJose = await dig('edge.cdn.example.com', 'A', '+subnet=12.34.56.0/24', '+short');
  assert.equal(sanJose.trim(), '127.0.2.1');
  const newYork = await dig('edge.cdn.example.com', 'A', '+subnet=13.1.0.0/16');
  assert.match(newYork, /IN\s+A\s+127\.0\.2\.2$/m);
  assert.match(newYork, /CLIENT-SUBNET: 13\.1\.0\.0\/16\/16/, 'scope never longer than the source prefix');
  const ipv6 = await dig('edge.cdn.example.com', 'A', '+subnet=2001:db8:100::/48', '+short');
  assert.match(ipv6.trim(), /^127\.0\.1\.[12]$/, 'IPv6 ECS from Germany → eu');
});

test('without ECS the resolver address decides; static names and NODATA still come from the zone', async () => {
  const local = await dig('edge.cdn.example.com', 'A', '+short');
  assert.match(local.trim(), /^127\.0\.\d\.\d$/);
  assert.equal((await dig('www.cdn.example.com', 'A', '+short')).trim(), '192.0.2.10', 'the static zone answers www');
  const aaaa = await dig('edge.cdn.example.com', 'AAAA', '+short');
  assert.equal(aaaa.trim(), '::1');
  const mx = await dig('edge.cdn.example.com', 'MX');
  assert.match(mx, /status: NOERROR/);
  assert.match(mx, /ANSWER: 0/);
  assert.match(mx, /IN\s+SOA\s+ns1\.cdn\.example\.com\./, 'NODATA carries the SOA');
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGeoLocator, openGeoIpDatabase } from '../../src/geo/index.js';
import { loadRoutingDirectory, RoutingEngine } from '../../src/routing/index.js';
import { parseCsvTrace, parseFleet, runSimulation, simulateFleet, type SimulationRequest } from '../../src/simulate/index.js';
import { cliPath, fromRoot, repoRoot } from '../helpers/paths.js';

const fixture = (name: string) => fromRoot('test', 'simulate', 'fixtures', name);
const base: SimulationRequest = {
  traceFile: fixture('trace.csv'),
  fleetFile: fixture('fleet.yaml'),
  zonesDir: fixture('zones'),
  geoip: fromRoot('geo-data', 'test-city.mmdb'),
  policy: 'lru',
};

function byId(nodes: { id: string; requests: number; hits: number }[]) {
  return Object.fromEntries(nodes.map((n) => [n.id, [n.requests, n.hits]]));
}

test('hand-computed trace through routing, two edges and a regional node (LRU)', async () => {
  const { result } = await runSimulation(base);
  const fleet = result.fleet!;
  // eu-edge (room for 2): a b a✓ c b → 5 requests, 1 hit. na-edge: a b a✓ → 3, 1.
  // eu-shield (room for 3) sees the 6 edge misses a b a✓ c b✓ b✓ → 3 hits. Origin: a b c.
  assert.deepEqual(byId(fleet.nodes), { 'eu-edge': [5, 1], 'na-edge': [3, 1], 'eu-shield': [6, 3] });
  assert.equal(fleet.origin.requests, 3);
  assert.equal(fleet.origin.bytes, 3 * 1024);
  assert.equal(fleet.origin.requestOffload, 5 / 8);
  assert.equal(fleet.tiers.edge.hits, 2);
  assert.equal(fleet.routing.nearestRegionClientShare, 1);
  assert.equal(fleet.routing.unrouted, 0);
  assert.ok(fleet.latency.p50Ms > 0 && fleet.latency.p95Ms >= fleet.latency.p50Ms);
});

test('without the regional tier every edge miss goes to the origin', async () => {
  const { result } = await runSimulation({ ...base, regionalTier: false, tiering: true });
  assert.equal(result.fleet!.origin.requests, 6);
  assert.deepEqual(result.tiering!.map((t) => t.report.origin.requests), [6, 3, 3]);
});

test('belady in the fleet: each cache sees its own future', async () => {
  const { result } = await runSimulation({ ...base, policy: 'belady' });
  // eu-edge a b a c b with room for 2: at c, a is never asked again here → a goes; b hits. 2 hits.
  assert.deepEqual(byId(result.fleet!.nodes)['eu-edge'], [5, 2]);
});

test('no fleet: the policy comparison runs, with LRU and Belady as the reference points', async () => {
  const { result } = await runSimulation({ zonesDir: fixture('zones'), generator: { requests: 30_000, objects: 3_000, seed: 2 } });
  const rows = Object.fromEntries(result.comparison!.results.map((r) => [r.policy, r]));
  assert.equal(rows.lru!.byteGapClosed, 0);
  assert.equal(rows.belady!.byteGapClosed, 1);
  assert.ok(rows.tinylfu!.byteHitRatio > rows.lru!.byteHitRatio);
  assert.ok(rows.belady!.byteHitRatio >= rows.tinylfu!.byteHitRatio);
  assert.equal(result.fleet, undefined);
});

test('meridian simulate: table, JSON and SVG from the CLI; bad input is a coded error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-sim-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const svg = join(dir, 'plot.svg');
  const args = [cliPath(), 'simulate', '--trace', fixture('trace.csv'), '--fleet', fixture('fleet.yaml'), '--zones', fixture('zones'), '--policy', 'lru', '--tiering'];
  const table = spawnSync(process.execPath, [...args, '--svg', svg], { cwd: repoRoot(), encoding: 'utf8' });
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /eu-shield\s+regional\s+eu\s+6\.0 KiB\s+6\s+50\.0%/);
  assert.match(table.stdout, /origin: 3 requests/);
  assert.match(readFileSync(svg, 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*Origin offload by tiering setup[\s\S]*<\/svg>\n$/);
  const json = spawnSync(process.execPath, [...args, '--format', 'json'], { cwd: repoRoot(), encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).fleet.origin.requests, 3);
  const bad = spawnSync(process.execPath, [cliPath(), 'simulate', '--trace', join(dir, 'missing.csv')], { cwd: repoRoot(), encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /MERIDIAN_E_SIMULATE_UNREADABLE/);
});

test('IPv6 clients are located and routed by their own address; unlocated clients stay out of the nearest share', async (t) => {
  // 2001:db8:100::/40 is DE (eu edge), 2001:db8:1100::/40 US-NY (na edge); 192.0.2.1 is in no range: na by the catch-all.
  const trace = parseCsvTrace('1,2001:db8:100::1,/a,1024\n2,2001:db8:1100::1,/a,1024\n3,2001:db8:100::1,/a,1024\n4,192.0.2.1,/a,1024\n');
  const fleet = parseFleet(readFileSync(fixture('fleet.yaml'), 'utf8'), 'fleet.yaml', 0);
  const geoip = await openGeoIpDatabase(fromRoot('geo-data', 'test-city.mmdb'));
  t.after(() => geoip.close());
  const locator = createGeoLocator({ geoip });
  const { zones } = await loadRoutingDirectory(fixture('zones'));
  const report = simulateFleet({ trace, fleet, engine: new RoutingEngine({ zones, geo: locator }), locator }, { policy: 'lru', regionalTier: true, parents: 'hash', seed: 1 });
  assert.deepEqual(byId(report.nodes), { 'eu-edge': [2, 1], 'na-edge': [2, 1], 'eu-shield': [2, 1] });
  assert.equal(report.routing.unrouted, 0);
  assert.equal(report.routing.nearestRegionClientShare, 1, 'the unlocated client is left out of the share');
});

test('warming: a restarted edge loads its region peer\'s hottest keys and hits on them (hand-computed)', async (t) => {
  // Both edges in one region, room for two objects each, no regional tier.
  const fleet = parseFleet(
    `name: edge.sim.test\norigin: { location: { lat: 39, lon: -77 } }\nnodes:\n` +
      `  - { id: eu-edge, region: r, tier: edge, address: 127.0.1.1, capacity: 4096, location: { lat: 50.11, lon: 8.68 } }\n` +
      `  - { id: na-edge, region: r, tier: edge, address: 127.0.2.1, capacity: 4096, location: { lat: 40.71, lon: -74.01 } }\n`,
    'fleet.yaml',
    0,
  );
  // The peer (na-edge) asks for x twice and y once; then eu-edge restarts and sees z, x, y.
  const trace = parseCsvTrace('1,13.1.1.1,/x,1024\n2,13.1.1.1,/x,1024\n3,13.1.1.1,/y,1024\n4,81.1.1.1,/z,1024\n5,81.1.1.1,/x,1024\n6,81.1.1.1,/y,1024\n');
  const geoip = await openGeoIpDatabase(fromRoot('geo-data', 'test-city.mmdb'));
  t.after(() => geoip.close());
  const locator = createGeoLocator({ geoip });
  const { zones } = await loadRoutingDirectory(fixture('zones'));
  const sim = { trace, fleet, engine: new RoutingEngine({ zones, geo: locator }), locator };
  const run = (warm: 'none' | 'peers') => simulateFleet(sim, { policy: 'tinylfu', regionalTier: false, parents: 'hash', seed: 1, restart: { node: 'eu-edge', atSeconds: 3, warm } }).restart!;
  // Warmed: x (seen twice) and y fill the cache; z (seen once) does not beat x; x and y hit.
  const warmed = run('peers');
  assert.equal(warmed.warmedObjects, 2);
  assert.deepEqual([warmed.hourAfter.requests, warmed.hourAfter.hits], [3, 2]);
  // Cold: z and x fill the empty cache, y does not beat z: no hits.
  const cold = run('none');
  assert.deepEqual([cold.warmedObjects, cold.hourAfter.hits], [0, 0]);
  assert.throws(() => simulateFleet(sim, { policy: 'lru', regionalTier: false, parents: 'hash', seed: 1, restart: { node: 'nope', atSeconds: 0, warm: 'none' } }), /no node nope/);
});

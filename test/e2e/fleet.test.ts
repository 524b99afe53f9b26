/**
 * The fleet end to end, with real processes: redis-server, `meridian dns`, a regional node
 * and two edges (`meridian cache --redis`), an origin, dig as the client. Starts from real
 * config files (a zones folder written to a temp dir) and follows one object through
 * routing, tiers, purges, a node failure and a Redis outage.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoOrigin, type DemoOrigin } from '../../src/demo/index.js';
import { fromRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { removeDir, startRedis, type RedisProcess } from '../helpers/redis.js';
import { cacheStatusOf, digA, freePortOnAll, httpGet, pollUntil, runMeridian, spawnMeridian, type MeridianProcess } from './processes.js';

const NAME = 'edge.cdn.example.com';
const HOST = 'edge.cdn.example.com';
const EU_CLIENT = '81.10.20.0/24'; // Munich in the test GeoIP DB
const NA_CLIENT = '12.34.56.0/24'; // California
const EU_EDGE = '127.0.1.1';
const NA_EDGE = '127.0.2.1';
const REGIONAL = '127.0.5.1';
const TOKEN = 'e2e-admin-token';
// Probes every 200 ms, down after 2 failures: an edge that stops is out of DNS answers
// within about 2 × (200 ms + 150 ms timeout), plus jitter.
const PROBE = { interval: 0.2, timeout: 0.15, up_threshold: 1, down_threshold: 2 };
const DETECTION_MS = 2 * (PROBE.interval + PROBE.timeout) * 1000 * 1.1;

function writeZones(dir: string, edgePort: number): void {
  writeFileSync(
    join(dir, 'cdn.example.com.zone'),
    ['$ORIGIN cdn.example.com.', '$TTL 300', '@ IN SOA ns1 hostmaster 1 14400 3600 1209600 300', '  NS ns1', 'ns1 A 192.0.2.1', ''].join('\n'),
  );
  writeFileSync(
    join(dir, 'cdn.example.com.yaml'),
    `edge:
  type: A
  ttl: 30
  values: [${EU_EDGE}, ${NA_EDGE}]
  dynamic:
    pools:
      eu: { fallback: na, values: [{ value: ${EU_EDGE} }] }
      na: { values: [{ value: ${NA_EDGE} }] }
    rules:
      - geos: [EU]
        pool: eu
      - pool: na
  meridian:
    healthcheck: { protocol: http, port: ${edgePort}, path: /_meridian/health, interval: ${PROBE.interval}, timeout: ${PROBE.timeout}, up_threshold: ${PROBE.up_threshold}, down_threshold: ${PROBE.down_threshold} }
    all_down: fallback
`,
  );
}

describe('the fleet end to end (real processes)', { timeout: 90_000 }, () => {
  let dir: string;
  let redis: RedisProcess;
  let origin: DemoOrigin;
  let dns: MeridianProcess;
  let dnsPort: number;
  let edgePort: number;
  let adminPort: number;
  let regional: MeridianProcess;
  let edgeEu: MeridianProcess;
  let edgeNa: MeridianProcess;
  const figures: Record<string, number> = {};

  const cacheNode = (id: string, tier: string, region: string, address: string, adminPort: number, parents: string[]): MeridianProcess =>
    spawnMeridian([
      'cache', '--id', id, '--tier', tier, '--region', region,
      '--listen', `${address}:${edgePort}`, '--origin', origin.url,
      ...parents.flatMap((parent) => ['--parent', parent]),
      '--redis', redis.url, '--admin', `${address}:${adminPort}`, '--admin-token', TOKEN,
    ]);
  const get = (address: string, path: string) => httpGet(`${address}:${edgePort}`, path, HOST);
  const purge = (...args: string[]) => runMeridian(['purge', ...args, '--redis', redis.url]);

  /** Mean accepted -> applied time of the purges a node applied, from its admin /metrics. */
  const applyLatencyMs = async (address: string): Promise<number> => {
    const text = (await httpGet(`${address}:${adminPort}`, '/metrics', address, { authorization: `Bearer ${TOKEN}` })).body;
    const value = (suffix: string): number => Number(new RegExp(`^meridian_meta_purge_apply_seconds_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const count = value('count');
    assert.ok(count >= 1, `no purge applied on ${address}:\n${text.slice(0, 500)}`);
    return (value('sum') / count) * 1000;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-e2e-'));
    redis = await startRedis();
    origin = await startDemoOrigin({ host: '127.0.0.1', port: 0 });
    edgePort = await freePortOnAll([EU_EDGE, NA_EDGE, REGIONAL]);
    adminPort = await freePortOnAll([EU_EDGE, NA_EDGE, REGIONAL]);
    writeZones(dir, edgePort);
    dnsPort = await freePort();
    const httpPort = await freePort();
    dns = spawnMeridian(['dns', '--zones', dir, '--listen', `127.0.0.1:${dnsPort}`, '--http', `127.0.0.1:${httpPort}`, '--redis', redis.url, '--geoip', fromRoot('geo-data', 'test-city.mmdb'), '--no-watch']);
    regional = cacheNode('regional-1', 'regional', 'eu', REGIONAL, adminPort, []);
    const parent = `http://${REGIONAL}:${edgePort}`;
    edgeEu = cacheNode('edge-eu', 'edge', 'eu', EU_EDGE, adminPort, [parent]);
    edgeNa = cacheNode('edge-na', 'edge', 'na', NA_EDGE, adminPort, [parent]);
    await Promise.all([dns.waitFor(/dns server listening/, 40_000), ...[regional, edgeEu, edgeNa].map((node) => node.waitFor(/serving on/, 40_000))]);
  });

  after(async () => {
    await Promise.all([dns, regional, edgeEu, edgeNa].filter(Boolean).map((child) => child.stop('SIGTERM')));
    await origin?.close();
    await redis?.stop();
    removeDir(dir);
    process.stdout.write(`# e2e figures (ms): ${JSON.stringify(figures)}\n`);
  });

  it('sends a client from each continent to its own edge (ECS)', async () => {
    // Both edges must be up (probes); then each continent gets its edge, and only it.
    await pollUntil('EU client sent to edge-eu', async () => (await digA('127.0.0.1', dnsPort, NAME, EU_CLIENT)).join() === EU_EDGE, 10_000, 100);
    assert.deepEqual(await digA('127.0.0.1', dnsPort, NAME, NA_CLIENT), [NA_EDGE]);
    assert.deepEqual(await digA('127.0.0.1', dnsPort, NAME, EU_CLIENT), [EU_EDGE]);
  });

  it('misses, then hits at the edge; the regional node holds the one copy both edges share', async () => {
    const first = await get(EU_EDGE, '/');
    assert.equal(first.status, 200);
    assert.match(first.body, /Meridian demo origin/);
    assert.match(cacheStatusOf(first, 'edge-eu'), /fwd=uri-miss/);
    assert.match(cacheStatusOf(first, 'regional-1'), /fwd=uri-miss/);
    const second = await get(EU_EDGE, '/');
    assert.match(cacheStatusOf(second, 'edge-eu'), /; hit/);
    // The other edge misses locally and is served by the regional copy: the origin saw one request.
    const na = await get(NA_EDGE, '/');
    assert.match(cacheStatusOf(na, 'edge-na'), /fwd=uri-miss/);
    assert.match(cacheStatusOf(na, 'regional-1'), /; hit/);
    assert.equal(origin.hits('/'), 1);
  });

  it('a purge makes every node miss (measured)', async () => {
    // Fill all three nodes with /style.css.
    await get(EU_EDGE, '/style.css');
    await get(NA_EDGE, '/style.css');
    assert.match(cacheStatusOf(await get(NA_EDGE, '/style.css'), 'edge-na'), /; hit/);
    assert.match(cacheStatusOf(await get(REGIONAL, '/style.css'), 'regional-1'), /; hit/);
    const hitsBefore = origin.hits('/style.css');

    const started = performance.now();
    const result = await purge(`http://${HOST}/style.css`);
    const accepted = performance.now();
    assert.equal(result.code, 0, result.stderr);
    // Each node polled directly until it no longer answers from its old copy; the time is
    // counted from the purge CLI's exit (the purge is in the stream by then).
    const misses = await Promise.all(
      ([['regional-1', REGIONAL], ['edge-eu', EU_EDGE], ['edge-na', NA_EDGE]] as const).map(async ([id, address]) =>
        pollUntil(`${id} misses after the purge`, async () => !/; hit/.test(cacheStatusOf(await get(address, '/style.css'), id)), 5000, 2),
      ),
    );
    figures.purgeCliMs = Math.round(accepted - started);
    figures.purgeToMissMaxMs = Math.round(Math.max(...misses));
    // The bar is 100 ms; the assertion is generous for a loaded 2-core CI machine, the figure is reported.
    assert.ok(figures.purgeToMissMaxMs < 2000, `every node missed ${figures.purgeToMissMaxMs} ms after the purge`);
    assert.ok(origin.hits('/style.css') > hitsBefore, 'the origin was asked again');
    // The nodes' own figure: accepted in Redis -> applied to the node's index (meta metrics).
    const applied = await Promise.all([REGIONAL, EU_EDGE, NA_EDGE].map((address) => applyLatencyMs(address)));
    figures.purgeAppliedMeanMaxMs = Math.round(Math.max(...applied) * 10) / 10;
  });

  it('takes a stopped edge out of DNS answers within the detection time and sends its clients to the other', async () => {
    assert.equal(await edgeEu.stop('SIGTERM'), 0);
    const stopped = performance.now();
    await pollUntil('EU client moved to edge-na', async () => (await digA('127.0.0.1', dnsPort, NAME, EU_CLIENT)).join() === NA_EDGE, 10_000, 20);
    figures.edgeDownToDnsMs = Math.round(performance.now() - stopped);
    assert.ok(figures.edgeDownToDnsMs < DETECTION_MS + 3000, `moved after ${figures.edgeDownToDnsMs} ms (detection ~${Math.round(DETECTION_MS)} ms)`);
    assert.deepEqual(await digA('127.0.0.1', dnsPort, NAME, NA_CLIENT), [NA_EDGE]);
    const served = await get(NA_EDGE, '/');
    assert.equal(served.status, 200);
  });

  it('keeps content flowing while Redis is down, and resumes invalidations when it is back', async () => {
    await get(NA_EDGE, '/logo.svg');
    await redis.stop();
    // Cached and uncached content both flow without Redis.
    assert.match(cacheStatusOf(await get(NA_EDGE, '/logo.svg'), 'edge-na'), /; hit/);
    const fresh = await get(NA_EDGE, '/?without-redis');
    assert.equal(fresh.status, 200);
    // A purge cannot be accepted: it fails loudly rather than being dropped.
    const refused = await purge(`http://${HOST}/logo.svg`);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /MERIDIAN_E_META_UNAVAILABLE/);

    await redis.restart();
    // The restarted Redis is empty (a new epoch): nodes notice, reset and follow the new stream.
    await edgeNa.waitFor(/metadata store reachable|rebuilt|reset/i, 15_000);
    await pollUntil('edge-na caches again after the reset', async () => {
      await get(NA_EDGE, '/logo.svg');
      return /; hit/.test(cacheStatusOf(await get(NA_EDGE, '/logo.svg'), 'edge-na'));
    }, 15_000, 100);
    const result = await purge(`http://${HOST}/logo.svg`);
    assert.equal(result.code, 0, result.stderr);
    figures.purgeAfterRedisRestartMs = Math.round(
      await pollUntil('edge-na misses after a purge through the restarted Redis', async () => !/; hit/.test(cacheStatusOf(await get(NA_EDGE, '/logo.svg'), 'edge-na')), 10_000, 5),
    );
  });
});

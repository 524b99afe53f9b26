/** Listening (IPv4, IPv6, several addresses), zone reloads reaching prepared answers, options, the HTTP side. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDnsServer, createHttpApi, parseListenAddress, DnsError } from '../../src/dns/index.js';
import { createMetricsRegistry, createSilentLogger } from '../../src/telemetry/index.js';
import { ZoneStore, parseZoneFile } from '../../src/zone/index.js';
import { removeDir } from '../helpers/redis.js';
import { freePort } from '../helpers/ports.js';
import { TYPE, addresses, startTestServer, tcpQuery, udpQuery } from './helpers.js';

function zoneText(serial: number, address: string): string {
  return `$ORIGIN r.example.\n$TTL 60\n@ SOA ns1 host ${serial} 3600 600 86400 60\n  NS ns1\nns1 A 192.0.2.1\nwww A ${address}\n`;
}

describe('server', () => {
  it('listens on several addresses, IPv4 and IPv6, UDP and TCP on each', async (t) => {
    const store = new ZoneStore();
    const dir = mkdtempSync(join(tmpdir(), 'meridian-dns-'));
    t.after(() => removeDir(dir));
    writeFileSync(join(dir, 'r.example.zone'), zoneText(1, '192.0.2.10'));
    await store.loadDirectory(dir);
    const v4 = await freePort('127.0.0.1');
    const v6 = await freePort('::1');
    const server = createDnsServer({ listen: [{ host: '127.0.0.1', port: v4 }, { host: '::1', port: v6 }] }, { zones: store, registry: createMetricsRegistry(), logger: createSilentLogger() });
    const bound = await server.start();
    t.after(() => server.close());
    assert.deepEqual(bound, [{ host: '127.0.0.1', port: v4 }, { host: '::1', port: v6 }]);
    for (const [host, port] of [['127.0.0.1', v4], ['::1', v6]] as const) {
      assert.deepEqual(addresses((await udpQuery(port, { name: 'www.r.example' }, host)).answers), ['192.0.2.10'], `udp ${host}`);
      assert.deepEqual(addresses((await tcpQuery(port, { name: 'www.r.example' }, host)).answers), ['192.0.2.10'], `tcp ${host}`);
    }
  });

  it('port 0 binds UDP and TCP to the same free port', async (t) => {
    const server = createDnsServer({ listen: [{ host: '127.0.0.1', port: 0 }] }, { zones: new ZoneStore(), registry: createMetricsRegistry(), logger: createSilentLogger() });
    const [bound] = await server.start();
    t.after(() => server.close());
    assert.ok(bound!.port > 0);
    assert.equal((await udpQuery(bound!.port, { name: 'x.example' })).rcode, 5);
    assert.equal((await tcpQuery(bound!.port, { name: 'x.example' })).rcode, 5);
  });

  it('a zone reload replaces prepared answers; a broken file keeps the old version serving', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-dns-'));
    t.after(() => removeDir(dir));
    const file = join(dir, 'r.example.zone');
    writeFileSync(file, zoneText(1, '192.0.2.10'));
    const store = new ZoneStore();
    await store.loadDirectory(dir);
    const port = await freePort();
    const server = createDnsServer({ listen: [{ host: '127.0.0.1', port }] }, { zones: store, registry: createMetricsRegistry(), logger: createSilentLogger() });
    await server.start();
    t.after(() => server.close());
    for (let i = 0; i < 3; i++) assert.deepEqual(addresses((await udpQuery(port, { name: 'www.r.example' })).answers), ['192.0.2.10']);
    assert.equal((await udpQuery(port, { name: 'new.r.example' })).rcode, 3);
    writeFileSync(file, zoneText(2, '192.0.2.20') + 'new A 192.0.2.30\n');
    await store.reloadAll();
    assert.deepEqual(addresses((await udpQuery(port, { name: 'www.r.example' })).answers), ['192.0.2.20']);
    assert.deepEqual(addresses((await udpQuery(port, { name: 'new.r.example' })).answers), ['192.0.2.30']);
    writeFileSync(file, zoneText(3, 'not-an-address'));
    const summary = await store.reloadAll();
    assert.equal(summary.failed, true);
    assert.deepEqual(addresses((await udpQuery(port, { name: 'www.r.example' })).answers), ['192.0.2.20']);
  });

  it('without a generation counter, a swapped zone object still invalidates prepared answers', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-dns-'));
    t.after(() => removeDir(dir));
    const file = join(dir, 'r.example.zone');
    writeFileSync(file, zoneText(1, '192.0.2.10'));
    let zone = parseZoneFile(file);
    const zones = { findZone: (name: string) => (name === 'r.example' || name.endsWith('.r.example') ? zone : undefined) };
    const port = await freePort();
    const server = createDnsServer({ listen: [{ host: '127.0.0.1', port }] }, { zones, registry: createMetricsRegistry(), logger: createSilentLogger() });
    await server.start();
    t.after(() => server.close());
    assert.deepEqual(addresses((await udpQuery(port, { name: 'www.r.example' })).answers), ['192.0.2.10']);
    assert.deepEqual(addresses((await udpQuery(port, { name: 'www.r.example' })).answers), ['192.0.2.10']);
    writeFileSync(file, zoneText(2, '192.0.2.20'));
    zone = parseZoneFile(file);
    assert.deepEqual(addresses((await udpQuery(port, { name: 'www.r.example' })).answers), ['192.0.2.20']);
  });

  it('keeps at most templateCapacity prepared responses (random-name floods churn, not grow)', async (t) => {
    const s = await startTestServer(t, { config: { templateCapacity: 5 } });
    for (let i = 0; i < 20; i++) assert.equal((await udpQuery(s.port, { name: `random${i}.t.example` })).rcode, 3);
    assert.deepEqual(addresses((await udpQuery(s.port, { name: 'www.t.example' })).answers), ['192.0.2.10']);
    assert.match(await s.metrics(), /meridian_dns_templates 5\n/);
    assert.match(await s.metrics(), /meridian_dns_template_lookups_total\{result="miss"\} 21/);
  });

  it('refuses to start on a port in use, with a coded error', async (t) => {
    const s = await startTestServer(t);
    const again = createDnsServer({ listen: [{ host: '127.0.0.1', port: s.port }] }, { zones: s.store, registry: createMetricsRegistry(), logger: createSilentLogger() });
    await assert.rejects(again.start(), (err: unknown) => err instanceof DnsError && err.code === 'MERIDIAN_E_DNS_LISTEN');
  });

  it('validates options once, naming the bad path', () => {
    const deps = { zones: new ZoneStore(), registry: createMetricsRegistry(), logger: createSilentLogger() };
    assert.throws(() => createDnsServer({ listen: [{ host: '127.0.0.1', port: 53 }], ednsPayload: 100 }, deps), /MERIDIAN|ednsPayload/);
    assert.throws(
      () => createDnsServer({ listen: [{ host: '127.0.0.1', port: 53 }], tcp: { idleTimeout: 5 } } as never, deps),
      (err: unknown) => err instanceof DnsError && err.code === 'MERIDIAN_E_DNS_CONFIG' && /tcp/.test(err.message),
    );
    assert.throws(() => createDnsServer({ listen: [] }, deps), /listen/);
  });

  it('parses listen addresses, IPv6 in brackets', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:53'), { host: '127.0.0.1', port: 53 });
    assert.deepEqual(parseListenAddress('[::1]:5353'), { host: '::1', port: 5353 });
    for (const bad of ['localhost:53', '127.0.0.1', '::1:53', '1.2.3.4:70000', '']) {
      assert.throws(() => parseListenAddress(bad), (err: unknown) => err instanceof DnsError && err.code === 'MERIDIAN_E_DNS_LISTEN', bad);
    }
  });

  it('the HTTP side serves /healthz, /metrics and added routes', async (t) => {
    const s = await startTestServer(t);
    await udpQuery(s.port, { name: 'www.t.example', type: TYPE.A });
    const api = createHttpApi({ registry: s.registry, logger: createSilentLogger() });
    api.addRoute({ method: 'GET', path: '/v1/echo', handler: (_req, res, url) => void res.end(url.searchParams.get('q') ?? '') });
    const port = await api.listen({ host: '127.0.0.1', port: 0 });
    t.after(() => api.close());
    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok\n');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /meridian_dns_queries_total\{transport="udp",rcode="NOERROR"\} [1-9]/);
    assert.match(metrics, /meridian_dns_query_duration_seconds_bucket/);
    assert.equal(await (await fetch(`${base}/v1/echo?q=hi`)).text(), 'hi');
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });
});

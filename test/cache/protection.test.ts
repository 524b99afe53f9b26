import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDir } from '../helpers/redis.js';
import { send, sleep, startNode, startOrigin } from './helpers.js';

/** Raw bytes over TCP, for requests an HTTP client library would refuse to send. */
function rawRequest(base: string, text: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let out = '';
    socket.on('data', (chunk) => (out += chunk.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    setTimeout(() => socket.destroy(), 3000).unref();
    socket.on('close', () => resolve(out));
  });
}

test('only configured sites are served; the origin never comes from the request', async (t) => {
  const origin = await startOrigin(t, (req, res) => res.end(`origin saw ${req.headers.host}`));
  const node = await startNode(t, { sites: [{ hosts: ['www.site.test'], origin: origin.url }] });
  const base = node.addresses[0]!;
  const unknown = await send(base, '/', { headers: { host: 'evil.test' } });
  assert.equal(unknown.status, 421);
  assert.match(unknown.body, /no site is configured for host "evil\.test"/);
  assert.equal(unknown.headers['cache-status'], undefined, 'locally generated: no Cache-Status member (RFC 9211 2)');
  const absolute = await rawRequest(base, `GET http://127.0.0.1:1/steal HTTP/1.1\r\nHost: www.site.test\r\nConnection: close\r\n\r\n`);
  assert.match(absolute, /^HTTP\/1.1 200/);
  assert.match(absolute, /origin saw www\.site\.test/);
  assert.equal(origin.requests[0]!.url, '/steal', 'absolute-form is reduced to its path on the configured origin');
  assert.equal((await send(base, '/', { headers: { host: 'WWW.SITE.TEST:8080' } })).status, 200);
});

test('URL and header size limits answer 414 and 431', async (t) => {
  const origin = await startOrigin(t, (_req, res) => res.end('ok'));
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }], limits: { maxUrlBytes: 512, maxHeaderBytes: 2048 } });
  const base = node.addresses[0]!;
  assert.equal((await send(base, `/${'a'.repeat(600)}`)).status, 414);
  const big = await rawRequest(base, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(4096)}\r\n\r\n`);
  assert.match(big, /^HTTP\/1.1 431/);
  assert.equal(origin.count(), 0);
});

test('hop-by-hop fields are stripped in both directions', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', 'x-private-hop': 'secret', connection: 'x-private-hop', 'proxy-authenticate': 'Basic', 'keep-alive': 'timeout=1' });
    res.end('hop');
  });
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }] });
  const reply = await send(node.addresses[0]!, '/hop', { headers: { connection: 'x-drop-me', 'x-drop-me': '1', te: 'trailers', 'proxy-authorization': 'Basic x', upgrade: 'h2c', 'x-keep': 'yes' } });
  const seen = origin.requests[0]!.headers;
  for (const name of ['x-drop-me', 'te', 'proxy-authorization', 'upgrade']) assert.equal(seen[name], undefined, name);
  assert.equal(seen['x-keep'], 'yes');
  assert.equal(reply.headers['x-private-hop'], undefined);
  assert.equal(reply.headers['proxy-authenticate'], undefined);
  const hit = await send(node.addresses[0]!, '/hop');
  assert.equal(hit.headers['x-private-hop'], undefined);
});

test('per-client rate limit at the edge answers 429 with Retry-After; priority paths are exempt', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end('ok');
  });
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url, priorityPaths: ['/checkout'] }], rateLimit: { requestsPerSecond: 1, burst: 3 } });
  const base = node.addresses[0]!;
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await send(base, '/page')).status);
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
  const limited = await send(base, '/page');
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  for (let i = 0; i < 5; i++) assert.equal((await send(base, '/checkout/pay')).status, 200);
  const regional = await startNode(t, { tier: 'regional', sites: [{ hosts: ['*'], origin: origin.url }], rateLimit: { requestsPerSecond: 1, burst: 1 } });
  for (let i = 0; i < 3; i++) assert.equal((await send(regional.addresses[0]!, '/page')).status, 200, 'regional nodes do not rate limit (their clients are edges)');
});

test('bounded upstream concurrency answers 503 with Retry-After and the health check reports overload', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    setTimeout(() => res.end('slow'), 600);
  });
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }], limits: { upstreamConcurrency: 2 } });
  const base = node.addresses[0]!;
  const slow = [send(base, '/a'), send(base, '/b')];
  await sleep(150);
  const refused = await send(base, '/c');
  assert.equal(refused.status, 503);
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal((await send(base, '/_meridian/health', { headers: { host: 'anything.test' } })).status, 503);
  await Promise.all(slow);
  assert.equal((await send(base, '/_meridian/health')).status, 200);
});

test('health answers for any Host without touching the cache, and turns 503 while draining', async (t) => {
  const origin = await startOrigin(t, (_req, res) => setTimeout(() => res.end('done'), 500));
  const node = await startNode(t, { sites: [{ hosts: ['only.test'], origin: origin.url }], timeouts: { drainMs: 5000 } });
  const base = node.addresses[0]!;
  const health = await send(base, '/_meridian/health', { headers: { host: 'unknown.test' } });
  assert.equal(health.status, 200);
  assert.equal(health.headers['cache-status'], undefined);
  assert.equal(origin.count(), 0);
  const inFlight = send(base, '/slow', { headers: { host: 'only.test' } });
  await sleep(100);
  const closing = node.close();
  const finished = await inFlight;
  assert.equal(finished.body, 'done', 'in-flight requests finish during the drain');
  await closing;
});

test('admin listener: /healthz open, /metrics and routes behind the bearer token', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end('m');
  });
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }], admin: { listen: '127.0.0.1:0', token: 'tok' } }, {
    adminRoutes: [{ method: 'POST', path: '/purge', handler: (_req, res, body) => { res.writeHead(202); res.end(`got ${body.toString()}`); } }],
  });
  await send(node.addresses[0]!, '/x');
  await send(node.addresses[0]!, '/x');
  const admin = node.adminAddress!;
  assert.equal((await send(admin, '/healthz')).status, 200);
  assert.equal((await send(admin, '/metrics')).status, 401);
  assert.equal((await send(admin, '/purge', { method: 'POST', body: '{}', headers: { authorization: 'Bearer wrong' } })).status, 401);
  const purge = await send(admin, '/purge', { method: 'POST', body: '{"url":"/x"}', headers: { authorization: 'Bearer tok' } });
  assert.equal(purge.status, 202);
  assert.equal(purge.body, 'got {"url":"/x"}');
  node.registerAdminRoute({ method: 'GET', path: '/late', handler: (_req, res) => { res.end('late'); } });
  assert.equal((await send(admin, '/late', { headers: { authorization: 'Bearer tok' } })).body, 'late');
  const metrics = (await send(admin, '/metrics', { headers: { authorization: 'Bearer tok' } })).body;
  for (const line of ['meridian_cache_requests_total{status="hit"} 1', 'meridian_cache_requests_total{status="miss"} 1', 'meridian_cache_hits_total 1', 'meridian_cache_misses_total 1']) assert.ok(metrics.includes(line), line);
  for (const name of ['meridian_cache_upstream_duration_seconds_bucket', 'meridian_cache_bytes_sent_total', 'meridian_cache_coalesced_waits_total', 'meridian_cache_evictions_total', 'meridian_cache_stale_total']) assert.ok(metrics.includes(name), name);
});

test('without a configured token, admin routes are refused', async (t) => {
  const origin = await startOrigin(t, (_req, res) => res.end('x'));
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }], admin: { listen: '127.0.0.1:0' } });
  node.registerAdminRoute({ method: 'POST', path: '/purge', handler: (_req, res) => { res.end('should not run'); } });
  const reply = await send(node.adminAddress!, '/purge', { method: 'POST' });
  assert.equal(reply.status, 401);
  assert.match(reply.body, /configure admin\.token/);
});

test('a disk-backed node keeps its cache across a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-node-disk-'));
  t.after(() => removeDir(dir));
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end('durable');
  });
  const config = { sites: [{ hosts: ['*'], origin: origin.url }], stores: [{ type: 'memory' as const }, { type: 'disk' as const, path: dir }] };
  const first = await startNode(t, config);
  await send(first.addresses[0]!, '/d');
  await sleep(100);
  await first.close();
  const second = await startNode(t, config);
  const reply = await send(second.addresses[0]!, '/d');
  assert.equal(reply.body, 'durable');
  assert.match(reply.headers['cache-status']!, /hit/);
  assert.equal(origin.count('/d'), 1);
});

test('every upstream call has a timeout: a silent origin becomes 504', async (t) => {
  const origin = await startOrigin(t, () => undefined);
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }], timeouts: { headersMs: 300 } });
  const reply = await send(node.addresses[0]!, '/silent');
  assert.equal(reply.status, 504);
  assert.match(reply.headers['cache-status']!, /detail=upstream-timeout/);
});

test('a parent that times out opens its circuit and is skipped until openMs passes', async (t) => {
  const silentParent = await startOrigin(t, () => undefined);
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'no-store' });
    res.end('direct');
  });
  const node = await startNode(t, { parents: [silentParent.url], sites: [{ hosts: ['*'], origin: origin.url }], timeouts: { headersMs: 300 }, breaker: { failureThreshold: 1, openMs: 60_000 } });
  for (let i = 0; i < 3; i++) assert.equal((await send(node.addresses[0]!, `/o${i}`)).body, 'direct');
  assert.equal(silentParent.count(), 1, 'only the first request tried the parent');
  assert.equal(origin.count(), 3);
});

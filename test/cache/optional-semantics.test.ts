/**
 * Behaviour beyond the RFC 9111 musts that a shared cache does well to have (the optional tests
 * and checks of http-tests/cache-tests): lenient date case, Vary normalisation, only-if-cached,
 * echoed malformed ETags; and one deliberate refusal (no heuristic for unknown statuses).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVaryNormaliser, normaliseVaryValue } from '../../src/cache/cache-key.js';
import { send, startNode, startOrigin } from './helpers.js';

async function setup(t: import('node:test').TestContext, respond: Parameters<typeof startOrigin>[1]) {
  const origin = await startOrigin(t, respond);
  const node = await startNode(t, { id: 'edge-1', sites: [{ hosts: ['*'], origin: origin.url }] });
  return { origin, base: node.addresses[0]! };
}

test('an Expires with names in the wrong case is honoured; one in the wrong shape still means expired', async (t) => {
  const inOneHour = new Date(Date.now() + 3600_000).toUTCString();
  const expires: Record<string, string> = {
    '/upper': inOneHour.toUpperCase(),
    '/lower': inOneHour.toLowerCase(),
    '/utc': inOneHour.replace('GMT', 'UTC'),
  };
  const { origin, base } = await setup(t, (req, res) => {
    res.writeHead(200, { expires: expires[req.url!]!, date: new Date().toUTCString() });
    res.end(req.url);
  });
  for (const path of Object.keys(expires)) {
    await send(base, path);
    await send(base, path);
  }
  assert.equal(origin.count('/upper'), 1);
  assert.equal(origin.count('/lower'), 1);
  assert.equal(origin.count('/utc'), 2, 'an Expires that is not an HTTP-date is in the past (RFC 9111 5.3)');
});

test('an unknown status is stored with explicit freshness, not on `public` and a Last-Modified heuristic alone', async (t) => {
  const lastModified = new Date(Date.now() - 24 * 3600_000).toUTCString();
  const { origin, base } = await setup(t, (req, res) => {
    const headers: Record<string, string> = { 'last-modified': lastModified, date: new Date().toUTCString() };
    headers['cache-control'] = req.url === '/public' ? 'public' : 'max-age=60';
    res.writeHead(599, 'Unknown', headers);
    res.end('odd');
  });
  await send(base, '/explicit');
  const second = await send(base, '/explicit');
  assert.equal(second.status, 599);
  assert.match(second.headers['cache-status']!, /hit/);
  await send(base, '/public');
  await send(base, '/public');
  assert.equal(origin.count('/explicit'), 1);
  assert.equal(origin.count('/public'), 2, 'a guessed lifetime could keep serving an outage');
});

test('Vary matches request values that differ only in list whitespace, and Accept-Language in case; not in order', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'Foo, Accept-Language' });
    res.end(`${req.headers.foo}|${req.headers['accept-language']}`);
  });
  assert.equal((await send(base, '/v', { headers: { foo: '1,2', 'accept-language': 'en, de;q=0.5' } })).body, '1,2|en, de;q=0.5');
  const respaced = await send(base, '/v', { headers: { foo: '1 ,  2', 'accept-language': 'EN,De ; Q=0.5' } });
  assert.match(respaced.headers['cache-status']!, /hit/);
  assert.equal(respaced.body, '1,2|en, de;q=0.5');
  const reordered = await send(base, '/v', { headers: { foo: '1,2', 'accept-language': 'de;q=0.5, en' } });
  assert.match(reordered.headers['cache-status']!, /fwd=vary-miss/);
  const otherCase = await send(base, '/v', { headers: { foo: 'A,b', 'accept-language': 'en' } });
  assert.match(otherCase.headers['cache-status']!, /fwd=vary-miss/);
  assert.match((await send(base, '/v', { headers: { foo: 'a,b', 'accept-language': 'en' } })).headers['cache-status']!, /fwd=vary-miss/, 'unknown fields keep their case');
  assert.equal(origin.count('/v'), 4);
});

test('request only-if-cached: a stored fresh response is served; otherwise 504 without contacting upstream', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    res.writeHead(200, { 'cache-control': req.url === '/stale' ? 'max-age=0' : 'max-age=60', etag: '"e"' });
    res.end('stored');
  });
  const onlyIfCached = { 'cache-control': 'only-if-cached' };
  const cold = await send(base, '/fresh', { headers: onlyIfCached });
  assert.equal(cold.status, 504);
  assert.equal(origin.count(), 0);
  await send(base, '/fresh');
  const warm = await send(base, '/fresh', { headers: onlyIfCached });
  assert.equal(warm.status, 200);
  assert.equal(warm.body, 'stored');
  await send(base, '/stale');
  assert.equal((await send(base, '/stale', { headers: { 'cache-control': 'no-transform, Only-If-Cached' } })).status, 504, 'a stale copy needing revalidation is not usable');
  assert.equal(origin.count('/fresh'), 1);
  assert.equal(origin.count('/stale'), 1);
});

test('an If-None-Match echoing a malformed stored ETag byte for byte gets 304; a different one does not', async (t) => {
  const tags: Record<string, string> = { '/unquoted': 'abcdef', '/lower-weak': 'w/"abcdef"', '/no-slash': 'W"abcdef"' };
  const { base } = await setup(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', etag: tags[req.url!]! });
    res.end('tagged');
  });
  for (const [path, etag] of Object.entries(tags)) {
    await send(base, path);
    const echoed = await send(base, path, { headers: { 'if-none-match': etag } });
    assert.equal(echoed.status, 304, path);
    assert.equal(echoed.headers.etag, etag);
    assert.equal((await send(base, path, { headers: { 'if-none-match': `${etag}x` } })).status, 200, path);
  }
});

test('the per-node Vary normaliser answers as the plain function does, also past its bound and for long values', () => {
  const normalise = createVaryNormaliser(4);
  const values = ['gzip, deflate, br', 'EN , de ;q=0.5', 'a, b', ...Array.from({ length: 10 }, (_, i) => `v${i} , W`), `${'x, '.repeat(200)}y`];
  for (const round of [1, 2]) {
    for (const value of values) {
      for (const name of ['accept-language', 'accept-encoding', 'foo']) {
        assert.equal(normalise(name, value), normaliseVaryValue(name, value), `${name}: ${value} (round ${round})`);
      }
    }
  }
  assert.equal(normaliseVaryValue('accept-language', 'EN , de ;q=0.5'), 'en,de;q=0.5');
  assert.equal(normaliseVaryValue('foo', 'A , b'), 'A,b');
});

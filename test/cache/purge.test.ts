import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalInvalidation, send, sleep, startNode, startOrigin } from './helpers.js';

async function setup(t: import('node:test').TestContext, delayMs = 0) {
  let version = 0;
  const origin = await startOrigin(t, (req, res) => {
    const v = ++version;
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'max-age=600, stale-while-revalidate=600', 'surrogate-key': 'product-1 all', 'cache-tag': 'red, blue', etag: `"${v}"` });
      res.end(`${req.url} v${v}`);
    }, delayMs);
  });
  const invalidation = new LocalInvalidation();
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }] }, { invalidation });
  return { origin, invalidation, base: node.addresses[0]! };
}

test('a hard purge makes the stored copy absent; other objects stay', async (t) => {
  const { invalidation, base } = await setup(t);
  await send(base, '/a', { headers: { host: 'shop.test' } });
  await send(base, '/b', { headers: { host: 'shop.test' } });
  invalidation.purge({ kind: 'url', host: 'shop.test', path: '/a' });
  const a = await send(base, '/a', { headers: { host: 'shop.test' } });
  assert.equal(a.body, '/a v3');
  assert.match(a.headers['cache-status']!, /fwd=(uri-)?miss/);
  assert.match((await send(base, '/b', { headers: { host: 'shop.test' } })).headers['cache-status']!, /hit/);
});

test('purge by tag reads Surrogate-Key and Cache-Tag; tags are not sent to clients', async (t) => {
  const { invalidation, base } = await setup(t);
  const first = await send(base, '/p', { headers: { host: 'shop.test' } });
  assert.equal(first.headers['surrogate-key'], undefined);
  invalidation.purge({ kind: 'tag', host: 'shop.test', tag: 'blue' });
  assert.match((await send(base, '/p', { headers: { host: 'shop.test' } })).body, /v2/);
  invalidation.purge({ kind: 'tag', host: '*', tag: 'product-1' });
  assert.match((await send(base, '/p', { headers: { host: 'shop.test' } })).body, /v3/);
});

test('a soft purge serves stale while revalidating', async (t) => {
  const { origin, invalidation, base } = await setup(t);
  await send(base, '/s', { headers: { host: 'shop.test' } });
  invalidation.purge({ kind: 'prefix', host: 'shop.test', prefix: '/' }, true);
  const stale = await send(base, '/s', { headers: { host: 'shop.test' } });
  assert.equal(stale.body, '/s v1');
  assert.match(stale.headers['cache-status']!, /detail=soft-purged/);
  for (let i = 0; i < 50 && origin.count('/s') < 2; i++) await sleep(20);
  assert.equal(origin.requests[1]!.headers['if-none-match'], '"1"', 'revalidation is conditional');
  await sleep(50);
  assert.equal((await send(base, '/s', { headers: { host: 'shop.test' } })).body, '/s v2');
});

test('a response whose fetch started before a covering purge is served but not stored', async (t) => {
  const { invalidation, base } = await setup(t, 300);
  const pending = send(base, '/race', { headers: { host: 'shop.test' } });
  await sleep(100);
  invalidation.purge({ kind: 'url', host: 'shop.test', path: '/race' });
  const raced = await pending;
  assert.equal(raced.body, '/race v1');
  assert.doesNotMatch(raced.headers['cache-status']!, /stored/);
  assert.equal((await send(base, '/race', { headers: { host: 'shop.test' } })).body, '/race v2');
});

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

/** An origin that answers conditionals: 304 while the ETag still matches. */
async function conditionalOrigin(t: import('node:test').TestContext, cacheControl: string) {
  return startOrigin(t, (req, res) => {
    if (req.headers['if-none-match'] === '"same"') {
      res.writeHead(304, { etag: '"same"', 'cache-control': cacheControl });
      res.end();
      return;
    }
    res.writeHead(200, { etag: '"same"', 'cache-control': cacheControl });
    res.end(`${req.url} body`);
  });
}

test('exact verdicts: a soft purge after a hard purge and a refetch revalidates; it does not act as hard', async (t) => {
  const origin = await conditionalOrigin(t, 'max-age=600');
  const invalidation = new LocalInvalidation();
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }] }, { invalidation });
  const base = node.addresses[0]!;
  await send(base, '/x', { headers: { host: 'shop.test' } });
  invalidation.purge({ kind: 'url', host: 'shop.test', path: '/x' });
  await send(base, '/x', { headers: { host: 'shop.test' } });
  assert.equal(origin.requests[1]!.headers['if-none-match'], undefined, 'after a hard purge: a full fetch');
  invalidation.purge({ kind: 'url', host: 'shop.test', path: '/x' }, true);
  const reply = await send(base, '/x', { headers: { host: 'shop.test' } });
  assert.equal(reply.status, 200);
  assert.equal(reply.body, '/x body');
  // The copy was fetched after the hard purge; only the soft one is newer, so it is revalidated.
  assert.equal(origin.requests[2]!.headers['if-none-match'], '"same"');
  assert.match(reply.headers['cache-status']!, /fwd=stale; fwd-status=304/);
});

test('a soft-purged regional copy below the edge’s Min-Sequence is revalidated, not refetched whole', async (t) => {
  const origin = await conditionalOrigin(t, 'max-age=600');
  const invalidation = new LocalInvalidation();
  const site = [{ hosts: ['*'], origin: origin.url }];
  const regional = await startNode(t, { id: 'reg', tier: 'regional', sites: site }, { invalidation });
  const edge = await startNode(t, { id: 'edge', parents: [regional.addresses[0]!], sites: site }, { invalidation });
  const base = edge.addresses[0]!;
  await send(base, '/seg', { headers: { host: 'shop.test' } });
  invalidation.purge({ kind: 'url', host: 'shop.test', path: '/seg' }, true);
  const reply = await send(base, '/seg', { headers: { host: 'shop.test' } });
  assert.equal(reply.body, '/seg body');
  assert.equal(origin.count('/seg'), 2);
  assert.equal(origin.requests[1]!.headers['if-none-match'], '"same"', 'the regional revalidated its copy');
  assert.match(reply.headers['cache-status']!, /^meridian-reg; fwd=stale; fwd-status=304; stored/);
  // The revalidated copies count as fetched after the purge: the next request is a hit at the edge.
  assert.match((await send(base, '/seg', { headers: { host: 'shop.test' } })).headers['cache-status']!, /meridian-edge; hit/);
  assert.equal(origin.count('/seg'), 2);
});

test('a regional copy below the Min-Sequence with no soft purge known here is fetched whole', async (t) => {
  const origin = await conditionalOrigin(t, 'max-age=600');
  const edgeView = new LocalInvalidation();
  const regionalView = new LocalInvalidation();
  const site = [{ hosts: ['*'], origin: origin.url }];
  const regional = await startNode(t, { id: 'reg', tier: 'regional', sites: site }, { invalidation: regionalView });
  const edge = await startNode(t, { id: 'edge', parents: [regional.addresses[0]!], sites: site }, { invalidation: edgeView });
  await send(edge.addresses[0]!, '/lag', { headers: { host: 'shop.test' } });
  // The edge applied a purge the regional has not seen yet (its view lags): it may be hard.
  edgeView.purge({ kind: 'url', host: 'shop.test', path: '/lag' }, true);
  await send(edge.addresses[0]!, '/lag', { headers: { host: 'shop.test' } });
  assert.equal(origin.count('/lag'), 2);
  assert.equal(origin.requests[1]!.headers['if-none-match'], undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTemplate, linkPrefetchPaths, rulePaths, compileRules } from '../../src/cache/prefetch.js';
import { send, sleep, startNode, startOrigin } from './helpers.js';

const SEGMENT_RULE = { match: '/seg-(\\d+)\\.ts$', next: '/seg-{n+1}.ts' };

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 150 && !condition(); i++) await sleep(20);
  assert.ok(condition(), what);
}

test('templates keep zero padding; rules replace the matched part; Link hints stay on the host', () => {
  assert.equal(expandTemplate('/seg-{n+1}.ts', /seg-(\d+)/.exec('seg-009')!), '/seg-010.ts');
  assert.equal(expandTemplate('{2}-{1}', /(a)(b)/.exec('ab')!), 'b-a');
  assert.equal(expandTemplate('{n-1}', /(\d+)/.exec('0')!), undefined, 'no negative segment');
  assert.equal(expandTemplate('{n+1}', /(x)/.exec('x')!), undefined, 'not a number');
  assert.deepEqual(rulePaths(compileRules([SEGMENT_RULE]), '/live/seg-41.ts?t=1'), ['/live/seg-42.ts?t=1']);
  assert.deepEqual(rulePaths(compileRules([SEGMENT_RULE]), '/live/index.m3u8'), []);
  assert.deepEqual(
    linkPrefetchPaths('</a.css>; rel=prefetch, <https://other.test/b>; rel=prefetch, <c.js>; rel="preload prefetch", </d>; rel=preload', 'site.test', '/dir/page'),
    ['/a.css', '/dir/c.js'],
  );
});

test('a segment fetch leads to the next segment being a hit; prefetches do not chain on their own', async (t) => {
  const origin = await startOrigin(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end(`segment ${req.url}`);
  });
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url, prefetch: { rules: [SEGMENT_RULE] } }] });
  const base = node.addresses[0]!;
  const first = await send(base, '/live/seg-009.ts', { headers: { host: 'tv.test' } });
  assert.match(first.headers['cache-status']!, /fwd=uri-miss/);
  await until(() => origin.count('/live/seg-010.ts') === 1, 'the next segment was prefetched');
  await sleep(100);
  const next = await send(base, '/live/seg-010.ts', { headers: { host: 'tv.test' } });
  assert.match(next.headers['cache-status']!, /; hit/);
  assert.equal(next.body, 'segment /live/seg-010.ts');
  await until(() => origin.count('/live/seg-011.ts') === 1, 'a client hit on a segment prefetches the one after');
  await sleep(200);
  assert.equal(origin.count('/live/seg-012.ts'), 0, 'a prefetch does not trigger another prefetch');
  // Already stored: a second request for seg-009 does not refetch seg-010.
  await send(base, '/live/seg-009.ts', { headers: { host: 'tv.test' } });
  await sleep(100);
  assert.equal(origin.count('/live/seg-010.ts'), 1);
  assert.match(await node.registry.getSingleMetricAsString('meridian_cache_prefetches_total'), /outcome="skipped-present"\} [1-9]/);
});

test('origin Link: rel=prefetch hints on a stored response are fetched in the background', async (t) => {
  const origin = await startOrigin(t, (req, res) => {
    const headers: Record<string, string> = { 'cache-control': 'max-age=60' };
    if (req.url === '/page') headers.link = '</next.css>; rel=prefetch, <http://elsewhere.test/x>; rel=prefetch';
    res.writeHead(200, headers);
    res.end(`body ${req.url}`);
  });
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url }] });
  await send(node.addresses[0]!, '/page', { headers: { host: 'web.test' } });
  await until(() => origin.count('/next.css') === 1, 'the hinted object was prefetched');
  await sleep(100);
  assert.match((await send(node.addresses[0]!, '/next.css', { headers: { host: 'web.test' } })).headers['cache-status']!, /; hit/);
  assert.equal(origin.count('/x'), 0, 'hints for other hosts are ignored');
});

test('a node near its upstream concurrency limit skips prefetch', async (t) => {
  const origin = await startOrigin(t, (req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end(`segment ${req.url}`);
    }, req.url === '/slow' ? 3000 : 0);
  });
  const node = await startNode(t, { limits: { upstreamConcurrency: 2 }, sites: [{ hosts: ['*'], origin: origin.url, prefetch: { rules: [SEGMENT_RULE] } }] });
  const base = node.addresses[0]!;
  const slow = send(base, '/slow', { headers: { host: 'tv.test' } });
  await until(() => origin.count('/slow') === 1, 'the slow fill is in flight');
  assert.equal((await send(base, '/seg-1.ts', { headers: { host: 'tv.test' } })).status, 200);
  await sleep(300);
  assert.equal(origin.count('/seg-2.ts'), 0, 'no prefetch while half the upstream slots are taken');
  assert.match(await node.registry.getSingleMetricAsString('meridian_cache_prefetches_total'), /outcome="skipped-busy"\} 1/);
  await slow;
});

test('an error answer prefetches nothing', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(404, { 'cache-control': 'max-age=60' });
    res.end('gone');
  });
  const node = await startNode(t, { sites: [{ hosts: ['*'], origin: origin.url, prefetch: { rules: [SEGMENT_RULE] } }] });
  assert.equal((await send(node.addresses[0]!, '/seg-7.ts', { headers: { host: 'tv.test' } })).status, 404);
  await sleep(200);
  assert.equal(origin.count('/seg-8.ts'), 0);
});

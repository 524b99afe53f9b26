import { test } from 'node:test';
import assert from 'node:assert/strict';
import { send, sleep, startNode, startOrigin } from './helpers.js';

const ID = 'edge-1';

async function setup(t: import('node:test').TestContext, respond: Parameters<typeof startOrigin>[1], site: Record<string, unknown> = {}) {
  const origin = await startOrigin(t, respond);
  const node = await startNode(t, { id: ID, sites: [{ hosts: ['*'], origin: origin.url, ...site }] });
  return { origin, base: node.addresses[0]! };
}

test('a fresh response is stored and served from cache with Age and Cache-Status', async (t) => {
  const { origin, base } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
    res.end('body');
  });
  const first = await send(base, '/a');
  assert.equal(first.body, 'body');
  assert.match(first.headers['cache-status']!, new RegExp(`^meridian-${ID}; fwd=uri-miss; fwd-status=200; stored; ttl=(59|60)$`));
  await sleep(1100);
  const second = await send(base, '/a');
  assert.equal(second.body, 'body');
  assert.match(second.headers['cache-status']!, new RegExp(`^meridian-${ID}; hit; ttl=5\\d$`));
  assert.ok(Number(second.headers.age) >= 1, `Age ${second.headers.age}`);
  assert.equal(origin.count('/a'), 1);
  assert.notEqual((await send(base, '/a?x=1')).headers['cache-status']?.includes('hit'), true, 'query is part of the key');
});

test('no-store, private, and no freshness without validators are not stored; s-maxage and Expires are', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    const headers: Record<string, string> = {
      '/no-store': { 'cache-control': 'no-store, max-age=60' },
      '/private': { 'cache-control': 'private, max-age=60' },
      '/s-maxage': { 'cache-control': 'max-age=0, s-maxage=60' },
      '/expires': { expires: new Date(Date.now() + 60_000).toUTCString() },
      '/nothing': {},
    }[req.url!] as Record<string, string>;
    res.writeHead(200, { ...headers, date: new Date().toUTCString() });
    res.end(req.url);
  });
  for (const path of ['/no-store', '/private', '/s-maxage', '/expires', '/nothing']) {
    await send(base, path);
    await send(base, path);
  }
  assert.equal(origin.count('/no-store'), 2);
  assert.equal(origin.count('/private'), 2);
  assert.equal(origin.count('/nothing'), 2);
  assert.equal(origin.count('/s-maxage'), 1);
  assert.equal(origin.count('/expires'), 1);
});

test('heuristic freshness from Last-Modified applies to 200 but not to uncacheable-by-default statuses', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    const lastModified = new Date(Date.now() - 100 * 24 * 3600 * 1000).toUTCString();
    res.writeHead(req.url === '/heuristic' ? 200 : 302, { 'last-modified': lastModified, date: new Date().toUTCString(), location: '/x' });
    res.end('x');
  });
  await send(base, '/heuristic');
  assert.match((await send(base, '/heuristic')).headers['cache-status']!, /hit/);
  await send(base, '/redirect');
  await send(base, '/redirect');
  assert.equal(origin.count('/redirect'), 2);
});

test('Vary selects variants by the request fields it names', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'Accept-Language' });
    res.end(`lang=${req.headers['accept-language'] ?? 'none'}`);
  });
  assert.equal((await send(base, '/v', { headers: { 'accept-language': 'en' } })).body, 'lang=en');
  const fr = await send(base, '/v', { headers: { 'accept-language': 'fr' } });
  assert.equal(fr.body, 'lang=fr');
  assert.match(fr.headers['cache-status']!, /fwd=vary-miss/);
  assert.equal((await send(base, '/v', { headers: { 'accept-language': 'en' } })).body, 'lang=en');
  assert.equal((await send(base, '/v', { headers: { 'accept-language': 'fr' } })).body, 'lang=fr');
  assert.equal(origin.count('/v'), 2);
});

test('stale responses are revalidated with ETag; a 304 refreshes the stored one', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, { 'cache-control': 'max-age=60', etag: '"v1"', 'x-updated': 'yes' });
      return res.end();
    }
    res.writeHead(200, { 'cache-control': 'max-age=1', etag: '"v1"' });
    res.end('one');
  });
  await send(base, '/r');
  await sleep(2100);
  const revalidated = await send(base, '/r');
  assert.equal(revalidated.status, 200);
  assert.equal(revalidated.body, 'one');
  assert.equal(revalidated.headers['x-updated'], 'yes');
  assert.match(revalidated.headers['cache-status']!, /fwd=stale; fwd-status=304; stored/);
  assert.equal(origin.requests[1]!.headers['if-none-match'], '"v1"');
  assert.match((await send(base, '/r')).headers['cache-status']!, /hit/);
  assert.equal(origin.count('/r'), 2);
});

test('Last-Modified revalidation uses If-Modified-Since', async (t) => {
  const lastModified = new Date(Date.now() - 3600_000).toUTCString();
  const { origin, base } = await setup(t, (req, res) => {
    if (req.headers['if-modified-since'] === lastModified) {
      res.writeHead(304, { 'cache-control': 'max-age=60' });
      return res.end();
    }
    res.writeHead(200, { 'cache-control': 'no-cache', 'last-modified': lastModified });
    res.end('lm');
  });
  await send(base, '/lm');
  const second = await send(base, '/lm');
  assert.equal(second.body, 'lm');
  assert.match(second.headers['cache-status']!, /fwd=stale; fwd-status=304/);
  assert.equal(origin.count('/lm'), 2);
});

test('client conditionals are answered from cache with 304', async (t) => {
  const lastModified = new Date(Date.now() - 3600_000).toUTCString();
  const { origin, base } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', etag: 'W/"tag"', 'last-modified': lastModified });
    res.end('cond');
  });
  const inm = await send(base, '/c', { headers: { 'if-none-match': '"other", "tag"' } });
  assert.equal(inm.status, 304);
  assert.equal(inm.body, '');
  assert.equal(inm.headers.etag, 'W/"tag"');
  assert.equal((await send(base, '/c', { headers: { 'if-none-match': '"other"' } })).status, 200);
  assert.equal((await send(base, '/c', { headers: { 'if-modified-since': new Date().toUTCString() } })).status, 304);
  assert.equal((await send(base, '/c', { headers: { 'if-modified-since': new Date(Date.now() - 7200_000).toUTCString() } })).status, 200);
  assert.equal(origin.count('/c'), 1);
  assert.equal(origin.requests[0]!.headers['if-none-match'], undefined, 'the fill asks for the full object');
});

test('stale-while-revalidate serves stale at once and refreshes in the background', async (t) => {
  let version = 0;
  const { origin, base } = await setup(t, (_req, res) => {
    version++;
    res.writeHead(200, { 'cache-control': 'max-age=1, stale-while-revalidate=60' });
    res.end(`v${version}`);
  });
  await send(base, '/swr');
  await sleep(2100);
  const stale = await send(base, '/swr');
  assert.equal(stale.body, 'v1');
  assert.match(stale.headers['cache-status']!, /hit; .*detail=stale-while-revalidate/);
  for (let i = 0; i < 50 && origin.count('/swr') < 2; i++) await sleep(20);
  await sleep(50);
  assert.equal((await send(base, '/swr')).body, 'v2');
});

test('stale-if-error serves the stale copy when the origin fails, but not past its window', async (t) => {
  let failing = false;
  const { base } = await setup(t, (_req, res) => {
    if (failing) {
      res.writeHead(503);
      return res.end('down');
    }
    res.writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=60' });
    res.end('good');
  });
  await send(base, '/sie');
  failing = true;
  await sleep(2100);
  const reply = await send(base, '/sie');
  assert.equal(reply.status, 200);
  assert.equal(reply.body, 'good');
  assert.match(reply.headers['cache-status']!, /fwd=stale; fwd-status=503; detail=stale-if-error/);
});

test('without stale-if-error an origin 5xx is passed on', async (t) => {
  let failing = false;
  const { base } = await setup(t, (_req, res) => {
    res.writeHead(failing ? 500 : 200, { 'cache-control': 'max-age=1' });
    res.end(failing ? 'bad' : 'good');
  });
  await send(base, '/e');
  failing = true;
  await sleep(2100);
  assert.equal((await send(base, '/e')).status, 500);
});

test('unsafe methods pass through and invalidate the URI, Location and Content-Location', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    if (req.method === 'POST') {
      res.writeHead(201, { location: '/loc', 'content-location': 'http://other.test/elsewhere' });
      return res.end('created');
    }
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end(`get ${req.url}`);
  });
  for (const path of ['/item', '/loc']) await send(base, path);
  const post = await send(base, '/item', { method: 'POST', body: 'payload' });
  assert.equal(post.status, 201);
  assert.match(post.headers['cache-status']!, /fwd=method/);
  assert.equal(origin.requests.find((r) => r.method === 'POST')!.body, 'payload');
  await send(base, '/item');
  await send(base, '/loc');
  assert.equal(origin.count('/item'), 3);
  assert.equal(origin.count('/loc'), 2);
});

test('HEAD is answered from the stored GET response without a body', async (t) => {
  const { origin, base } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
    res.end('0123456789');
  });
  const head = await send(base, '/h', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], '10');
  assert.equal((await send(base, '/h')).body, '0123456789');
  assert.equal(origin.count('/h'), 1);
  assert.equal(origin.requests[0]!.method, 'GET');
});

test('Range requests are answered from the cached full object (206, 416, If-Range)', async (t) => {
  const { origin, base } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', etag: '"r"' });
    res.end('0123456789');
  });
  const part = await send(base, '/range', { headers: { range: 'bytes=2-4' } });
  assert.equal(part.status, 206);
  assert.equal(part.body, '234');
  assert.equal(part.headers['content-range'], 'bytes 2-4/10');
  assert.equal((await send(base, '/range', { headers: { range: 'bytes=-3' } })).body, '789');
  assert.equal((await send(base, '/range', { headers: { range: 'bytes=7-' } })).body, '789');
  const bad = await send(base, '/range', { headers: { range: 'bytes=50-60' } });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers['content-range'], 'bytes */10');
  assert.equal((await send(base, '/range', { headers: { range: 'bytes=0-1', 'if-range': '"old"' } })).status, 200);
  assert.equal((await send(base, '/range', { headers: { range: 'bytes=0-1', 'if-range': '"r"' } })).status, 206);
  assert.equal(origin.count('/range'), 1);
  assert.equal(origin.requests[0]!.headers.range, undefined);
});

test('CDN-Cache-Control and Meridian-Cache-Control take precedence; Meridian-Cache-Control is stripped at the edge', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (req.url === '/cdn') headers['cdn-cache-control'] = 'max-age=60';
    if (req.url === '/meridian') Object.assign(headers, { 'cdn-cache-control': 'no-store', 'meridian-cache-control': 'max-age=60' });
    if (req.url === '/cdn-off') Object.assign(headers, { 'cache-control': 'max-age=60', 'cdn-cache-control': 'no-store' });
    res.writeHead(200, headers);
    res.end(req.url);
  });
  for (const path of ['/cdn', '/meridian', '/cdn-off']) await send(base, path);
  const cdn = await send(base, '/cdn');
  const meridian = await send(base, '/meridian');
  await send(base, '/cdn-off');
  assert.match(cdn.headers['cache-status']!, /hit/);
  assert.equal(cdn.headers['cache-control'], 'no-store', 'Cache-Control is forwarded for browsers');
  assert.equal(cdn.headers['cdn-cache-control'], 'max-age=60');
  assert.match(meridian.headers['cache-status']!, /hit/);
  assert.equal(meridian.headers['meridian-cache-control'], undefined);
  assert.equal(origin.count('/cdn-off'), 2);
});

test('Set-Cookie responses are stored only where the site allows it', async (t) => {
  const respond = (_req: unknown, res: import('node:http').ServerResponse): void => {
    res.writeHead(200, { 'cache-control': 'max-age=60', 'set-cookie': 'a=b' });
    res.end('cookie');
  };
  const strict = await setup(t, respond);
  await send(strict.base, '/k');
  await send(strict.base, '/k');
  assert.equal(strict.origin.count('/k'), 2);
  const allowing = await setup(t, respond, { allowSetCookie: true });
  await send(allowing.base, '/k');
  const hit = await send(allowing.base, '/k');
  assert.equal(allowing.origin.count('/k'), 1);
  assert.equal(hit.headers['set-cookie'], 'a=b');
});

test('responses to requests with Authorization are stored only when the response allows it', async (t) => {
  const { origin, base } = await setup(t, (req, res) => {
    res.writeHead(200, { 'cache-control': req.url === '/auth-public' ? 'public, max-age=60' : 'max-age=60' });
    res.end('secret');
  });
  for (let i = 0; i < 2; i++) {
    await send(base, '/auth', { headers: { authorization: 'Bearer x' } });
    await send(base, '/auth-public', { headers: { authorization: 'Bearer x' } });
  }
  assert.equal(origin.count('/auth'), 2);
  assert.equal(origin.count('/auth-public'), 1);
});

test('a stale copy is served when the origin is unreachable, unless the response forbids it', async (t) => {
  let down = false;
  const { base } = await setup(t, (req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'cache-control': req.url === '/strict' ? 'max-age=1, must-revalidate' : 'max-age=1' });
    res.end(`copy of ${req.url}`);
  });
  await send(base, '/lenient');
  await send(base, '/strict');
  down = true;
  await sleep(2100);
  const lenient = await send(base, '/lenient');
  assert.equal(lenient.status, 200);
  assert.equal(lenient.body, 'copy of /lenient');
  assert.match(lenient.headers['cache-status']!, /fwd=stale; detail=stale-on-disconnect/);
  assert.equal((await send(base, '/strict')).status, 502);
});

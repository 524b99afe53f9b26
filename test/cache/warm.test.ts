import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseWarmList } from '../../src/cache/index.js';
import { cliPath } from '../helpers/paths.js';
import { removeDir } from '../helpers/redis.js';
import { send, sleep, startNode, startOrigin } from './helpers.js';

const run = promisify(execFile);
const TOKEN = 'fleet-secret';

test('`meridian warm` loads a URL list into each node and reports hits, misses and failures per node', async (t) => {
  const origin = await startOrigin(t, (req, res) => {
    if (req.url === '/missing') {
      res.writeHead(404, { 'cache-control': 'no-store' });
      res.end('no');
      return;
    }
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end(`body of ${req.url}`);
  });
  const site = [{ hosts: ['www.site.test'], origin: origin.url }];
  const a = await startNode(t, { id: 'a', sites: site });
  const b = await startNode(t, { id: 'b', sites: site });
  const dir = mkdtempSync(join(tmpdir(), 'meridian-warm-'));
  t.after(() => removeDir(dir));
  const list = join(dir, 'urls.txt');
  writeFileSync(list, '# assets\nhttp://www.site.test/app.js\n/style.css\n\n/missing\n');
  const args = [cliPath(), 'warm', '--node', a.addresses[0]!, '--node', b.addresses[0]!, '--urls', list, '--host', 'www.site.test', '--json'];
  const first = await run(process.execPath, args).then(
    () => assert.fail('a failed URL makes the exit status 2'),
    (err: { code: number; stdout: string }) => err,
  );
  assert.equal(first.code, 2);
  const reports = JSON.parse(first.stdout) as { node: string; hits: number; misses: number; failures: number }[];
  assert.deepEqual(reports.map(({ hits, misses, failures }) => ({ hits, misses, failures })), [{ hits: 0, misses: 2, failures: 1 }, { hits: 0, misses: 2, failures: 1 }]);
  assert.match((await send(b.addresses[0]!, '/style.css', { headers: { host: 'www.site.test' } })).headers['cache-status']!, /meridian-b; hit/);

  writeFileSync(list, 'http://www.site.test/app.js\n');
  const again = await run(process.execPath, [cliPath(), 'warm', '--node', a.addresses[0]!, '--urls', list]);
  assert.match(again.stdout, /: 1 hits, 0 misses, 0 failures/);
});

test('a warm list names the line of a bad entry', () => {
  assert.deepEqual(parseWarmList('https://x.test/a?b=1\n/c\n', 'list', 'h.test'), [{ host: 'h.test', path: '/a?b=1' }, { host: 'h.test', path: '/c' }]);
  assert.throws(() => parseWarmList('/ok\nftp://x/y\n', 'list', 'h.test'), /MERIDIAN_E_CACHE_WARM_INPUT_INVALID|list:2/);
  assert.throws(() => parseWarmList('/needs-host\n', 'list'), /list:1: .*no --host/);
});

test('a joining node rehydrates its region peer’s hot objects before its health turns 200', async (t) => {
  const origin = await startOrigin(t, (req, res) => {
    // Slow enough that the joining node's health is seen warming.
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'max-age=600' });
      res.end(`body of ${req.url}`);
    }, 200);
  });
  const site = [{ hosts: ['*'], origin: origin.url }];
  const admin = { listen: '127.0.0.1:0', token: TOKEN };
  const a = await startNode(t, { id: 'a', region: 'eu', sites: site, admin });
  for (let i = 0; i < 5; i++) await send(a.addresses[0]!, '/hot', { headers: { host: 'shop.test' } });
  await send(a.addresses[0]!, '/cool', { headers: { host: 'shop.test' } });

  const unauthorized = await send(a.adminAddress!, '/hot-keys?limit=1');
  assert.equal(unauthorized.status, 401);
  const listed = JSON.parse((await send(a.adminAddress!, '/hot-keys?limit=1', { headers: { authorization: `Bearer ${TOKEN}` } })).body) as { keys: { host: string; path: string }[] };
  assert.deepEqual(listed.keys.map(({ host, path }) => ({ host, path })), [{ host: 'shop.test', path: '/hot' }]);

  const peers = async () => [
    { id: 'a', region: 'eu', tier: 'edge' as const, adminUrl: a.adminAddress! },
    { id: 'us-1', region: 'us', tier: 'edge' as const, adminUrl: 'http://127.0.0.1:1' },
    { id: 'dead', region: 'eu', tier: 'edge' as const, adminUrl: 'http://127.0.0.1:1' },
  ];
  const b = await startNode(t, { id: 'b', region: 'eu', sites: site, admin }, { peers });
  const health = [(await send(b.addresses[0]!, '/_meridian/health')).body];
  while (health.at(-1) !== 'ok\n') {
    await sleep(20);
    health.push((await send(b.addresses[0]!, '/_meridian/health')).body);
    assert.ok(health.length < 1000, 'warm-up ends');
  }
  assert.equal(health[0], 'warming\n');
  const hot = await send(b.addresses[0]!, '/hot', { headers: { host: 'shop.test' } });
  assert.match(hot.headers['cache-status']!, /^meridian-b; hit/);
  assert.match((await send(b.addresses[0]!, '/cool', { headers: { host: 'shop.test' } })).headers['cache-status']!, /^meridian-b; hit/);
  const summary = await b.warmedUp;
  assert.deepEqual({ peers: summary.peers, keys: summary.keys, fetched: summary.fetched, failures: summary.failures }, { peers: 2, keys: 2, fetched: 2, failures: 0 });
});

test('warm-up stays within its byte budget and time', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end(Buffer.alloc(4096, 1));
  });
  const site = [{ hosts: ['*'], origin: origin.url }];
  const admin = { listen: '127.0.0.1:0', token: TOKEN };
  const a = await startNode(t, { id: 'a', sites: site, admin });
  for (let i = 0; i < 6; i++) await send(a.addresses[0]!, `/obj-${i}`, { headers: { host: 'shop.test' } });
  const maxBytes = 3 * 4096 + 1000;
  const b = await startNode(t, { id: 'b', sites: site, admin, warmup: { peers: [a.adminAddress!], maxBytes, concurrency: 1 } });
  const summary = await b.warmedUp;
  assert.ok(summary.keys >= 1 && summary.keys < 6, `only what fits in maxBytes is planned (${summary.keys} of 6)`);
  assert.equal(summary.fetched, summary.keys);
  assert.ok(summary.bytes <= maxBytes, `${summary.bytes} bytes`);
  const c = await startNode(t, { id: 'c', sites: site, admin, warmup: { peers: [a.adminAddress!], maxSeconds: 0 } });
  const none = await c.warmedUp;
  assert.equal(none.fetched, 0, 'no time: nothing fetched');
  assert.equal((await send(c.addresses[0]!, '/_meridian/health')).status, 200);
});

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createPurgeHandler, purgeRequestListener, MemoryMetaStore, RedisMetaStore, PurgePublisher, InvalidationSubscriber, type MetaStore } from '../../src/meta/index.js';
import { createSilentLogger } from '../../src/telemetry/index.js';

async function serve(t: TestContext, store: MetaStore, token: string) {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } }));
  const publisher = new PurgePublisher({ store, windowMs: 1 });
  const server = createServer(purgeRequestListener(createPurgeHandler({ publisher, logger, token, store })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address() as { port: number };
  const post = async (body: string, authorization?: string) => {
    const response = await fetch(`http://127.0.0.1:${address.port}/admin/purge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { post, lines };
}

test('purge endpoint: a missing or wrong bearer token is refused and logged', async (t) => {
  const store = new MemoryMetaStore();
  const { post, lines } = await serve(t, store, 's3cret-token');
  const body = JSON.stringify({ urls: ['https://a.example/x'] });
  assert.equal((await post(body)).status, 401);
  assert.equal((await post(body, 'Bearer wrong')).status, 401);
  assert.equal((await post(body, 'Basic s3cret-token')).status, 401);
  assert.equal((await post('{not json', 'Bearer nope')).status, 401, 'no body diagnostics before authorisation');
  assert.equal(lines.filter((line) => /purge refused: not authorised/.test(line)).length, 4);
  assert.ok(lines.some((line) => /"reason":"missing token"/.test(line)));
  assert.ok(lines.every((line) => !line.includes('s3cret-token')), 'the token is never logged');
  assert.equal(await store.streamLength(), 0, 'nothing was purged');
});

test('purge endpoint: a valid token purges and answers with the sequences; bad bodies get 400', async (t) => {
  const store = new MemoryMetaStore();
  const subscriber = new InvalidationSubscriber({ store, nodeId: 'edge-1', logger: createSilentLogger(), blockMs: 100 });
  subscriber.start();
  t.after(() => subscriber.stop());
  await subscriber.synced();
  const { post } = await serve(t, store, 's3cret-token');
  const ok = await post(JSON.stringify({ urls: ['https://a.example/x'], tags: ['t1'], host: 'a.example', soft: true }), 'Bearer s3cret-token');
  assert.equal(ok.status, 200);
  const purged = ok.body.purged as Array<{ sequence: number; scope: string; soft: boolean }>;
  assert.deepEqual(purged.map((p) => [p.scope, p.soft]), [['url a.example/x', true], ['tag t1 on a.example', true]]);
  assert.equal(ok.body.sequence, purged[1]!.sequence);

  const waited = await post(JSON.stringify({ all: 'a.example', wait: true, timeoutMs: 5000 }), 'Bearer s3cret-token');
  assert.equal(waited.status, 200, JSON.stringify(waited.body));
  assert.deepEqual(waited.body.acked, [], 'no node is registered, so nobody is waited for');

  for (const bad of ['{not json', '[]', '{}', JSON.stringify({ urls: 'https://a.example/' }), JSON.stringify({ urls: ['nope'] }), JSON.stringify({ purge: 1 })]) {
    const response = await post(bad, 'Bearer s3cret-token');
    assert.equal(response.status, 400, bad);
    assert.equal(response.body.error, 'MERIDIAN_E_META_BAD_PURGE');
  }
});

test('purge endpoint: Redis away gives 503 with the reason, never a silent 200', async (t) => {
  const store = new RedisMetaStore({ redis: { url: 'redis://127.0.0.1:1', connectTimeoutMs: 500 }, keyPrefix: 'x:', streamMaxLength: 1000, maxVersions: 1000, reconnect: false });
  t.after(() => store.close());
  const { post } = await serve(t, store, 'tok');
  const response = await post(JSON.stringify({ urls: ['https://a.example/x'] }), 'Bearer tok');
  assert.equal(response.status, 503);
  assert.equal(response.body.error, 'MERIDIAN_E_META_UNAVAILABLE');
  assert.match(String(response.body.message), /ECONNREFUSED/);
});

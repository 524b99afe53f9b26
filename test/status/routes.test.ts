import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetricsRegistry } from '../../src/telemetry/index.js';
import { StatusError, createStatusRoutes, type StatusRoutes, type StatusSnapshot } from '../../src/status/index.js';
import { HOSTILE, TestStatusSource, demoFleet, hostileFleet, serveForTest } from './fixtures.js';

interface EventReader {
  response: IncomingMessage;
  /** Resolves with the next SSE block (event or comment) that matches. */
  next(match: (block: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): void;
}

/** A raw Server-Sent Events client over node:http, so the wire format itself is tested. */
function openEvents(t: TestContext, url: string): Promise<EventReader> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (response) => {
      response.setEncoding('utf8');
      let buffer = '';
      const blocks: string[] = [];
      let waiter: (() => void) | undefined;
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          blocks.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        waiter?.();
      });
      const reader: EventReader = {
        response,
        next: (match, timeoutMs = 10_000) =>
          new Promise((found, fail) => {
            const timer = setTimeout(() => fail(new Error('no matching event in time')), timeoutMs);
            const check = (): void => {
              const index = blocks.findIndex(match);
              if (index < 0) return;
              const [block] = blocks.splice(0, index + 1).slice(-1);
              clearTimeout(timer);
              waiter = undefined;
              found(block!);
            };
            waiter = check;
            check();
          }),
        close: () => req.destroy(),
      };
      t.after(() => reader.close());
      resolve(reader);
    });
    req.on('error', reject);
    req.end();
  });
}

const isSnapshot = (block: string): boolean => block.startsWith('event: snapshot\n');
const snapshotOf = (block: string): StatusSnapshot => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as StatusSnapshot;

/** Serves `listener` on a free loopback port until the test ends, then closes it and the routes; returns the base URL. */
async function mountForTest(t: TestContext, routes: StatusRoutes, listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    routes.close();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('GET /v1/status returns the snapshot as JSON, capped to the configured sizes', async (t) => {
  const fleet = demoFleet();
  const server = await serveForTest(t, new TestStatusSource(fleet), { maxDecisions: 2, maxPurges: 1 });
  const res = await fetch(`${server.url}/v1/status?x=1`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = (await res.json()) as StatusSnapshot;
  assert.equal(body.nodes.length, fleet.nodes.length);
  assert.deepEqual(body.decisions.map((d) => d.id), ['d-7f3a21', 'd-7f3a20']);
  assert.equal(body.purges.length, 1);
  assert.ok(Math.abs(body.generatedAt - Date.now()) < 60_000);
});

test('GET / and /status serve the page with a strict CSP and the snapshot embedded safely', async (t) => {
  const server = await serveForTest(t, new TestStatusSource(hostileFleet()), { title: '<Meridian & "co">' });
  for (const path of ['/', '/status']) {
    const res = await fetch(server.url + path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await res.text();
    assert.ok(html.includes('<title>&lt;Meridian &amp; &quot;co&quot;&gt; · fleet status</title>'));
    assert.ok(!html.includes(HOSTILE.id), 'the hostile id never appears raw');
    assert.ok(!html.includes('</script><script>window.__pwned'), 'the embedded JSON cannot close its script element');
    assert.equal(html.match(/<script/g)?.length, 2, 'the config block and the page script, nothing else');
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no absolute URLs: the page is self-contained');
  }
});

test('the page answers HEAD, refuses other methods and leaves other paths to the caller', async (t) => {
  const source = new TestStatusSource(demoFleet());
  const routes = createStatusRoutes(source);
  const base = await mountForTest(t, routes, (req, res) => {
    if (routes.handle(req, res)) return;
    res.writeHead(418).end('mine');
  });
  assert.deepEqual(routes.routes.map((r) => `${r.method} ${r.path}`), ['GET /', 'GET /status', 'GET /v1/status', 'GET /v1/status/events']);

  const head = await fetch(`${base}/v1/status`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  const post = await fetch(`${base}/v1/status`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  await post.text();
  const other = await fetch(`${base}/metrics`);
  assert.equal(other.status, 418);
  assert.equal(await other.text(), 'mine');
  const traversal = await fetch(`${base}/v1/status/../status/events/x`);
  assert.equal(traversal.status, 418);
  await traversal.text();
});

test('each route works on its own, mounted by method and path as the DNS HTTP API does', async (t) => {
  const routes = createStatusRoutes(new TestStatusSource(demoFleet()));
  const table = new Map(routes.routes.map((route) => [`${route.method} ${route.path}`, route.handler]));
  const base = await mountForTest(t, routes, (req, res) => {
    const handler = table.get(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  const json = (await (await fetch(`${base}/v1/status`)).json()) as StatusSnapshot;
  assert.equal(json.nodes.length, 13);
  const page = await fetch(`${base}/status`);
  assert.match(await page.text(), /<title>Meridian · fleet status<\/title>/);
  const events = await openEvents(t, `${base}/v1/status/events`);
  assert.equal(snapshotOf(await events.next(isSnapshot)).nodes.length, 13);
});

test('the event stream sends a snapshot at once, on every source change, and keep-alives', async (t) => {
  const source = new TestStatusSource(demoFleet());
  // A long tick: every snapshot after the first must come from subscribe().
  const server = await serveForTest(t, source, { intervalMs: 60_000, keepAliveMs: 1000 });
  const events = await openEvents(t, `${server.url}/v1/status/events`);
  assert.equal(events.response.statusCode, 200);
  assert.equal(events.response.headers['content-type'], 'text/event-stream; charset=utf-8');
  assert.equal(events.response.headers['cache-control'], 'no-store');
  await events.next((block) => block === 'retry: 3000');
  const first = snapshotOf(await events.next(isSnapshot));
  assert.equal(first.nodes.find((n) => n.id === 'edge-fra-1')?.health, 'up');
  await waitFor(() => source.listenerCount === 1, 'the stream to subscribe');

  source.setHealth('edge-fra-1', 'down', 'timeout');
  const pushed = snapshotOf(await events.next(isSnapshot));
  assert.equal(pushed.nodes.find((n) => n.id === 'edge-fra-1')?.health, 'down');

  await events.next((block) => block === ': keep-alive', 5000);

  // A burst of changes is coalesced into few pushes, not one per change.
  const before = source.snapshots;
  for (let i = 0; i < 50; i++) source.notify();
  await events.next(isSnapshot);
  assert.ok(source.snapshots - before < 10, `${source.snapshots - before} snapshots for 50 notifications`);

  events.close();
  await waitFor(() => source.listenerCount === 0, 'the last stream to unsubscribe');
});

test('the event stream ticks every interval without a push source', async (t) => {
  const source = new TestStatusSource(demoFleet());
  const server = await serveForTest(t, { snapshot: () => source.snapshot() }, { intervalMs: 200 });
  const events = await openEvents(t, `${server.url}/v1/status/events`);
  await events.next(isSnapshot);
  source.nodes = [];
  const later = snapshotOf(await events.next((block) => isSnapshot(block) && snapshotOf(block).nodes.length === 0));
  assert.deepEqual(later.nodes, []);
});

test('watchers beyond maxClients get 503, and close() ends every open stream', async (t) => {
  const registry = createMetricsRegistry();
  const source = new TestStatusSource(demoFleet());
  const server = await serveForTest(t, source, { maxClients: 2, registry });
  const a = await openEvents(t, `${server.url}/v1/status/events`);
  const b = await openEvents(t, `${server.url}/v1/status/events`);
  await a.next(isSnapshot);
  await b.next(isSnapshot);
  const refused = await fetch(`${server.url}/v1/status/events`);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '10');
  await refused.text();
  assert.match(await registry.metrics(), /meridian_status_event_streams 2/);

  const ended = Promise.all([a, b].map((reader) => new Promise<void>((resolve) => reader.response.once('end', resolve))));
  server.routes.close();
  await ended;
  assert.match(await registry.metrics(), /meridian_status_event_streams 0/);
  assert.equal(source.listenerCount, 0);
  assert.match(await registry.metrics(), /meridian_status_requests_total\{route="events"\} 3/);
});

test('a failing source gives a coded 500 on JSON, a page that still loads, and a paused stream', async (t) => {
  const source = new TestStatusSource(demoFleet());
  const server = await serveForTest(t, source, { intervalMs: 100 });
  const events = await openEvents(t, `${server.url}/v1/status/events`);
  await events.next(isSnapshot);
  source.failing = true;

  const res = await fetch(`${server.url}/v1/status`);
  assert.equal(res.status, 500);
  assert.deepEqual(((await res.json()) as { error: { code: string } }).error.code, 'MERIDIAN_E_STATUS_SNAPSHOT_FAILED');
  const page = await fetch(server.url);
  assert.equal(page.status, 200);
  await page.text();

  // The stream stays open through the failure and resumes when the source recovers.
  await new Promise((resolve) => setTimeout(resolve, 300));
  source.failing = false;
  source.nodes = source.nodes.slice(0, 1);
  await events.next((block) => isSnapshot(block) && snapshotOf(block).nodes.length === 1);
});

test('a sloppy source cannot break the page: missing lists become empty', async (t) => {
  const sloppy = { snapshot: () => ({ generatedAt: Number.NaN, nodes: undefined, decisions: 'x', purges: null }) as unknown as StatusSnapshot };
  const server = await serveForTest(t, sloppy);
  const body = (await (await fetch(`${server.url}/v1/status`)).json()) as StatusSnapshot;
  assert.deepEqual([body.nodes, body.decisions, body.purges], [[], [], []]);
  assert.ok(Number.isFinite(body.generatedAt));
});

test('an unserialisable snapshot and a throwing subscribe() do not take anything down', async (t) => {
  const source = new TestStatusSource(demoFleet());
  let poisoned = true;
  const awkward = {
    snapshot: () => {
      const snap = source.snapshot();
      return poisoned ? { ...snap, nodes: [{ ...snap.nodes[0]!, load: 1n as unknown as number }] } : snap;
    },
    subscribe: () => {
      throw new Error('bus down');
    },
  };
  const server = await serveForTest(t, awkward, { intervalMs: 100 });
  const json = await fetch(`${server.url}/v1/status`);
  assert.equal(json.status, 500);
  await json.text();
  const page = await fetch(server.url);
  assert.equal(page.status, 200);
  await page.text();
  const events = await openEvents(t, `${server.url}/v1/status/events`);
  poisoned = false;
  assert.equal(snapshotOf(await events.next(isSnapshot)).nodes.length, 13);
});

test('options are checked once, with every bad one named', () => {
  assert.throws(
    () => createStatusRoutes(new TestStatusSource(demoFleet()), { intervalMs: 5, maxClients: 0, historySamples: 1, bogus: true } as never),
    (err: unknown) =>
      err instanceof StatusError &&
      err.code === 'MERIDIAN_E_STATUS_OPTIONS_INVALID' &&
      /intervalMs/.test(err.message) &&
      /maxClients/.test(err.message) &&
      /historySamples/.test(err.message) &&
      /bogus/.test(err.message),
  );
});

test('the history is sampled with nobody watching and carried by /v1/status and the event stream', async (t) => {
  const source = new TestStatusSource(demoFleet());
  const server = await serveForTest(t, source, { historyIntervalMs: 100, historySamples: 5, intervalMs: 100 });
  const first = (await (await fetch(`${server.url}/v1/status`)).json()) as StatusSnapshot;
  assert.equal(first.history?.intervalMs, 100);
  assert.equal(first.history?.capacity, 5);

  // No stream is open: the samples still come, bounded by the capacity.
  await waitFor(() => source.snapshots >= 8, 'the sampler to take snapshots');
  const fleet = demoFleet().nodes;
  const fleetRps = fleet.reduce((sum, n) => sum + (n.requestsPerSecond ?? 0), 0);
  const hits = fleet.flatMap((n) => (n.hitRatio === undefined ? [] : [n.hitRatio]));
  const body = (await (await fetch(`${server.url}/v1/status`)).json()) as StatusSnapshot;
  const history = body.history!;
  assert.equal(history.at.length, 5);
  assert.ok(history.at.every((at, i) => i === 0 || at >= history.at[i - 1]!), 'oldest first');
  assert.deepEqual(history.requestsPerSecond, Array(5).fill(fleetRps));
  assert.deepEqual(history.nodesUp, Array(5).fill(10));
  assert.deepEqual(history.nodesTotal, Array(5).fill(13));
  assert.equal(history.hitRatio[0], Math.round((hits.reduce((a, b) => a + b, 0) / hits.length) * 1e4) / 1e4);
  assert.equal(history.nodes.length, 10, 'the nodes that report requests/s');
  assert.deepEqual(history.nodes[0], { id: 'edge-fra-1', requestsPerSecond: Array(5).fill(1840) });

  // A purge that leaves the in-flight list shows up as a latency sample, on the stream too.
  const events = await openEvents(t, `${server.url}/v1/status/events`);
  await events.next(isSnapshot);
  source.purges = source.purges.filter((p) => p.sequence !== 1042);
  source.notify();
  const carried = snapshotOf(await events.next((block) => isSnapshot(block) && (snapshotOf(block).history?.purgesCompleted.some((n) => n > 0) ?? false)));
  const latency = carried.history!.purgeLatencyMs.find((ms) => ms !== null);
  assert.ok(latency !== undefined && latency !== null && latency >= 1300 && latency < 60_000, `latency ${latency}`);
});

test("a source's own history is ignored, and history sampling stops with close()", async (t) => {
  const source = new TestStatusSource(demoFleet());
  const sneaky = { snapshot: () => ({ ...source.snapshot(), history: { at: ['<script>'] } }) as unknown as StatusSnapshot };
  const routes = createStatusRoutes(sneaky, { historyIntervalMs: 100 });
  const base = await mountForTest(t, routes, (req, res) => {
    if (!routes.handle(req, res)) res.writeHead(404).end();
  });
  const body = (await (await fetch(`${base}/v1/status`)).json()) as StatusSnapshot;
  assert.deepEqual(body.history?.at, []);
  routes.close();
  const count = source.snapshots;
  await new Promise((resolve) => setTimeout(resolve, 350));
  assert.equal(source.snapshots, count, 'no sampling after close()');
});

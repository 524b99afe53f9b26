import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { send, sleep, startNode, startOrigin } from './helpers.js';

/** A real pino logger whose JSON lines are collected for inspection. */
function capturingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** Access lines are written when the server side of the response closes, which may trail the client's read a little. */
async function accessLines(lines: Record<string, unknown>[], count: number): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 100 && lines.filter((line) => line.log === 'access').length < count; i++) await sleep(20);
  return lines.filter((line) => line.log === 'access');
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

test('the W3C trace continues edge → regional → origin, a new parent span per hop, one access line per request (none per health probe)', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end('traced');
  });
  const site = [{ hosts: ['*'], origin: origin.url }];
  const regionalLog = capturingLogger();
  const edgeLog = capturingLogger();
  const regional = await startNode(t, { id: 'reg', tier: 'regional', sites: site }, { logger: regionalLog.logger });
  const edge = await startNode(t, { id: 'edge', parents: [regional.addresses[0]!], sites: site }, { logger: edgeLog.logger });

  assert.equal((await send(edge.addresses[0]!, '/_meridian/health')).status, 200);
  const reply = await send(edge.addresses[0]!, '/traced?x=1', { headers: { host: 'site.test', traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` } });
  assert.equal(reply.status, 200);
  const seen = origin.requests[0]!.headers.traceparent;
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(seen));
  assert.ok(match, `origin saw traceparent ${seen}`);
  assert.equal(match[1], TRACE_ID);

  const [edgeLine] = await accessLines(edgeLog.lines, 1);
  const [regionalLine] = await accessLines(regionalLog.lines, 1);
  assert.ok(edgeLine && regionalLine, 'each hop logged the request');
  assert.equal(edgeLine.traceId, TRACE_ID);
  assert.equal(regionalLine.traceId, TRACE_ID);
  // Each hop's span is the parent id the next hop receives: edge span → regional, regional span → origin.
  assert.equal(regionalLine.spanId, match[2], 'the origin’s parent is the regional’s span');
  const spans = new Set([CLIENT_SPAN, edgeLine.spanId, regionalLine.spanId]);
  assert.equal(spans.size, 3, 'a different span id per hop');
  assert.deepEqual(
    { method: edgeLine.method, host: edgeLine.host, path: edgeLine.path, status: edgeLine.status },
    { method: 'GET', host: 'site.test', path: '/traced?x=1', status: 200 },
  );
  assert.match(String(edgeLine.cacheStatus), /^fwd=uri-miss; fwd-status=200; stored/);
  assert.equal(typeof edgeLine.durationMs, 'number');
  assert.match(String(edgeLine.reqId), /^edge-/);

  // A hit is logged too, and a request without traceparent starts a trace of its own.
  await send(edge.addresses[0]!, '/traced?x=1', { headers: { host: 'site.test' } });
  const hitLine = (await accessLines(edgeLog.lines, 2))[1]!;
  assert.match(String(hitLine.cacheStatus), /^hit/);
  assert.match(String(hitLine.traceId), /^[0-9a-f]{32}$/);
  assert.notEqual(hitLine.traceId, TRACE_ID);
  assert.equal(origin.count(), 1);
  assert.deepEqual(edgeLog.lines.filter((line) => line.log === 'access').map((line) => line.path), ['/traced?x=1', '/traced?x=1'], 'the health probe left no access line');
});

test('a malformed traceparent starts a new trace; logLevel warn silences access lines', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end('x');
  });
  const quiet = capturingLogger();
  const node = await startNode(t, { id: 'quiet', logLevel: 'warn', sites: [{ hosts: ['*'], origin: origin.url }] }, { logger: quiet.logger });
  await send(node.addresses[0]!, '/a', { headers: { traceparent: 'garbage' } });
  assert.match(String(origin.requests[0]!.headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  await sleep(100);
  assert.equal(quiet.lines.filter((line) => line.log === 'access').length, 0);
});

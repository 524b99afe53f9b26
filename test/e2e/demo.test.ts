/**
 * `meridian demo` as a newcomer meets it: started as a process on free ports, its printed
 * dig / curl / purge lines run as printed, then Ctrl-C.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { freePort } from '../helpers/ports.js';
import { freePortOnAll, spawnMeridian } from './processes.js';

function sh(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: 10_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${command}: ${err.message} ${stderr}`)) : resolve(stdout)));
  });
}

/** The printed line that starts with `prefix` (after the indentation), without its trailing comment. */
function printedLine(output: string, prefix: string, nth = 0): string {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line.startsWith(prefix));
  assert.ok(lines[nth], `the demo printed no line starting with ${JSON.stringify(prefix)}:\n${output}`);
  return lines[nth]!.replace(/\s+#.*$/, '');
}

async function demoPorts(): Promise<string[]> {
  const edge = await freePortOnAll(['127.0.1.1', '127.0.2.1', '127.0.5.1']);
  const admin = await freePortOnAll(['127.0.1.1', '127.0.2.1', '127.0.5.1']);
  return ['--dns', `127.0.0.1:${await freePort()}`, '--http', `127.0.0.1:${await freePort()}`, '--origin', `127.0.0.1:${await freePort()}`, '--edge-port', String(edge), '--admin-port', String(admin)];
}

describe('meridian demo', { timeout: 60_000 }, () => {
  it('prints working dig, curl and purge lines, and stops cleanly on Ctrl-C', async (t) => {
    const demo = spawnMeridian(['demo', ...(await demoPorts())], { REDIS_URL: '' });
    t.after(() => demo.stop('SIGKILL'));
    await demo.waitFor(/Press Ctrl-C to stop/, 40_000);
    const output = demo.output();

    // Routing by continent, with the printed dig lines.
    const euDig = printedLine(output, 'Europe').replace(/^Europe\s+/, '');
    const naDig = printedLine(output, 'North America').replace(/^North America\s+/, '');
    assert.equal((await sh(euDig)).trim(), '127.0.1.1');
    assert.equal((await sh(naDig)).trim(), '127.0.2.1');

    // The printed status page: HTML, and its JSON lists the running nodes from the registry.
    const statusUrl = printedLine(output, 'status page').replace(/^status page\s+/, '').split(/\s+/)[0]!;
    const page = await fetch(statusUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    await page.text();
    const status = (await (await fetch(new URL('/v1/status', statusUrl))).json()) as { nodes: { id: string; health: string }[] };
    for (const id of ['edge-eu', 'edge-na', 'regional-eu']) assert.ok(status.nodes.some((n) => n.id === id), `${id} on the status page`);

    // Miss, then hit, through the printed edge.
    const curl = printedLine(output, 'curl -si --resolve');
    const first = await sh(curl);
    assert.match(first, /^HTTP\/1\.1 200/);
    assert.match(first, /cache-status: .*meridian-edge-eu; fwd=uri-miss/i);
    assert.match(await sh(curl), /meridian-edge-eu; hit/i);

    // The printed purge, then a miss again.
    const purged = await sh(printedLine(output, 'curl -s -X POST'));
    assert.match(purged, /"sequence"/);
    let after = '';
    for (let i = 0; i < 50 && !/meridian-edge-eu; fwd=/i.test(after); i++) after = await sh(curl);
    assert.match(after, /meridian-edge-eu; fwd=uri-miss/i);

    // Ctrl-C: everything stops, exit 0, quickly.
    const started = Date.now();
    const code = await demo.stop('SIGINT', 10_000);
    assert.equal(code, 0, demo.output().slice(-2000));
    assert.ok(Date.now() - started < 8000, `stopped in ${Date.now() - started} ms`);
    assert.match(demo.output(), /Meridian demo stopped/);
  });

  it('says which address is taken and exits 1', async (t) => {
    const ports = await demoPorts();
    const http = ports[ports.indexOf('--http') + 1]!;
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(http.split(':')[1]), '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const demo = spawnMeridian(['demo', ...ports, '--settle', '0'], { REDIS_URL: '' });
    t.after(() => demo.stop('SIGKILL'));
    const code = await new Promise<number | null>((resolve) => demo.child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(demo.output(), /MERIDIAN_E_DEMO_LISTEN: DNS HTTP API on 127\.0\.0\.1:\d+/);
    assert.match(demo.output(), /hint: .*--http/);
  });
});

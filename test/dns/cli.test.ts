/** `meridian dns` as a process, queried with dig (a real client): flags, SIGHUP reload, shutdown. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, fromRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { removeDir } from '../helpers/redis.js';
import { dig, udpExchange, buildQuery } from './helpers.js';

async function waitForAnswer(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`meridian dns exited (${child.exitCode}): ${output()}`);
    if ((await udpExchange(port, buildQuery({ name: 'www.cdn.example.com' }), { timeoutMs: 300 })) !== undefined) return;
  }
  throw new Error(`meridian dns did not answer within 20 s: ${output()}`);
}

describe('meridian dns', () => {
  it('serves the example zones to dig over UDP and TCP, reloads on SIGHUP, stops on SIGTERM', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-dns-cli-'));
    t.after(() => removeDir(dir));
    const zoneFile = join(dir, 'cdn.example.com.zone');
    copyFileSync(fromRoot('zones', 'cdn.example.com.zone'), zoneFile);
    copyFileSync(fromRoot('test', 'dns', 'fixtures', 't.example.zone'), join(dir, 't.example.zone'));
    const port = await freePort();
    const port6 = await freePort('::1');
    const http = await freePort();
    let output = '';
    const child = spawn(process.execPath, [cliPath(), 'dns', '--zones', dir, '--listen', `127.0.0.1:${port}`, '--listen', `[::1]:${port6}`, '--http', `127.0.0.1:${http}`, '--no-watch', '--nsid', 'cli-test'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MERIDIAN_LOG_LEVEL: 'info' },
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await waitForAnswer(port, child, () => output);
    assert.match(output, /"udpIo":"batched"/, 'the native batched UDP path loaded (built by npm install)');

    const at = ['@127.0.0.1', '-p', String(port)];
    const short = await dig([...at, 'www.cdn.example.com', 'A', '+short', '+norec']);
    assert.equal(short.trim(), '192.0.2.10');
    const norec = await dig([...at, 'www.cdn.example.com', 'A', '+norec']);
    assert.match(norec, /flags: qr aa;/, 'AA set, RD not copied when not asked, RA never');
    const rec = await dig([...at, 'www.cdn.example.com', 'A']);
    assert.match(rec, /flags: qr aa rd;/);
    assert.doesNotMatch(rec, / ra[ ;]/);

    const tcp = await dig([...at, 'huge.t.example', 'A', '+tcp']);
    assert.match(tcp, /ANSWER: 100,/);
    const truncated = await dig([...at, 'big.t.example', 'A', '+bufsize=512', '+ignore']);
    assert.match(truncated, /flags: qr tc aa rd;|flags: qr aa tc rd;|tc/);
    assert.match(truncated, /ANSWER: 0,/);
    const retried = await dig([...at, 'big.t.example', 'A', '+bufsize=512']);
    assert.match(retried, /ANSWER: 40,/, 'dig retries over TCP after TC');

    const subnet = await dig([...at, 'www.cdn.example.com', 'A', '+subnet=198.51.100.0/24']);
    assert.match(subnet, /CLIENT-SUBNET: 198\.51\.100\.0\/24\/0/);
    assert.match(subnet, /udp: 1232/);
    const nsid = await dig([...at, 'www.cdn.example.com', 'A', '+nsid']);
    assert.match(nsid, /NSID: .*cli-test/);
    const cookie = await dig([...at, 'www.cdn.example.com', 'A', '+cookie']);
    assert.match(cookie, /COOKIE: [0-9a-f]{48} \(good\)/);
    const v6 = await dig(['@::1', '-p', String(port6), 'www.cdn.example.com', 'AAAA', '+short']);
    assert.equal(v6.trim(), '2001:db8::10');
    const refused = await dig([...at, 'www.example.org', 'A']);
    assert.match(refused, /status: REFUSED/);

    const metrics = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
    assert.match(metrics, /meridian_dns_queries_total\{transport="tcp",rcode="NOERROR"\} [1-9]/);
    assert.equal((await fetch(`http://127.0.0.1:${http}/healthz`)).status, 200);

    writeFileSync(zoneFile, readFileSync(zoneFile, 'utf8').replace('2026112601', '2026112602').replace(/^www\s+A\s+192\.0\.2\.10$/m, 'www A 192.0.2.77'));
    child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    let after = '';
    while (Date.now() < deadline) {
      after = (await dig([...at, 'www.cdn.example.com', 'A', '+short'])).trim();
      if (after === '192.0.2.77') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(after, '192.0.2.77', 'SIGHUP reloaded the zone');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('exits non-zero with a coded error on a bad listen address or a missing zones folder', async () => {
    const run = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [cliPath(), 'dns', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('exit', (code) => resolve({ code, stderr }));
      });
    const badListen = await run(['--zones', fromRoot('zones'), '--listen', 'localhost:53']);
    assert.notEqual(badListen.code, 0);
    assert.match(badListen.stderr, /MERIDIAN_E_DNS_LISTEN/);
    const noZones = await run(['--zones', fromRoot('no-such-folder'), '--listen', '127.0.0.1:0']);
    assert.notEqual(noZones.code, 0);
    assert.match(noZones.stderr, /MERIDIAN_E_DNS_ZONES/);
    const badMode = await run(['--zones', fromRoot('zones'), '--udp-io', 'fast']);
    assert.notEqual(badMode.code, 0);
    assert.match(badMode.stderr, /--udp-io.*Allowed choices are auto, batched, dgram/);
  });
});

/**
 * `meridian dns --udp-threads 2` as a process: the kernel spreads 32 client sockets over the
 * two threads' SO_REUSEPORT sockets, so every property below only holds for all 32 when the
 * extra thread gets it too: answers, merged metrics, SIGHUP reloads, health changes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { removeDir } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';
import { startHealthNode, twoNodeRoutingYaml } from '../routing/support.js';
import { buildQuery, decode } from './helpers.js';

const CLIENTS = 32;

const zoneFile = (www: string): string => `$ORIGIN cdn.test.
$TTL 300
@    SOA ns1 hostmaster 1 3600 600 86400 60
     NS  ns1
ns1  A   192.0.2.1
www  A   ${www}
`;

function ask(socket: Socket, port: number, name: string, id: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error(`no answer for ${name} on client port ${socket.address().port}`));
    }, 2000);
    const onMessage = (message: Buffer): void => {
      const reply = decode(message);
      if (reply.id !== id) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(reply.answers.map((r) => String(r.address)));
    };
    socket.on('message', onMessage);
    socket.send(buildQuery({ name, id }), port, '127.0.0.1');
  });
}

describe('meridian dns --udp-threads 2', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let port: number;
  let http: number;
  let sockets: Socket[];
  const nodes: Array<{ server: Server; healthy: { value: boolean } }> = [];
  let nextId = 1;

  /** The answers every client socket gets for `name`, one list per socket. */
  const askAll = (name: string): Promise<string[][]> => Promise.all(sockets.map((socket) => ask(socket, port, name, nextId++ & 0xffff)));
  const udpAnswers = async (): Promise<number> => {
    const metrics = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
    return Number(/^meridian_dns_queries_total\{transport="udp",rcode="NOERROR"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-udp-threads-'));
    const healthPort = await freePort('127.0.0.1');
    for (const host of ['127.0.0.1', '127.0.0.2']) nodes.push(await startHealthNode(host, healthPort));
    writeFileSync(join(dir, 'cdn.test.zone'), zoneFile('192.0.2.10'));
    writeFileSync(join(dir, 'cdn.test.yaml'), twoNodeRoutingYaml(healthPort, { weights: [50, 50] }));
    port = await freePort();
    http = await freePort();
    child = spawn(process.execPath, [cliPath(), 'dns', '--zones', dir, '--listen', `127.0.0.1:${port}`, '--http', `127.0.0.1:${http}`, '--udp-threads', '2', '--no-watch'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MERIDIAN_LOG_LEVEL: 'info' },
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`meridian dns exited (${child.exitCode}): ${output}`);
      return output.includes('answering UDP on 2 threads');
    }, 'the server says it answers on 2 threads', 20_000);
    // The HTTP API comes up after the threads.
    await until(() => fetch(`http://127.0.0.1:${http}/healthz`).then((r) => r.ok, () => false), 'the HTTP API answers');
    sockets = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const socket = createSocket('udp4');
        await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
        return socket;
      }),
    );
  });

  after(async () => {
    for (const socket of sockets ?? []) socket.close();
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // A clean stop is the CLI test's business; here it only must not outlive the test.
      const stuck = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(stuck);
    }
    for (const node of nodes) {
      node.server.close();
      node.server.closeAllConnections();
    }
    removeDir(dir);
  });

  it('answers every client, and /metrics counts the answers of both threads', async () => {
    const before = await udpAnswers();
    const answers = await askAll('www.cdn.test');
    assert.deepEqual(new Set(answers.map((a) => a.join())), new Set(['192.0.2.10']));
    // A thread too busy to report within its deadline is left out of one scrape, never counted twice.
    let counted = 0;
    await until(async () => (counted = (await udpAnswers()) - before) >= CLIENTS, `all ${CLIENTS} answers counted`, 5000);
    assert.equal(counted, CLIENTS, 'every answer counted once, whichever thread gave it');
  });

  it('SIGHUP reloads the zone in every thread', async () => {
    writeFileSync(join(dir, 'cdn.test.zone'), zoneFile('192.0.2.77').replace(' 1 3600', ' 2 3600'));
    child.kill('SIGHUP');
    await until(async () => (await askAll('www.cdn.test')).every((a) => a.join() === '192.0.2.77'), 'every client sees the reloaded zone');
  });

  it('a node going down leaves the answers of every thread (health comes from the main thread)', async () => {
    await until(async () => (await askAll('edge.cdn.test')).every((a) => a.length === 1), 'every client gets a routed answer');
    const first = (await askAll('edge.cdn.test')).map((a) => a[0]!);
    const chosen = first[0]!;
    assert.ok(first.every((a) => a === chosen), 'one resolver address, one rendezvous choice, in every thread');
    nodes[chosen === '127.0.0.1' ? 0 : 1]!.healthy.value = false;
    const other = chosen === '127.0.0.1' ? '127.0.0.2' : '127.0.0.1';
    await until(async () => (await askAll('edge.cdn.test')).every((a) => a.join() === other), `every client moves to ${other}`);
  });

  it('refuses more than one thread on node:dgram, and a thread count out of range', async () => {
    const run = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
      new Promise((resolve) => {
        const p = spawn(process.execPath, [cliPath(), 'dns', '--zones', dir, '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        p.once('exit', (code) => resolve({ code, stderr }));
      });
    const dgram = await run(['--udp-threads', '2', '--udp-io', 'dgram']);
    assert.notEqual(dgram.code, 0);
    assert.match(dgram.stderr, /MERIDIAN_E_DNS_CONFIG.*--udp-threads above 1 needs batched UDP/);
    const zero = await run(['--udp-threads', '0']);
    assert.notEqual(zero.code, 0);
    assert.match(zero.stderr, /--udp-threads.*must be a whole number from 1 to 64/);
  });
});

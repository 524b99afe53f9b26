/**
 * DNS benchmark: `meridian dns` (batched native UDP, and again on node:dgram) and gdnsd
 * serve the same zone side by side, each pinned to one core (taskset -c 1), dnsperf on
 * another core (taskset -c 0). Reports queries per server CPU-second (utime+stime from
 * /proc/<pid>/stat), the ratio, latency at a fixed rate (p50/p99 from dnsperf -v), and
 * meridian's resident memory. Writes bench/results/dns.json.
 *
 *   npm run bench:dns            (BENCH_SECONDS=8 BENCH_ROUNDS=3 BENCH_RATE=2000 by default)
 */
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../../test/helpers/paths.js';
import { freePort } from '../../test/helpers/ports.js';
import { stopProcess } from '../../test/helpers/processes.js';
import { dnsperf, measureRounds, type Throughput } from '../support/dnsperf.js';
import { requireTool, rssMiB, spawnPinned, waitUntilReady } from '../support/process.js';
import { runContext, writeResult } from '../support/results.js';
import { percentile } from '../support/stats.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
const SERVER_CORE = process.env.BENCH_SERVER_CORE ?? '1';
const CLIENT_CORE = process.env.BENCH_CLIENT_CORE ?? '0';

/** Static names only: A, AAAA, MX, a CNAME, a wildcard and NXDOMAIN, as a resolver farm would ask. */
const QUERIES = [
  'www.cdn.example.com A',
  'www.cdn.example.com AAAA',
  'cdn.example.com MX',
  'nope.cdn.example.com A',
  'static.cdn.example.com A',
  'mail.cdn.example.com A',
  'pic.img.cdn.example.com A',
  'missing.cdn.example.com AAAA',
  'cdn.example.com NS',
  'ns1.cdn.example.com A',
];

const ECHO_SERVER = `
const socket = require('node:dgram').createSocket('udp4');
socket.on('message', (msg, rinfo) => { msg[2] |= 0x80; socket.send(msg, rinfo.port, rinfo.address); });
socket.bind(Number(process.argv[1]), '127.0.0.1');
`;

interface Latency {
  rate: number;
  completed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
interface ServerResult {
  throughput: Throughput;
  latency: Latency;
}

async function answers(port: number): Promise<boolean> {
  const query = Buffer.from('123401000001000000000000037777770363646e076578616d706c6503636f6d0000010001', 'hex');
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(false);
    }, 300);
    socket.once('message', () => {
      clearTimeout(timer);
      socket.close();
      resolve(true);
    });
    socket.send(query, port, '127.0.0.1');
  });
}

async function latency(port: number, queryFile: string): Promise<Latency> {
  const out = await dnsperf(CLIENT_CORE, ['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(LATENCY_SECONDS), '-Q', String(RATE), '-e', '-v']);
  const samples = [...out.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
  if (samples.length === 0) throw new Error(`no latency samples: ${out.slice(-500)}`);
  const ms = (v: number): number => Number(v.toFixed(3));
  return { rate: RATE, completed: samples.length, p50Ms: ms(percentile(samples, 0.5)), p99Ms: ms(percentile(samples, 0.99)), maxMs: ms(samples.at(-1)!) };
}

async function main(): Promise<void> {
  requireTool('gdnsd', 'gdnsd');
  requireTool('dnsperf', 'dnsperf');
  requireTool('taskset', 'util-linux');
  const root = repoRoot();
  const exampleZone = join(root, 'zones', 'cdn.example.com.zone');
  const work = mkdtempSync(join(tmpdir(), 'meridian-bench-dns-'));
  const children: ChildProcess[] = [];
  try {
    const queryFile = join(work, 'queries.txt');
    writeFileSync(queryFile, QUERIES.join('\n') + '\n');
    // gdnsd: config in DIR/config, zones in DIR/zones/<zone name> (RFC 1035 files, no translation needed).
    const gdnsdDir = join(work, 'gdnsd');
    mkdirSync(join(gdnsdDir, 'zones'), { recursive: true });
    copyFileSync(exampleZone, join(gdnsdDir, 'zones', 'cdn.example.com'));
    const gdnsdPort = await freePort();
    writeFileSync(join(gdnsdDir, 'config'), `options => {\n  listen => [ 127.0.0.1:${gdnsdPort} ]\n  udp_threads => 1\n  tcp_threads => 1\n}\n`);
    const meridianPort = await freePort();
    const meridianDgramPort = await freePort();

    const startMeridian = (port: number, udpIo: string): ChildProcess =>
      spawnPinned(SERVER_CORE, process.execPath, [cliPath(), 'dns', '--zones', join(root, 'zones'), '--listen', `127.0.0.1:${port}`, '--udp-io', udpIo, '--no-watch'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, MERIDIAN_LOG_LEVEL: 'warn' },
      });
    const meridian = startMeridian(meridianPort, 'batched');
    children.push(meridian);
    const meridianDgram = startMeridian(meridianDgramPort, 'dgram');
    children.push(meridianDgram);
    const gdnsd = spawnPinned(SERVER_CORE, 'gdnsd', ['-c', gdnsdDir, 'start'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(gdnsd);
    await waitUntilReady('meridian dns', meridian, () => answers(meridianPort));
    await waitUntilReady('meridian dns --udp-io dgram', meridianDgram, () => answers(meridianDgramPort));
    await waitUntilReady('gdnsd', gdnsd, () => answers(gdnsdPort));
    const rssIdle = rssMiB(meridian.pid!);

    // The floor Node itself sets: a dgram socket that bounces each query back with QR set.
    const echoPort = await freePort();
    const echo = spawnPinned(SERVER_CORE, process.execPath, ['-e', ECHO_SERVER, String(echoPort)], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(echo);
    await waitUntilReady('node dgram echo', echo, () => answers(echoPort));

    const servers = [
      { name: 'meridian', pid: meridian.pid!, port: meridianPort, queryFile },
      { name: 'gdnsd', pid: gdnsd.pid!, port: gdnsdPort, queryFile },
      { name: 'meridian-dgram', pid: meridianDgram.pid!, port: meridianDgramPort, queryFile },
      { name: 'dgram', pid: echo.pid!, port: echoPort, queryFile },
    ];
    // A first unmeasured run warms each server up (JIT, template cache).
    const totals = await measureRounds(servers, { rounds: ROUNDS, seconds: SECONDS, warmupSeconds: 2, core: CLIENT_CORE, edns: ['-e'] });
    const results: Record<string, ServerResult> = {};
    for (const s of servers.slice(0, 3)) results[s.name] = { throughput: totals.get(s.name)!, latency: await latency(s.port, queryFile) };
    const floor = totals.get('dgram')!;
    const rss = rssMiB(meridian.pid!);

    const m = results.meridian!;
    const g = results.gdnsd!;
    const d = results['meridian-dgram']!;
    const ratio = m.throughput.perCpuSecond / g.throughput.perCpuSecond;
    const row = (name: string, r: ServerResult): string =>
      `| ${name.padEnd(14)} | ${Math.round(r.throughput.perCpuSecond).toString().padStart(10)} | ${Math.round(r.throughput.wallQps).toString().padStart(9)} | ${r.latency.p50Ms.toFixed(3).padStart(8)} | ${r.latency.p99Ms.toFixed(3).padStart(8)} |`;
    const table = [
      `| server         | q/CPU-s    | q/s wall  | p50 ms   | p99 ms   |`,
      `|----------------|------------|-----------|----------|----------|`,
      row('meridian', m),
      row('gdnsd', g),
      row('meridian-dgram', d),
      `| dgram echo     | ${Math.round(floor.perCpuSecond).toString().padStart(10)} | ${Math.round(floor.wallQps).toString().padStart(9)} |        - |        - |  (bare Node dgram, no DNS work: the per-datagram floor)`,
      '',
      `ratio meridian/gdnsd (q per server CPU-second): ${ratio.toFixed(3)}  (target >= 0.5)`,
      `ratio meridian on node:dgram/gdnsd: ${(d.throughput.perCpuSecond / g.throughput.perCpuSecond).toFixed(3)}; batched/dgram: ${(m.throughput.perCpuSecond / d.throughput.perCpuSecond).toFixed(2)}x`,
      `latency at ${RATE} q/s fixed rate; meridian dns VmRSS with the example zones: ${rssIdle.toFixed(1)} MiB idle, ${rss.toFixed(1)} MiB after the load`,
    ].join('\n');
    process.stdout.write(`${table}\n`);

    const report = {
      ...runContext(),
      settings: { seconds: SECONDS, rounds: ROUNDS, latencyRate: RATE, latencySeconds: LATENCY_SECONDS, serverCore: SERVER_CORE, clientCore: CLIENT_CORE, edns: true, queries: QUERIES },
      meridian: { ...m, rssIdleMiB: Number(rssIdle.toFixed(1)), rssAfterLoadMiB: Number(rss.toFixed(1)) },
      gdnsd: g,
      meridianDgram: d,
      nodeDgramEcho: { throughput: floor },
      ratio: Number(ratio.toFixed(3)),
      ratioDgramToGdnsd: Number((d.throughput.perCpuSecond / g.throughput.perCpuSecond).toFixed(3)),
      ratioToNodeDgramEcho: Number((m.throughput.perCpuSecond / floor.perCpuSecond).toFixed(3)),
    };
    process.stdout.write(`wrote ${writeResult('dns.json', report)}\n`);
  } finally {
    await Promise.all(children.map(stopProcess));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

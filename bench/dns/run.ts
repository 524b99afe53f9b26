/**
 * DNS benchmark: `meridian dns` and gdnsd serve the same zone side by side, each pinned
 * to one core (taskset -c 1), dnsperf on another core (taskset -c 0). Reports queries
 * per server CPU-second (utime+stime from /proc/<pid>/stat), the ratio, latency at a fixed
 * rate (p50/p99 from dnsperf -v), and meridian's resident memory. Writes
 * bench/results/dns.json.
 *
 *   npm run bench:dns            (BENCH_SECONDS=8 BENCH_ROUNDS=3 BENCH_RATE=2000 by default)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/helpers/ports.js';

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

interface Throughput {
  queries: number;
  wallSeconds: number;
  cpuSeconds: number;
  wallQps: number;
  perCpuSecond: number;
}
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

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found');
    dir = parent;
  }
  return dir;
}

function requireTool(name: string, pkg: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) throw new Error(`${name} is not installed: apt-get install ${pkg}`);
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

/** utime + stime of a whole process (all its threads), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
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

async function waitReady(name: string, port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (await answers(port)) return;
  }
  throw new Error(`${name} did not answer on port ${port} within 20 s`);
}

function dnsperf(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', CLIENT_CORE, 'dnsperf', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`dnsperf exited ${code}: ${out.slice(-500)}`))));
  });
}

function field(out: string, pattern: RegExp): number {
  const match = pattern.exec(out);
  if (!match) throw new Error(`dnsperf output lacks ${pattern}: ${out.slice(-500)}`);
  return Number(match[1]);
}

async function throughput(pid: number, port: number, queryFile: string, seconds: number): Promise<Throughput> {
  const before = cpuSeconds(pid);
  const out = await dnsperf(['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(seconds), '-c', '1', '-q', '200', '-e']);
  const cpu = cpuSeconds(pid) - before;
  const queries = field(out, /Queries completed:\s+(\d+)/);
  const wallSeconds = field(out, /Run time \(s\):\s+([\d.]+)/);
  return { queries, wallSeconds, cpuSeconds: Number(cpu.toFixed(2)), wallQps: Math.round(queries / wallSeconds), perCpuSecond: Math.round(queries / cpu) };
}

async function latency(port: number, queryFile: string): Promise<Latency> {
  const out = await dnsperf(['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(LATENCY_SECONDS), '-Q', String(RATE), '-e', '-v']);
  const samples = [...out.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
  if (samples.length === 0) throw new Error(`no latency samples: ${out.slice(-500)}`);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  const ms = (v: number): number => Number(v.toFixed(3));
  return { rate: RATE, completed: samples.length, p50Ms: ms(at(0.5)), p99Ms: ms(at(0.99)), maxMs: ms(samples.at(-1)!) };
}

function addThroughput(a: Throughput | undefined, b: Throughput): Throughput {
  if (a === undefined) return b;
  const queries = a.queries + b.queries;
  const cpuSeconds = a.cpuSeconds + b.cpuSeconds;
  const wallSeconds = a.wallSeconds + b.wallSeconds;
  return { queries, wallSeconds: Number(wallSeconds.toFixed(2)), cpuSeconds: Number(cpuSeconds.toFixed(2)), wallQps: Math.round(queries / wallSeconds), perCpuSecond: Math.round(queries / cpuSeconds) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  requireTool('gdnsd', 'gdnsd');
  requireTool('dnsperf', 'dnsperf');
  requireTool('taskset', 'util-linux');
  const root = repoRoot();
  const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
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

    const meridian = spawn('taskset', ['-c', SERVER_CORE, process.execPath, cli, 'dns', '--zones', join(root, 'zones'), '--listen', `127.0.0.1:${meridianPort}`, '--no-watch'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MERIDIAN_LOG_LEVEL: 'warn' },
    });
    children.push(meridian);
    const gdnsd = spawn('taskset', ['-c', SERVER_CORE, 'gdnsd', '-c', gdnsdDir, 'start'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(gdnsd);
    await waitReady('meridian dns', meridianPort, meridian);
    await waitReady('gdnsd', gdnsdPort, gdnsd);
    const rssIdle = rssMiB(meridian.pid!);

    // The floor Node itself sets: a dgram socket that bounces each query back with QR set.
    const echoPort = await freePort();
    const echo = spawn('taskset', ['-c', SERVER_CORE, process.execPath, '-e', ECHO_SERVER, String(echoPort)], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(echo);
    await waitReady('node dgram echo', echoPort, echo);

    const servers = [
      { name: 'meridian', pid: meridian.pid!, port: meridianPort },
      { name: 'gdnsd', pid: gdnsd.pid!, port: gdnsdPort },
      { name: 'dgram', pid: echo.pid!, port: echoPort },
    ];
    // Warm up (JIT, template cache) before anything is measured.
    for (const s of servers) await throughput(s.pid, s.port, queryFile, 2);
    const totals = new Map<string, Throughput>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of servers) {
        const t = await throughput(s.pid, s.port, queryFile, SECONDS);
        process.stderr.write(`round ${round + 1} ${s.name}: ${t.queries} queries, ${t.cpuSeconds.toFixed(2)} CPU-s, ${Math.round(t.perCpuSecond)} q/CPU-s\n`);
        totals.set(s.name, addThroughput(totals.get(s.name), t));
      }
    }
    const results: Record<string, ServerResult> = {};
    for (const s of servers.slice(0, 2)) results[s.name] = { throughput: totals.get(s.name)!, latency: await latency(s.port, queryFile) };
    const floor = totals.get('dgram')!;
    const rss = rssMiB(meridian.pid!);

    const m = results.meridian!;
    const g = results.gdnsd!;
    const ratio = m.throughput.perCpuSecond / g.throughput.perCpuSecond;
    const row = (name: string, r: ServerResult): string =>
      `| ${name.padEnd(8)} | ${Math.round(r.throughput.perCpuSecond).toString().padStart(10)} | ${Math.round(r.throughput.wallQps).toString().padStart(9)} | ${r.latency.p50Ms.toFixed(3).padStart(8)} | ${r.latency.p99Ms.toFixed(3).padStart(8)} |`;
    const table = [
      `| server   | q/CPU-s    | q/s wall  | p50 ms   | p99 ms   |`,
      `|----------|------------|-----------|----------|----------|`,
      row('meridian', m),
      row('gdnsd', g),
      `| dgram    | ${Math.round(floor.perCpuSecond).toString().padStart(10)} | ${Math.round(floor.wallQps).toString().padStart(9)} |        - |        - |  (bare Node echo, no DNS work: the floor)`,
      '',
      `ratio meridian/gdnsd (q per server CPU-second): ${ratio.toFixed(3)}  (target >= 0.5)`,
      `ratio meridian/bare Node dgram echo: ${(m.throughput.perCpuSecond / floor.perCpuSecond).toFixed(3)}  (what the Node UDP path leaves to gain)`,
      `latency at ${RATE} q/s fixed rate; meridian dns VmRSS with the example zones: ${rssIdle.toFixed(1)} MiB idle, ${rss.toFixed(1)} MiB after the load`,
    ].join('\n');
    process.stdout.write(`${table}\n`);

    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadAverage: (await import('node:os')).loadavg(),
      settings: { seconds: SECONDS, rounds: ROUNDS, latencyRate: RATE, latencySeconds: LATENCY_SECONDS, serverCore: SERVER_CORE, clientCore: CLIENT_CORE, edns: true, queries: QUERIES },
      meridian: { ...m, rssIdleMiB: Number(rssIdle.toFixed(1)), rssAfterLoadMiB: Number(rss.toFixed(1)) },
      gdnsd: g,
      nodeDgramEcho: { throughput: floor },
      ratio: Number(ratio.toFixed(3)),
      ratioToNodeDgramEcho: Number((m.throughput.perCpuSecond / floor.perCpuSecond).toFixed(3)),
    };
    const out = join(root, 'bench', 'results', 'dns.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await Promise.all(children.map(stop));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

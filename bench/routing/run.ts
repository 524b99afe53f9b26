/**
 * Routing benchmark, three parts:
 *  1. decision latency in process: RoutingEngine.resolve() for ECS clients from every test
 *     region (p50/p99/max over many decisions);
 *  2. routed answers per server CPU-second: dnsperf with an ECS option asking a routed name
 *     of `meridian dns` and, in the same run, gdnsd's geoip plugin and PowerDNS's LUA records
 *     (./powerdns.ts) serving the same mapping from the same committed test GeoIP DB
 *     (geo-data/test-city.mmdb); each server pinned to one core, dnsperf on another (as bench/dns);
 *  3. failover: a real HTTP node's health endpoint stops answering; how long until
 *     `meridian dns` stops handing it out (with the default probe settings).
 * Writes bench/results/routing.json.
 *
 *   npm run bench:routing      (BENCH_SECONDS=10 BENCH_ROUNDS=2 by default)
 *
 * Needs the Debian packages gdnsd, dnsperf, and pdns-server, pdns-backend-bind, pdns-backend-geoip
 * (benchmark only: .ci/run installs what the tests need, not these).
 */
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGeoLocator, loadCoverageFile, openGeoIpDatabase } from '../../src/geo/index.js';
import { parseRoutingFile, RoutingEngine } from '../../src/routing/index.js';
import { cliPath, repoRoot } from '../../test/helpers/paths.js';
import { freePort } from '../../test/helpers/ports.js';
import { stopProcess } from '../../test/helpers/processes.js';
import { measureRounds } from '../support/dnsperf.js';
import { requireTool, spawnPinned, waitUntilReady } from '../support/process.js';
import { runContext, writeResult } from '../support/results.js';
import { percentile } from '../support/stats.js';
import { writePowerdnsConfig } from './powerdns.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 200_000);
const SERVER_CORE = process.env.BENCH_SERVER_CORE ?? '1';
const CLIENT_CORE = process.env.BENCH_CLIENT_CORE ?? '0';
/** The ECS client dnsperf sends: a /24 in the test DB's Frankfurt range (pool eu, two weighted nodes). */
const ECS_NET = [81, 3, 4];
const ECS_OPTION = `8:00011800${ECS_NET.map((b) => b.toString(16).padStart(2, '0')).join('')}`;
/** The addresses of pool eu, the answer ECS_NET must get. */
const EU_POOL = ['127.0.1.1', '127.0.1.2'];

/** The routing records the benchmark serves: the example's mapping, health-checked against local nodes. */
function routingYaml(healthPort: number): string {
  return `
edge:
  type: A
  ttl: 60
  values: [127.0.1.1, 127.0.2.1]
  dynamic:
    pools:
      eu:
        fallback: na
        values:
          - { value: 127.0.1.1, weight: 3 }
          - { value: 127.0.1.2, weight: 1 }
      na:
        values:
          - { value: 127.0.2.1 }
          - { value: 127.0.2.2 }
      as:
        fallback: eu
        values:
          - { value: 127.0.3.1 }
          - { value: 127.0.3.2 }
    rules:
      - geos: [AS, OC]
        pool: as
      - geos: [EU, AF]
        pool: eu
      - pool: na
  octodns:
    healthcheck: { host: edge.cdn.example.com, path: /_meridian/health, port: ${healthPort}, protocol: HTTP }
  meridian:
    ttl: { max: 60, min: 10 }
`;
}

/** gdnsd's geoip plugin with the same mapping (continents → ordered datacenters) and the same DB. */
function gdnsdConfig(port: number, mmdb: string): string {
  return `options => {
  listen => [ 127.0.0.1:${port} ]
  udp_threads => 1
  tcp_threads => 1
}
plugins => {
  geoip => {
    maps => {
      edge_map => {
        geoip2_db => ${mmdb}
        datacenters => [na, eu, as]
        map => {
          EU => [eu, na]
          AF => [eu, na]
          AS => [as, eu]
          OC => [as, eu]
          default => [na, eu]
        }
      }
    }
    resources => {
      edge => {
        map => edge_map
        service_types => up
        dcmap => {
          eu => [ 127.0.1.1, 127.0.1.2 ]
          na => [ 127.0.2.1, 127.0.2.2 ]
          as => [ 127.0.3.1, 127.0.3.2 ]
        }
      }
    }
  }
}
`;
}

function query(name: string, ecs?: readonly number[]): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, ecs ? 1 : 0]);
  const question = Buffer.concat([...labels, Buffer.from([0, 0, 1, 0, 1])]);
  if (!ecs) return Buffer.concat([header, question]);
  const option = Buffer.from([0, 8, 0, 7, 0, 1, 24, 0, ...ecs]);
  const opt = Buffer.concat([Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, option.length]), option]);
  return Buffer.concat([header, question, opt]);
}

/** The A records of one UDP answer, or undefined on timeout. */
async function ask(port: number, name: string, ecs?: readonly number[]): Promise<string[] | undefined> {
  const socket = createSocket('udp4');
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 500);
      socket.once('message', (msg) => {
        clearTimeout(timer);
        resolve(parseAnswers(msg));
      });
      socket.send(query(name, ecs), port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

function parseAnswers(msg: Buffer): string[] {
  const count = msg.readUInt16BE(6);
  let offset = 12;
  while (msg[offset] !== 0) offset += msg[offset]! + 1;
  offset += 5;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if ((msg[offset]! & 0xc0) === 0xc0) offset += 2;
    else {
      while (msg[offset] !== 0) offset += msg[offset]! + 1;
      offset++;
    }
    const type = msg.readUInt16BE(offset);
    const length = msg.readUInt16BE(offset + 8);
    if (type === 1) out.push([...msg.subarray(offset + 10, offset + 14)].join('.'));
    offset += 10 + length;
  }
  return out;
}

/** Whether the server answers the routed name with at least one address. */
async function answersRouted(port: number): Promise<boolean> {
  const answers = await ask(port, 'edge.cdn.example.com', ECS_NET);
  return answers !== undefined && answers.length > 0;
}

/** Health endpoints of the six nodes on one port; `hang` makes one stop answering (no response at all). */
async function startNodes(port: number): Promise<{ servers: Server[]; hang: Set<string> }> {
  const hang = new Set<string>();
  const servers: Server[] = [];
  for (const host of ['127.0.1.1', '127.0.1.2', '127.0.2.1', '127.0.2.2', '127.0.3.1', '127.0.3.2']) {
    const server = createServer((req, res) => {
      if (hang.has(host)) return;
      res.writeHead(req.url === '/_meridian/health' ? 200 : 404).end('ok');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
  }
  return { servers, hang };
}

async function decisionLatency(root: string): Promise<{ decisions: number; p50Us: number; p99Us: number; maxUs: number }> {
  const geoip = await openGeoIpDatabase(join(root, 'geo-data', 'test-city.mmdb'), { watch: false });
  const coverage = await loadCoverageFile(join(root, 'geo-data', 'coverage.yaml'));
  const zone = parseRoutingFile(routingYaml(8080), 'cdn.example.com.yaml').zone!;
  const engine = new RoutingEngine({ zones: [zone], geo: createGeoLocator({ geoip, coverage }) });
  const firstOctets = [81, 82, 83, 12, 13, 24, 126, 175, 177, 101, 41, 5];
  const questions = Array.from({ length: 4096 }, (_, i) => ({
    name: 'edge.cdn.example.com',
    type: 1,
    zone: 'cdn.example.com',
    clientAddress: '192.0.2.53',
    ecs: { family: 1 as const, sourcePrefix: 24, address: `${firstOctets[i % firstOctets.length]}.${(i * 7) & 255}.${(i >> 4) & 255}.0` },
  }));
  for (let i = 0; i < 50_000; i++) engine.resolve(questions[i & 4095]!);
  const samples = new Float64Array(DECISIONS);
  for (let i = 0; i < DECISIONS; i++) {
    const start = process.hrtime.bigint();
    engine.resolve(questions[i & 4095]!);
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  geoip.close();
  samples.sort();
  return { decisions: DECISIONS, p50Us: percentile(samples, 0.5), p99Us: percentile(samples, 0.99), maxUs: samples[samples.length - 1]! };
}

async function main(): Promise<void> {
  requireTool('gdnsd', 'gdnsd');
  requireTool('pdns_server', 'pdns-server pdns-backend-bind pdns-backend-geoip');
  requireTool('dnsperf', 'dnsperf');
  requireTool('taskset', 'util-linux');
  const root = repoRoot();
  const mmdb = join(root, 'geo-data', 'test-city.mmdb');

  const decision = await decisionLatency(root);
  process.stderr.write(`decision latency over ${decision.decisions}: p50 ${decision.p50Us.toFixed(1)} µs, p99 ${decision.p99Us.toFixed(1)} µs, max ${decision.maxUs.toFixed(0)} µs\n`);

  const work = mkdtempSync(join(tmpdir(), 'meridian-bench-routing-'));
  const children: ChildProcess[] = [];
  const healthPort = await freePort();
  const nodes = await startNodes(healthPort);
  try {
    const zonesDir = join(work, 'zones');
    mkdirSync(zonesDir);
    copyFileSync(join(root, 'zones', 'cdn.example.com.zone'), join(zonesDir, 'cdn.example.com.zone'));
    writeFileSync(join(zonesDir, 'cdn.example.com.yaml'), routingYaml(healthPort));
    const queryFile = join(work, 'queries.txt');
    writeFileSync(queryFile, 'edge.cdn.example.com A\n');
    // The same server answering a static name with the same ECS option: what routing itself costs.
    const staticFile = join(work, 'static.txt');
    writeFileSync(staticFile, 'www.cdn.example.com A\n');

    const gdnsdDir = join(work, 'gdnsd');
    mkdirSync(join(gdnsdDir, 'zones'), { recursive: true });
    const zoneText = readFileSync(join(root, 'zones', 'cdn.example.com.zone'), 'utf8');
    writeFileSync(join(gdnsdDir, 'zones', 'cdn.example.com'), `${zoneText}\nedge 60 DYNA geoip!edge\n`);
    const gdnsdPort = await freePort();
    writeFileSync(join(gdnsdDir, 'config'), gdnsdConfig(gdnsdPort, mmdb));
    const powerdnsPort = await freePort();
    const powerdnsArgs = writePowerdnsConfig(join(work, 'powerdns'), { port: powerdnsPort, mmdb, zoneText });
    const meridianPort = await freePort();

    const meridian = spawnPinned(SERVER_CORE, process.execPath, [cliPath(), 'dns', '--zones', zonesDir, '--listen', `127.0.0.1:${meridianPort}`, '--geoip', mmdb, '--udp-io', 'batched', '--no-watch'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MERIDIAN_LOG_LEVEL: 'warn' },
    });
    children.push(meridian);
    const gdnsd = spawnPinned(SERVER_CORE, 'gdnsd', ['-c', gdnsdDir, 'start'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let gdnsdLog = '';
    gdnsd.stderr!.on('data', (d: Buffer) => (gdnsdLog += d.toString()));
    children.push(gdnsd);
    const powerdns = spawnPinned(SERVER_CORE, 'pdns_server', powerdnsArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    let powerdnsLog = '';
    powerdns.stderr!.on('data', (d: Buffer) => (powerdnsLog += d.toString()));
    children.push(powerdns);
    await waitUntilReady('meridian dns', meridian, () => answersRouted(meridianPort));
    await waitUntilReady('gdnsd geoip', gdnsd, () => answersRouted(gdnsdPort)).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${gdnsdLog.slice(-2000)}`);
    });
    await waitUntilReady('powerdns lua', powerdns, () => answersRouted(powerdnsPort)).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${powerdnsLog.slice(-2000)}`);
    });
    const sample = {
      meridian: await ask(meridianPort, 'edge.cdn.example.com', ECS_NET),
      gdnsd: await ask(gdnsdPort, 'edge.cdn.example.com', ECS_NET),
      powerdns: await ask(powerdnsPort, 'edge.cdn.example.com', ECS_NET),
    };
    process.stderr.write(`ECS ${ECS_NET.join('.')}.0/24 → meridian ${sample.meridian?.join(',')}, gdnsd ${sample.gdnsd?.join(',')}, powerdns ${sample.powerdns?.join(',')}\n`);
    // A LUA record that fell through to its catch-all (no location, no ECS) would still answer: check it routed.
    if (!sample.powerdns?.length || !sample.powerdns.every((a) => EU_POOL.includes(a))) {
      throw new Error(`powerdns answered ECS ${ECS_NET.join('.')}.0/24 with ${sample.powerdns?.join(',')}, not pool eu (${EU_POOL.join(',')})\n${powerdnsLog.slice(-2000)}`);
    }

    const servers = [
      { name: 'meridian', pid: meridian.pid!, port: meridianPort, queryFile },
      { name: 'gdnsd', pid: gdnsd.pid!, port: gdnsdPort, queryFile },
      { name: 'powerdns-lua', pid: powerdns.pid!, port: powerdnsPort, queryFile },
      { name: 'meridian-static', pid: meridian.pid!, port: meridianPort, queryFile: staticFile },
    ];
    const totals = await measureRounds(servers, { rounds: ROUNDS, seconds: SECONDS, warmupSeconds: 2, core: CLIENT_CORE, edns: ['-E', ECS_OPTION] });
    const m = totals.get('meridian')!;
    const g = totals.get('gdnsd')!;
    const p = totals.get('powerdns-lua')!;
    const st = totals.get('meridian-static')!;
    const ratio = m.perCpuSecond / g.perCpuSecond;
    const ratioToPowerdns = m.perCpuSecond / p.perCpuSecond;

    // Failover: the node this ECS client is answered with stops answering its health checks.
    const victim = (await ask(meridianPort, 'edge.cdn.example.com', ECS_NET))![0]!;
    nodes.hang.add(victim);
    const started = Date.now();
    let failoverMs = Number.NaN;
    while (Date.now() - started < 30_000) {
      const answers = await ask(meridianPort, 'edge.cdn.example.com', ECS_NET);
      if (answers && answers.length > 0 && !answers.includes(victim)) {
        failoverMs = Date.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = await ask(meridianPort, 'edge.cdn.example.com', ECS_NET);

    const lines = [
      `| server          | routed q/CPU-s |`,
      `|-----------------|----------------|`,
      `| meridian dns    | ${Math.round(m.perCpuSecond).toString().padStart(14)} |`,
      `| gdnsd geoip     | ${Math.round(g.perCpuSecond).toString().padStart(14)} |`,
      `| powerdns lua    | ${Math.round(p.perCpuSecond).toString().padStart(14)} |`,
      `| meridian static | ${Math.round(st.perCpuSecond).toString().padStart(14)} |  (www, same ECS: the server without routing)`,
      '',
      `ratio meridian/gdnsd geoip (routed q per server CPU-second): ${ratio.toFixed(3)}  (target >= 0.5)`,
      `ratio meridian/powerdns-lua (routed q per server CPU-second): ${ratioToPowerdns.toFixed(3)}`,
      `routed/static on the same meridian server: ${(m.perCpuSecond / st.perCpuSecond).toFixed(3)}`,
      `decision latency (in process, ${decision.decisions} decisions): p50 ${decision.p50Us.toFixed(1)} µs, p99 ${decision.p99Us.toFixed(1)} µs (target p99 < 1000 µs)`,
      `failover: ${victim} stopped answering health checks; gone from answers after ${(failoverMs / 1000).toFixed(2)} s (now ${after?.join(',')}); clients also wait out at most one TTL (60 s, 10 s while changing)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const report = {
      ...runContext(),
      settings: { seconds: SECONDS, rounds: ROUNDS, serverCore: SERVER_CORE, clientCore: CLIENT_CORE, ecs: `${ECS_NET.join('.')}.0/24`, decisions: DECISIONS },
      decisionLatencyUs: { p50: decision.p50Us, p99: decision.p99Us, max: decision.maxUs },
      meridian: m,
      gdnsdGeoip: g,
      powerdnsLua: p,
      meridianStatic: st,
      ratio: Number(ratio.toFixed(3)),
      ratioToPowerdnsLua: Number(ratioToPowerdns.toFixed(3)),
      routedToStatic: Number((m.perCpuSecond / st.perCpuSecond).toFixed(3)),
      failover: { node: victim, seconds: Number((failoverMs / 1000).toFixed(2)), probe: 'defaults: interval 1 s, timeout 0.75 s, down after 3 failures' },
    };
    process.stdout.write(`wrote ${writeResult('routing.json', report)}\n`);
  } finally {
    await Promise.all(children.map(stopProcess));
    for (const server of nodes.servers) {
      server.closeAllConnections();
      server.close();
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

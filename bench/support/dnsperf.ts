/**
 * dnsperf (DNS-OARC) as the load generator of the DNS benchmarks: one client on its own
 * core, the server's CPU time read around the run, so throughput is queries per server CPU-second.
 */
import { cpuSeconds, runForOutput } from './process.js';

export interface Throughput {
  queries: number;
  wallSeconds: number;
  cpuSeconds: number;
  wallQps: number;
  perCpuSecond: number;
}

export interface DnsperfServer {
  pid: number;
  port: number;
}

export interface ThroughputOptions {
  queryFile: string;
  seconds: number;
  /** The core dnsperf is pinned to (taskset -c). */
  core: string;
  /** EDNS arguments: `-e` for plain EDNS0, `-E code:hex` to add an option such as ECS. */
  edns: readonly string[];
}

/** Runs dnsperf pinned to `core` and returns everything it printed. */
export function dnsperf(core: string, args: readonly string[]): Promise<string> {
  return runForOutput('taskset', ['-c', core, 'dnsperf', ...args]);
}

/** The number a pattern's first group captures in dnsperf's output. */
function outputField(out: string, pattern: RegExp): number {
  const match = pattern.exec(out);
  if (!match) throw new Error(`dnsperf output lacks ${pattern}: ${out.slice(-500)}`);
  return Number(match[1]);
}

function throughputOf(queries: number, wallSeconds: number, cpu: number): Throughput {
  return {
    queries,
    wallSeconds: Number(wallSeconds.toFixed(2)),
    cpuSeconds: Number(cpu.toFixed(2)),
    wallQps: Math.round(queries / wallSeconds),
    perCpuSecond: Math.round(queries / cpu),
  };
}

/** The sum of two runs (rounds of the same server), `a` absent for the first. */
function addThroughput(a: Throughput | undefined, b: Throughput): Throughput {
  if (a === undefined) return b;
  return throughputOf(a.queries + b.queries, a.wallSeconds + b.wallSeconds, a.cpuSeconds + b.cpuSeconds);
}

/** As many queries as one client with 200 outstanding gets answered in `seconds`, with the server's CPU time. */
export async function measureThroughput(server: DnsperfServer, options: ThroughputOptions): Promise<Throughput> {
  const before = cpuSeconds(server.pid);
  const out = await dnsperf(options.core, ['-s', '127.0.0.1', '-p', String(server.port), '-d', options.queryFile, '-l', String(options.seconds), '-c', '1', '-q', '200', ...options.edns]);
  const cpu = cpuSeconds(server.pid) - before;
  return throughputOf(outputField(out, /Queries completed:\s+(\d+)/), outputField(out, /Run time \(s\):\s+([\d.]+)/), cpu);
}

export interface NamedServer extends DnsperfServer {
  name: string;
  queryFile: string;
}

export interface RoundsOptions extends Omit<ThroughputOptions, 'queryFile'> {
  rounds: number;
  /** A first unmeasured run per server (JIT, caches), in seconds. */
  warmupSeconds: number;
}

/**
 * Throughput of each server summed over `rounds`, the servers taking turns within each round
 * so a burst of unrelated load on a shared machine penalises one round, not one server.
 */
export async function measureRounds(servers: readonly NamedServer[], options: RoundsOptions): Promise<Map<string, Throughput>> {
  for (const s of servers) await measureThroughput(s, { ...options, queryFile: s.queryFile, seconds: options.warmupSeconds });
  const totals = new Map<string, Throughput>();
  for (let round = 0; round < options.rounds; round++) {
    for (const s of servers) {
      const t = await measureThroughput(s, { ...options, queryFile: s.queryFile });
      process.stderr.write(`round ${round + 1} ${s.name}: ${t.queries} queries, ${t.cpuSeconds.toFixed(2)} CPU-s, ${t.perCpuSecond} q/CPU-s\n`);
      totals.set(s.name, addThroughput(totals.get(s.name), t));
    }
  }
  return totals;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitForPort } from '../helpers/ports.js';
import { stopProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { startTcpLink, type TcpLink } from './tcp-link.js';

export interface RedisSentinel {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  /** The address Sentinel currently reports as primary. */
  primaryPort(): Promise<number>;
  stop(): Promise<void>;
}

export interface SentinelOptions {
  name?: string;
  /** How long the primary must be silent before Sentinel calls it down (Redis default 30 s; tests use ~1 s). */
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

/** A real Sentinel (`redis-server --sentinel`, quorum 1) watching a primary started by the caller. */
export async function startSentinel(primaryPort: number, options: SentinelOptions = {}): Promise<RedisSentinel> {
  const name = options.name ?? 'meridian-primary';
  const dir = mkdtempSync(join(tmpdir(), 'meridian-sentinel-'));
  const port = await freePort();
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 1`,
    `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 5000}`,
    `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 180_000}`,
    '',
  ].join('\n'));
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  await waitForPort(port, { name: 'redis sentinel', child });
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  return {
    sentinels: [{ host: '127.0.0.1', port }],
    name,
    primaryPort: async () => Number(((await admin.call('SENTINEL', 'get-master-addr-by-name', name)) as string[])[1]),
    stop: async () => {
      admin.disconnect();
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One redis-server of a replicated set: can crash (SIGKILL), unlike test/helpers/redis.ts. */
export interface RedisMember {
  port: number;
  admin: Redis;
  /** Crash it: no shutdown, no last write, as a power cut. */
  kill(): Promise<void>;
}

export interface ReplicatedRedis {
  primary: RedisMember;
  replicas: RedisMember[];
  /** replicas[i] replicates through links[i], which can be cut like a network partition. */
  links: TcpLink[];
  sentinel: RedisSentinel;
  stop(): Promise<void>;
}

/**
 * A primary, `replicas` replicas (`--replicaof`, each through a TcpLink) and one Sentinel
 * that already knows them all. Sentinel re-points a replica that replicates from another
 * address than the primary's (the link) only after failover-timeout of calm: keep that
 * longer than the test.
 */
export async function startReplicatedRedis(options: SentinelOptions & { replicas?: number } = {}): Promise<ReplicatedRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-replicated-'));
  const members: RedisMember[] = [];
  const children: ChildProcess[] = [];
  const links: TcpLink[] = [];
  let sentinel: RedisSentinel | undefined;
  const stop = async (): Promise<void> => {
    for (const member of members) member.admin.disconnect();
    await sentinel?.stop();
    await Promise.all(links.map((link) => link.close()));
    await Promise.all(children.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  };
  const launch = async (extra: string[]): Promise<RedisMember> => {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: 'ignore' });
    children.push(child);
    await waitForPort(port, { name: 'redis-server', timeoutMs: 5000, child });
    const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    admin.on('error', () => {});
    const member: RedisMember = {
      port,
      admin,
      kill: () =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    };
    members.push(member);
    return member;
  };
  try {
    // No 5 s wait for more replicas before the first full sync (Redis's default).
    const primary = await launch(['--repl-diskless-sync-delay', '0']);
    const replicas: RedisMember[] = [];
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      const link = await startTcpLink(primary.port);
      links.push(link);
      replicas.push(await launch(['--replicaof', '127.0.0.1', String(link.port)]));
    }
    // Sentinel learns the replicas from the primary's INFO: start it once they are attached, so it knows them at once.
    await until(async () => replicaCount(await primary.admin.info('replication')) === replicas.length, 'the replicas to attach');
    for (const replica of replicas) {
      await until(async () => (await replica.admin.info('replication')).includes('master_link_status:up'), 'the replicas to finish their first sync');
    }
    sentinel = await startSentinel(primary.port, options);
    const watcher = new Redis({ ...sentinel.sentinels[0]!, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await until(async () => ((await watcher.call('SENTINEL', 'replicas', sentinel!.name)) as unknown[]).length === replicas.length, 'Sentinel to know the replicas');
    } finally {
      watcher.disconnect();
    }
    return { primary, replicas, links, sentinel, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function replicaCount(info: string): number {
  return Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0);
}

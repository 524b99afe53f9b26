import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from '../helpers/ports.js';
import { stopProcess } from '../helpers/processes.js';

const run = promisify(execFile);

export interface RedisCluster {
  nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

/** A real three-primary Redis Cluster on free loopback ports (redis-server + redis-cli --cluster create). */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      ports.push(port);
      children.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'], { stdio: 'ignore' }));
    }
    await Promise.all(ports.map((port, i) => waitForPort(port, { name: 'redis-server', child: children[i] })));
    const deadline = Date.now() + 10_000;
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    // Wait until every node reports the cluster as ok (slots assigned and gossiped).
    for (const port of ports) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        if (/cluster_state:ok/.test(stdout)) break;
        if (Date.now() > deadline + 20_000) throw new Error('cluster did not become ok');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../helpers/ports.js';
import { stopProcess } from '../helpers/processes.js';

export interface RedisSentinel {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  stop(): Promise<void>;
}

/** A real Sentinel (`redis-server --sentinel`) watching a primary started by the caller. */
export async function startSentinel(primaryPort: number, name = 'meridian-primary'): Promise<RedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-sentinel-'));
  const port = await freePort();
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${name} 127.0.0.1 ${primaryPort} 1\nsentinel down-after-milliseconds ${name} 5000\n`);
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  await waitForPort(port, { name: 'redis sentinel', child });
  return {
    sentinels: [{ host: '127.0.0.1', port }],
    name,
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

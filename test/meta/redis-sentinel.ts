import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from '../helpers/ports.js';

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
  const deadline = Date.now() + 10_000;
  await new Promise<void>((resolve, reject) => {
    const poll = (): void => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(); });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`sentinel did not listen on ${port}`));
        else setTimeout(poll, 25);
      });
    };
    poll();
  });
  return {
    sentinels: [{ host: '127.0.0.1', port }],
    name,
    stop: async () => {
      if (child.exitCode === null) await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

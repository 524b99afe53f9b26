import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from './ports.js';

export interface RedisProcess {
  url: string;
  port: number;
  /** Stop the server (SIGTERM, then wait). Data in memory is lost, as with a crash. */
  stop(): Promise<void>;
  /** Start it again on the same port. */
  restart(): Promise<void>;
}

/**
 * A real `redis-server` on a free loopback port, without persistence. Fails loudly when
 * redis-server is not installed: .ci/run installs it, and a silent skip would hide that.
 */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'meridian-redis-'));
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    const spawned = child;
    await new Promise<void>((resolve, reject) => {
      spawned.once('error', (err) => reject(new Error(`cannot start redis-server (is it installed? apt-get install redis-server): ${err.message}`)));
      const deadline = Date.now() + 5000;
      const poll = (): void => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => { socket.destroy(); resolve(); });
        socket.once('error', () => {
          socket.destroy();
          if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port} within 5 s`));
          else setTimeout(poll, 25);
        });
      };
      poll();
    });
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stop();
    },
    restart: launch,
  };
}

/** Remove a temp dir made by a helper; ignores errors so cleanup never masks a test failure. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

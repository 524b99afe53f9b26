import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';
import { stopProcess } from './processes.js';

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
    await waitForPort(port, { name: 'redis-server', timeoutMs: 5000, child }).catch((err: unknown) => {
      throw new Error(`cannot start redis-server (is it installed? apt-get install redis-server): ${err instanceof Error ? err.message : String(err)}`);
    });
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await stopProcess(running);
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

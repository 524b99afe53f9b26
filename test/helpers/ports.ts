import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** A port that is free for both TCP and UDP on the given host right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, host, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free TCP+UDP port found after 20 attempts');
}

export interface WaitForPortOptions {
  host?: string;
  /** Give up after this long; 10 s by default. */
  timeoutMs?: number;
  /** What is expected to listen, for the error message. */
  name?: string;
  /** The process that should open the port: when it fails to start or exits, stop waiting. */
  child?: ChildProcess;
}

/** Resolves once a TCP connection to host:port succeeds: a server started in another process is up. */
export function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { host = '127.0.0.1', timeoutMs = 10_000, name = 'the server', child } = options;
  const deadline = Date.now() + timeoutMs;
  let spawnError: Error | undefined;
  child?.once('error', (err) => (spawnError = err));
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (spawnError) return reject(spawnError);
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        return reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before listening on ${host}:${port}`));
      }
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`${name} did not listen on ${host}:${port} within ${timeoutMs / 1000} s`));
        else setTimeout(poll, 25);
      });
    };
    poll();
  });
}

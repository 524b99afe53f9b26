/** Real processes for the end-to-end tests: the compiled CLI as children, dig, plain HTTP. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { cliPath, repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';

export interface MeridianProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  /** Resolves when a line matching `pattern` was printed (rejects on exit or after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM (or the given signal), then the exit code; SIGKILL after killAfterMs. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
}

export function spawnMeridian(args: string[], env: Record<string, string> = {}): MeridianProcess {
  const child = spawn(process.execPath, [cliPath(), ...args], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MERIDIAN_LOG_LEVEL: 'info', ...env },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (data: Buffer): void => {
    output += data.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const done = (err?: Error): void => {
          listeners.delete(check);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        const check = (): void => {
          if (pattern.test(output)) done();
        };
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms from meridian ${args[0]}:\n${output.slice(-4000)}`)), timeoutMs);
        void exited.then((code) => {
          if (!pattern.test(output)) done(new Error(`meridian ${args[0]} exited (${code}) before printing ${pattern}:\n${output.slice(-4000)}`));
        });
        listeners.add(check);
        check();
      }),
    stop: async (signal = 'SIGTERM', killAfterMs = 5000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Run the CLI to completion. */
export function runMeridian(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath(), ...args], { cwd: repoRoot(), timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `dig +short` for an A record with an ECS subnet; the answers, sorted. */
export function digA(server: string, port: number, name: string, subnet: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('dig', [`@${server}`, '-p', String(port), name, 'A', `+subnet=${subnet}`, '+short', '+tries=1', '+time=1'], { timeout: 5000 }, (err, stdout) => {
      if (err) reject(new Error(`dig failed (is dnsutils installed?): ${err.message}`));
      else resolve(stdout.split('\n').map((line) => line.trim()).filter((line) => /^\d+\.\d+\.\d+\.\d+$/.test(line)).sort());
    });
  });
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET to `http://address:port/path` with the given Host: what curl --resolve does. */
export function httpGet(hostPort: string, path: string, host: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  const [address, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, method: 'GET', headers: { host, ...headers }, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${hostPort}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The Cache-Status member a node added (`meridian-<id>; ...`), or '' when it is absent. */
export function cacheStatusOf(result: HttpResult, nodeId: string): string {
  const header = String(result.headers['cache-status'] ?? '');
  return header.split(/,\s*/).find((member) => member.startsWith(`meridian-${nodeId};`) || member === `meridian-${nodeId}`) ?? '';
}

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** One port free on every listed host (the edges share a port on distinct loopback addresses). */
export async function freePortOnAll(hosts: string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort(hosts[0]);
    const free = await Promise.all(hosts.slice(1).map((host) => tcpFree(host, port)));
    if (free.every(Boolean)) return port;
  }
  throw new Error(`no port free on all of ${hosts.join(', ')}`);
}

/** Poll `probe` until it returns true; the elapsed ms, or an error after timeoutMs. */
export async function pollUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

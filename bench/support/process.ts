/**
 * Processes a benchmark starts and measures: servers pinned to one core with taskset so the
 * load generator on another core does not steal their CPU, and their CPU time read from /proc
 * so a result is "work per server CPU-second", fair on a shared machine.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Fails early, naming the Debian package, when a peer or tool the benchmark needs is missing. */
export function requireTool(name: string, debianPackage: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) throw new Error(`${name} is not installed: apt-get install ${debianPackage}`);
}

/** `command args` on one CPU core only (taskset -c CORE). */
export function spawnPinned(core: string, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn('taskset', ['-c', core, command, ...args], options);
}

/** Runs a command to its end and returns what it printed (stdout, and stderr unless it is inherited); rejects on a non-zero exit. */
export function runForOutput(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${out.slice(-500)}`))));
  });
}

/** Polls `ready` until it says yes; fails when the process exits first or after `timeoutMs`. */
export async function waitUntilReady(name: string, child: ChildProcess, ready: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (await ready()) return;
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s`);
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

/** utime + stime of a whole process (all its threads), in seconds (proc(5): fields 14 and 15 of /proc/PID/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resident memory of a process in MiB (VmRSS), NaN when the kernel does not say. */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

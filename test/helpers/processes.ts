import type { ChildProcess } from 'node:child_process';

/** SIGTERM a child process and wait until it has exited (at once when it already has). */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

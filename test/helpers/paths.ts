import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found by walking up from the compiled test file to package.json,
 * so fixtures resolve the same whatever folder the tests were compiled into.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the test files');
    dir = parent;
  }
  return dir;
}

export function fromRoot(...parts: string[]): string {
  return join(repoRoot(), ...parts);
}

/** The compiled CLI entry next to the compiled tests. */
export function cliPath(): string {
  return fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
}

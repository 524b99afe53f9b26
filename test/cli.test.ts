import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliPath } from './helpers/paths.js';

const run = promisify(execFile);
const cli = cliPath();

test('meridian --help lists every subcommand', async () => {
  const { stdout } = await run(process.execPath, [cli, '--help']);
  for (const command of ['dns', 'zone', 'route', 'cache', 'purge', 'demo']) {
    assert.match(stdout, new RegExp(`^\\s+${command}\\b`, 'm'), `missing ${command} in --help`);
  }
});

test('an unknown subcommand exits non-zero with a message', async () => {
  await assert.rejects(run(process.execPath, [cli, 'no-such-command']), (err: { code: number; stderr: string }) => {
    assert.notEqual(err.code, 0);
    assert.match(err.stderr, /unknown command/);
    return true;
  });
});

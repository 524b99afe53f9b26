import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpuSeconds, rssMiB, runForOutput, waitUntilReady } from '../../bench/support/process.js';
import { percentile } from '../../bench/support/stats.js';
import { stopProcess } from '../helpers/processes.js';

test('percentile is the nearest rank of sorted samples', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(samples, 0.5), 50);
  assert.equal(percentile(samples, 0.99), 99);
  assert.equal(percentile(samples, 1), 100);
  assert.equal(percentile(samples, 0), 1);
  assert.equal(percentile(Float64Array.of(3), 0.99), 3);
  assert.throws(() => percentile([], 0.5), /no samples/);
});

test('CPU seconds and resident memory of a process come from /proc', () => {
  const spent = cpuSeconds(process.pid);
  assert.ok(spent > 0 && spent < 3600, `${spent} CPU-s`);
  const rss = rssMiB(process.pid);
  assert.ok(rss > 1 && rss < 4096, `${rss} MiB`);
});

test('runForOutput returns what a command printed and rejects on a failing exit', async () => {
  assert.equal(await runForOutput(process.execPath, ['-e', 'console.log("out"); console.error("err")']), 'out\nerr\n');
  await assert.rejects(runForOutput(process.execPath, ['-e', 'console.error("broken"); process.exit(3)']), /exited 3: broken/);
});

test('waitUntilReady stops at once when the process has exited', async (t) => {
  const child = spawn(process.execPath, ['-e', 'process.exit(2)'], { stdio: 'ignore' });
  t.after(() => stopProcess(child));
  await new Promise((resolve) => child.once('exit', resolve));
  await assert.rejects(waitUntilReady('quitter', child, async () => false), /quitter exited with 2/);
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../test/helpers/paths.js';

/** When and on what a benchmark ran, for the head of its report: figures from a shared 2-core machine need their load beside them. */
export function runContext(): { date: string; node: string; cpu: string; cores: number; loadAverage: number[] } {
  return { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverage: loadavg() };
}

/**
 * The folder reports go to: bench/results, or BENCH_RESULTS_DIR so that a trial run
 * (short durations, a busy machine) does not overwrite the committed figures.
 */
function resultsDir(): string {
  const dir = process.env.BENCH_RESULTS_DIR || fromRoot('bench', 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `<results dir>/<name>` (text as given, anything else as indented JSON) and returns its path. */
export function writeResult(name: string, content: unknown): string {
  const file = join(resultsDir(), name);
  writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

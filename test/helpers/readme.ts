import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createMetricsRegistry, type Registry } from '../../src/telemetry/index.js';
import { fromRoot } from './paths.js';

/** The README of one src/ room, which lists the room's error codes and metrics. */
export function roomReadme(room: string): string {
  return readFileSync(fromRoot('src', room, 'README.md'), 'utf8');
}

/** Each name must appear in the room's README, in backticks unless `quoted` is false. */
export function assertListedInReadme(room: string, names: Iterable<string>, options: { quoted?: boolean } = {}): void {
  const readme = roomReadme(room);
  for (const name of names) {
    const needle = options.quoted === false ? name : `\`${name}\``;
    assert.ok(readme.includes(needle), `${name} missing from src/${room}/README.md`);
  }
}

/** Names of the metrics a room's factory registers, read from a fresh registry. */
export async function registeredMetricNames(register: (registry: Registry) => unknown): Promise<string[]> {
  const registry = createMetricsRegistry();
  register(registry);
  return (await registry.getMetricsAsJSON()).map((metric) => metric.name);
}

/** Metric names written in a room's metrics source (for rooms whose metrics need live objects to register). */
export function metricNamesInSource(room: string): string[] {
  const names = readFileSync(fromRoot('src', room, 'metrics.ts'), 'utf8').match(new RegExp(`meridian_${room}_[a-z_]+`, 'g')) ?? [];
  assert.ok(names.length > 0, `no meridian_${room}_* metric found in src/${room}/metrics.ts`);
  return names;
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { META_ERROR_CODES, createMetaMetrics } from '../../src/meta/index.js';
import { Registry } from '../../src/telemetry/index.js';
import { fromRoot } from '../helpers/paths.js';

const readme = readFileSync(fromRoot('src', 'meta', 'README.md'), 'utf8');

test('README lists every error code, and no other', () => {
  const documented = new Set([...readme.matchAll(/^\| `(MERIDIAN_E_META_[A-Z_]+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), Object.keys(META_ERROR_CODES).sort());
});

test('README lists every metric', async () => {
  const registry = new Registry();
  createMetaMetrics(registry);
  for (const metric of await registry.getMetricsAsJSON()) assert.match(readme, new RegExp(`\`${metric.name}\``), metric.name);
});

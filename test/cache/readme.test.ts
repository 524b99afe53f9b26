import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CacheErrorCode } from '../../src/cache/index.js';
import { createCacheMetrics } from '../../src/cache/metrics.js';
import { createMetricsRegistry } from '../../src/telemetry/index.js';
import { fromRoot } from '../helpers/paths.js';

const readme = readFileSync(fromRoot('src', 'cache', 'README.md'), 'utf8');

test('every cache error code is documented in the README', () => {
  for (const code of Object.values(CacheErrorCode)) assert.ok(readme.includes(`\`${code}\``), `${code} missing from src/cache/README.md`);
});

test('every cache metric is documented in the README', async () => {
  const registry = createMetricsRegistry();
  createCacheMetrics(registry);
  for (const metric of await registry.getMetricsAsJSON()) assert.ok(readme.includes(metric.name), `${metric.name} missing from src/cache/README.md`);
});

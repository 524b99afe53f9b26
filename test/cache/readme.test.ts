import { test } from 'node:test';
import { CacheErrorCode } from '../../src/cache/index.js';
import { createCacheMetrics } from '../../src/cache/metrics.js';
import { assertListedInReadme, registeredMetricNames } from '../helpers/readme.js';

test('every cache error code is documented in the README', () => {
  assertListedInReadme('cache', Object.values(CacheErrorCode));
});

test('every cache metric is documented in the README', async () => {
  assertListedInReadme('cache', await registeredMetricNames(createCacheMetrics), { quoted: false });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { META_ERROR_CODES, createMetaMetrics } from '../../src/meta/index.js';
import { assertListedInReadme, registeredMetricNames, roomReadme } from '../helpers/readme.js';

test('README lists every error code, and no other', () => {
  const documented = new Set([...roomReadme('meta').matchAll(/^\| `(MERIDIAN_E_META_[A-Z_]+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), Object.keys(META_ERROR_CODES).sort());
});

test('README lists every metric', async () => {
  assertListedInReadme('meta', await registeredMetricNames(createMetaMetrics));
});

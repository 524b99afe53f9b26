import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingErrorCode } from '../../src/routing/index.js';
import { roomReadme } from '../helpers/readme.js';

test('every routing error code is documented in the README, and only those', () => {
  const documented = [...roomReadme('routing').matchAll(/`(MERIDIAN_E_ROUTING_[A-Z_]+)`/g)].map((m) => m[1]).sort();
  assert.deepEqual([...new Set(documented)], Object.values(RoutingErrorCode).sort());
});

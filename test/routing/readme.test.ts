import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RoutingErrorCode } from '../../src/routing/index.js';
import { fromRoot } from '../helpers/paths.js';

test('every routing error code is documented in the README, and only those', () => {
  const readme = readFileSync(fromRoot('src', 'routing', 'README.md'), 'utf8');
  const documented = [...readme.matchAll(/`(MERIDIAN_E_ROUTING_[A-Z_]+)`/g)].map((m) => m[1]).sort();
  assert.deepEqual([...new Set(documented)], Object.values(RoutingErrorCode).sort());
});

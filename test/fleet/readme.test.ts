import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FleetErrorCode } from '../../src/fleet/index.js';
import { fromRoot } from '../helpers/paths.js';

test('every fleet error code and metric is documented in src/fleet/README.md', () => {
  const readme = readFileSync(fromRoot('src', 'fleet', 'README.md'), 'utf8');
  for (const code of Object.values(FleetErrorCode)) assert.ok(readme.includes(`\`${code}\``), `${code} missing from the README`);
  const metrics = readFileSync(fromRoot('src', 'fleet', 'metrics.ts'), 'utf8').match(/meridian_fleet_[a-z_]+/g) ?? [];
  assert.ok(metrics.length > 0);
  for (const name of metrics) assert.ok(readme.includes(`\`${name}\``), `${name} missing from the README`);
});

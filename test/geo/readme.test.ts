import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GeoErrorCode } from './support.js';
import { fromRoot } from '../helpers/paths.js';

test('every geo error code and metric is documented in src/geo/README.md', () => {
  const readme = readFileSync(fromRoot('src', 'geo', 'README.md'), 'utf8');
  for (const code of Object.values(GeoErrorCode)) assert.ok(readme.includes(`\`${code}\``), `${code} missing from the README`);
  const metrics = readFileSync(fromRoot('src', 'geo', 'metrics.ts'), 'utf8').match(/meridian_geo_[a-z_]+/g) ?? [];
  assert.ok(metrics.length > 0);
  for (const name of metrics) assert.ok(readme.includes(`\`${name}\``), `${name} missing from the README`);
});

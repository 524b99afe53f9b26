import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { POLICY_NAMES, SimulateErrorCode } from '../../src/simulate/index.js';
import { fromRoot } from '../helpers/paths.js';

test('the README lists every error code and every policy', () => {
  const readme = readFileSync(fromRoot('src', 'simulate', 'README.md'), 'utf8');
  for (const code of Object.values(SimulateErrorCode)) assert.ok(readme.includes(`\`${code}\``), code);
  for (const policy of POLICY_NAMES) assert.ok(readme.includes(`\`${policy}\``), policy);
});

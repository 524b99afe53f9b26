import { test } from 'node:test';
import { POLICY_NAMES, SimulateErrorCode } from '../../src/simulate/index.js';
import { assertListedInReadme } from '../helpers/readme.js';

test('the README lists every error code and every policy', () => {
  assertListedInReadme('simulate', Object.values(SimulateErrorCode));
  assertListedInReadme('simulate', POLICY_NAMES);
});

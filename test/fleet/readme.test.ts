import { test } from 'node:test';
import { FleetErrorCode } from '../../src/fleet/index.js';
import { assertListedInReadme, metricNamesInSource } from '../helpers/readme.js';

test('every fleet error code and metric is documented in src/fleet/README.md', () => {
  assertListedInReadme('fleet', Object.values(FleetErrorCode));
  assertListedInReadme('fleet', metricNamesInSource('fleet'));
});

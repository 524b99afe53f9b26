import { test } from 'node:test';
import { GeoErrorCode } from './support.js';
import { assertListedInReadme, metricNamesInSource } from '../helpers/readme.js';

test('every geo error code and metric is documented in src/geo/README.md', () => {
  assertListedInReadme('geo', Object.values(GeoErrorCode));
  assertListedInReadme('geo', metricNamesInSource('geo'));
});

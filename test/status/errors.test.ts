import { test } from 'node:test';
import { StatusErrorCode } from '../../src/status/index.js';
import { assertListedInReadme } from '../helpers/readme.js';

test('every error code of the room is documented in its README', () => {
  assertListedInReadme('status', Object.values(StatusErrorCode));
});

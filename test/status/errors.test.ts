import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { StatusErrorCode } from '../../src/status/index.js';
import { fromRoot } from '../helpers/paths.js';

test('every error code of the room is documented in its README', () => {
  const readme = readFileSync(fromRoot('src', 'status', 'README.md'), 'utf8');
  for (const code of Object.values(StatusErrorCode)) assert.ok(readme.includes(`\`${code}\``), `${code} in src/status/README.md`);
});

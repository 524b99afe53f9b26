import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeridianError, RoomError, describeError, type ErrorCodeOf } from '../../src/errors/index.js';

const ExampleErrorCode = { broken: 'MERIDIAN_E_EXAMPLE_BROKEN' } as const;
type ExampleErrorCode = ErrorCodeOf<typeof ExampleErrorCode>;
class ExampleError extends RoomError<ExampleErrorCode> {}

test('a room error is a MeridianError named after its class, with code, hint and cause', () => {
  const cause = new Error('disk on fire');
  const err = new ExampleError(ExampleErrorCode.broken, 'it broke', { cause, hint: 'fix it' });
  assert.ok(err instanceof ExampleError);
  assert.ok(err instanceof MeridianError);
  assert.equal(err.name, 'ExampleError');
  assert.equal(err.code, 'MERIDIAN_E_EXAMPLE_BROKEN');
  assert.equal(err.hint, 'fix it');
  assert.equal(err.cause, cause);
  assert.equal(describeError(err), 'MERIDIAN_E_EXAMPLE_BROKEN: it broke\n  hint: fix it');
});

test('a room error without options has no cause and no hint', () => {
  const err = new ExampleError(ExampleErrorCode.broken, 'it broke');
  assert.equal('cause' in err, false);
  assert.equal(err.hint, undefined);
});

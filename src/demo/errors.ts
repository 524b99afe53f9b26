import { RoomError, type ErrorCodeOf } from '../errors/index.js';

/** Error codes of the demo room; README.md lists each with what to do. */
export const DemoErrorCode = {
  /** A demo address could not be bound (taken, or not local). */
  LISTEN: 'MERIDIAN_E_DEMO_LISTEN',
  /** A demo flag is malformed. */
  CONFIG: 'MERIDIAN_E_DEMO_CONFIG',
  /** The example zones could not be read or prepared. */
  ZONES: 'MERIDIAN_E_DEMO_ZONES',
} as const;

export type DemoErrorCode = ErrorCodeOf<typeof DemoErrorCode>;

export class DemoError extends RoomError<DemoErrorCode> {}

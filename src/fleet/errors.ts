import { RoomError, type ErrorCodeOf } from '../errors/index.js';

/** Stable codes of the fleet room; the README lists each with what to do. */
export const FleetErrorCode = {
  /** A probe target breaks the schema (bad URL, threshold out of range, duplicate id, ...). */
  TargetInvalid: 'MERIDIAN_E_FLEET_TARGET_INVALID',
  /** A load report is not a number in 0..1. */
  LoadInvalid: 'MERIDIAN_E_FLEET_LOAD_INVALID',
} as const;

export type FleetErrorCode = ErrorCodeOf<typeof FleetErrorCode>;

export class FleetError extends RoomError<FleetErrorCode> {}

import { RoomError, type ErrorCodeOf } from '../errors/index.js';

/** Error codes of the simulator; README.md lists each with what to do. */
export const SimulateErrorCode = {
  traceInvalid: 'MERIDIAN_E_SIMULATE_TRACE_INVALID',
  fleetInvalid: 'MERIDIAN_E_SIMULATE_FLEET_INVALID',
  unreadable: 'MERIDIAN_E_SIMULATE_UNREADABLE',
  optionsInvalid: 'MERIDIAN_E_SIMULATE_OPTIONS_INVALID',
} as const;

export type SimulateErrorCode = ErrorCodeOf<typeof SimulateErrorCode>;

export class SimulateError extends RoomError<SimulateErrorCode> {}

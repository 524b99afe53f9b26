import { RoomError, type ErrorCodeOf } from '../errors/index.js';

/** Stable codes of the status room; the README lists each with what to do. */
export const StatusErrorCode = {
  /** createStatusRoutes / serveStatusPage / RecentBuffer got an option out of range or unknown. */
  OptionsInvalid: 'MERIDIAN_E_STATUS_OPTIONS_INVALID',
  /** The StatusSource threw while taking a snapshot. */
  SnapshotFailed: 'MERIDIAN_E_STATUS_SNAPSHOT_FAILED',
  /** The world-atlas land outline could not be read; the map falls back to a graticule. */
  MapDataUnavailable: 'MERIDIAN_E_STATUS_MAP_DATA_UNAVAILABLE',
} as const;

export type StatusErrorCode = ErrorCodeOf<typeof StatusErrorCode>;

export class StatusError extends RoomError<StatusErrorCode> {}

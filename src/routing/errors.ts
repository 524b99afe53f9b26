import { RoomError, type ErrorCodeOf } from '../errors/index.js';

/** Error codes of the routing room; the README lists each with what to do. */
export const RoutingErrorCode = {
  /** A routing YAML file failed to parse or validate (message holds every `file:line: path: message`). */
  invalidRecords: 'MERIDIAN_E_ROUTING_INVALID_RECORDS',
  /** A routing file could not be read. */
  unreadable: 'MERIDIAN_E_ROUTING_UNREADABLE',
  /** `route explain` / `/v1/route` got a name, type or client address it cannot use. */
  badQuery: 'MERIDIAN_E_ROUTING_BAD_QUERY',
} as const;

export type RoutingErrorCodeValue = ErrorCodeOf<typeof RoutingErrorCode>;

export class RoutingError extends RoomError<RoutingErrorCodeValue> {}

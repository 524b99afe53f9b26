import { RoomError, type ErrorCodeOf } from '../errors/index.js';

/** Error codes of the DNS room; README.md lists them with what to do. */
export const DnsErrorCode = {
  /** A listen address is malformed, or binding it failed (in use, no permission). */
  LISTEN: 'MERIDIAN_E_DNS_LISTEN',
  /** Server options failed validation. */
  CONFIG: 'MERIDIAN_E_DNS_CONFIG',
  /** The zones directory could not be loaded. */
  ZONES: 'MERIDIAN_E_DNS_ZONES',
} as const;
export type DnsErrorCode = ErrorCodeOf<typeof DnsErrorCode>;

export class DnsError extends RoomError<DnsErrorCode> {}

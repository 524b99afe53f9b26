import { RoomError, type ErrorCodeOf } from '../errors/index.js';

/** Stable codes of the geo room; the README lists each with what to do. */
export const GeoErrorCode = {
  /** The coverage map file cannot be read. */
  CoverageRead: 'MERIDIAN_E_GEO_COVERAGE_READ',
  /** The coverage map is not valid YAML/JSON or breaks the schema (bad CIDR, unknown key, ...). */
  CoverageInvalid: 'MERIDIAN_E_GEO_COVERAGE_INVALID',
  /** The GeoIP database cannot be read or is not a MaxMind DB. */
  DbOpen: 'MERIDIAN_E_GEO_DB_OPEN',
  /** The database is a MaxMind DB but neither a City nor a Country one (ASN, ISP, ...). */
  DbType: 'MERIDIAN_E_GEO_DB_TYPE',
  /** `--geoip geolite2`: the download/refresh through geolite2-redist failed or timed out. */
  Geolite2Unavailable: 'MERIDIAN_E_GEO_GEOLITE2_UNAVAILABLE',
  /** A geo code such as `EU-DE` or `NA-US-CA` is malformed or names an unknown continent/country. */
  CodeInvalid: 'MERIDIAN_E_GEO_CODE_INVALID',
  /** The address to locate is not an IPv4 or IPv6 address. */
  AddressInvalid: 'MERIDIAN_E_GEO_ADDRESS_INVALID',
} as const;

export type GeoErrorCode = ErrorCodeOf<typeof GeoErrorCode>;

export class GeoError extends RoomError<GeoErrorCode> {}

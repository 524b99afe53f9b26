/**
 * The geo room: facts about where a client is (never decisions).
 * Coverage map (operator CIDRs, longest prefix wins) ▸ MaxMind GeoIP ▸ 'none'.
 */
export type {
  ClientLocation,
  GeoLocator,
  GeoLocatorOptions,
  CoverageEntry,
  CoverageMatch,
  CoverageMap,
  GeoIpRecord,
  GeoIpSource,
  GeoCode,
} from './types.js';
export { GeoError, GeoErrorCode } from './errors.js';
export { createCoverageMap, parseCoverage, loadCoverageFile } from './coverage.js';
export { openGeoIpDatabase, type GeoIpDatabaseOptions } from './geoip-database.js';
export { openGeoLite2, defaultGeoLite2Dir, type GeoLite2Options, type GeoLite2Edition, type GeoLite2Downloader } from './geolite2.js';
export { openGeoIp, type OpenGeoIpOptions } from './open-geoip.js';
export { createGeoLocator } from './locator.js';
export { greatCircleKm } from './great-circle.js';
export { createAddressWords, parseAddressWords, type AddressWords } from './address-words.js';
export { CONTINENT_CODES, COUNTRY_CODES, parseGeoCode, isGeoCode, matchesGeo } from './geo-codes.js';

import { openGeoIpDatabase, type GeoIpDatabaseOptions } from './geoip-database.js';
import { openGeoLite2, type GeoLite2Options } from './geolite2.js';
import type { GeoIpSource } from './types.js';

export type OpenGeoIpOptions = GeoIpDatabaseOptions & Omit<GeoLite2Options, keyof GeoIpDatabaseOptions>;

/**
 * The `--geoip PATH|geolite2` flag in one call: the word `geolite2` selects the
 * self-updating GeoLite2 download, anything else is a path to a .mmdb file.
 * Rejects with a MeridianError; the caller decides whether to fall back to coverage only.
 */
export function openGeoIp(spec: string, options: OpenGeoIpOptions = {}): Promise<GeoIpSource> {
  return spec === 'geolite2' ? openGeoLite2(options) : openGeoIpDatabase(spec, options);
}

import { lookupParsedCoverage } from './coverage.js';
import { GeoError, GeoErrorCode } from './errors.js';
import { parseAddress } from './ip-address.js';
import type { ClientLocation, GeoLocator, GeoLocatorOptions } from './types.js';

type Facts = Pick<ClientLocation, 'continent' | 'country' | 'subdivision' | 'latitude' | 'longitude'>;

/** Copy the facts that are present (explicit copies: this runs per DNS query). */
function withFacts(location: ClientLocation, facts: Facts): ClientLocation {
  if (facts.continent !== undefined) location.continent = facts.continent;
  if (facts.country !== undefined) location.country = facts.country;
  if (facts.subdivision !== undefined) location.subdivision = facts.subdivision;
  if (facts.latitude !== undefined && facts.longitude !== undefined) {
    location.latitude = facts.latitude;
    location.longitude = facts.longitude;
  }
  return location;
}

/**
 * The client locator: the operator's coverage map first (its CIDRs are the operator's
 * knowledge and beat any database), then GeoIP, else source 'none'. A coverage match
 * carries only what its entry states (site, pool, geo, coordinates) and GeoIP is not
 * consulted: mixing in a GeoIP record with a different network would make the answer
 * depend on a network other than the one reported in networkPrefix (the ECS scope).
 */
export function createGeoLocator(options: GeoLocatorOptions = {}): GeoLocator {
  const { coverage, geoip } = options;
  return {
    locate(address: string): ClientLocation {
      const parsed = parseAddress(address);
      if (!parsed) throw new GeoError(GeoErrorCode.AddressInvalid, `${JSON.stringify(address)} is not an IPv4 or IPv6 address`);
      const covered = coverage ? lookupParsedCoverage(coverage, parsed) : undefined;
      if (covered) {
        const location: ClientLocation = { address, source: 'coverage', networkPrefix: covered.prefixLength };
        if (covered.site !== undefined) location.site = covered.site;
        if (covered.pool !== undefined) location.pool = covered.pool;
        return withFacts(location, covered);
      }
      const record = geoip?.lookup(address);
      if (!record) return { address, source: 'none', networkPrefix: 0 };
      return withFacts({ address, source: 'geoip', networkPrefix: record.networkPrefix }, record);
    },
  };
}

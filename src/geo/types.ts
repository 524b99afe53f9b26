/** Facts about where a client is. Geo produces facts; it never decides. */
export interface ClientLocation {
  /** The address that was located (ECS address or resolver address). */
  address: string;
  /** Which source decided: the operator's coverage map, the GeoIP DB, or nothing matched. */
  source: 'coverage' | 'geoip' | 'none';
  /** Prefix length of the network that matched (coverage CIDR or GeoIP record network); 0 for 'none'. */
  networkPrefix: number;
  /** Coverage map result: a site code and/or pool name the operator mapped this CIDR to. */
  site?: string;
  pool?: string;
  /** Two-letter continent code (EU, NA, SA, AS, AF, OC, AN). */
  continent?: string;
  /** ISO 3166-1 alpha-2 country code. */
  country?: string;
  /** ISO 3166-2 subdivision code without the country (CA for NA-US-CA). */
  subdivision?: string;
  latitude?: number;
  longitude?: number;
}

export interface GeoLocator {
  locate(address: string): ClientLocation;
}

/** One line of the operator's coverage map (geo-data/coverage.yaml). */
export interface CoverageEntry {
  /** IPv4 or IPv6 network in CIDR notation; host bits must be zero. */
  cidr: string;
  /** Site code (matches a location `site` in routing records). */
  site?: string;
  /** Pool name (routing sends clients of this network to that pool). */
  pool?: string;
  /** Where the network is, as a geo code (`EU-DE`, `NA-US-CA`), so geo rules match covered clients. */
  geo?: string;
  /** Optional coordinates for the network, used for `closest` selection. */
  latitude?: number;
  longitude?: number;
}

/**
 * What a coverage lookup found: the longest matching prefix, with the facts it gives the
 * client's location (continent, country and subdivision come from the entry's `geo`).
 */
export interface CoverageMatch
  extends Pick<ClientLocation, 'site' | 'pool' | 'continent' | 'country' | 'subdivision' | 'latitude' | 'longitude'> {
  /** The matched network as written canonically (`10.1.0.0/16`, `2001:db8::/32`). */
  cidr: string;
  /**
   * Prefix length in the address family of the query: an IPv4 client matched by an
   * IPv4 entry gets the IPv4 length (0-32), an IPv6 client the IPv6 length (0-128).
   */
  prefixLength: number;
}

/** The operator's CIDR → site/pool map, loaded once and immutable; lookups are synchronous. */
export interface CoverageMap {
  lookup(address: string): CoverageMatch | undefined;
  readonly entries: readonly CoverageEntry[];
  /** Where it was loaded from, for messages; undefined when built in memory. */
  readonly file: string | undefined;
}

/** What a GeoIP database says about one address (already mapped to Meridian's codes). */
export interface GeoIpRecord {
  /** Prefix length of the DB network that holds the address, in the query's address family. */
  networkPrefix: number;
  continent?: string;
  country?: string;
  subdivision?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

/**
 * A GeoIP source: a GeoIP2/GeoLite2 City or Country database, reloaded when the
 * file changes (or refreshed by geolite2-redist). Lookups are synchronous.
 */
export interface GeoIpSource {
  lookup(address: string): GeoIpRecord | undefined;
  /** `GeoIP2-City`, `GeoLite2-Country`, ... of the database currently in use. */
  readonly databaseType: string;
  /** The .mmdb file currently in use. */
  readonly path: string;
  /** Stop watching / refreshing. Lookups keep working on the last database. */
  close(): void;
}

export interface GeoLocatorOptions {
  coverage?: CoverageMap;
  geoip?: GeoIpSource;
}

/** A parsed geo code as written in routing rules: `EU`, `EU-DE`, `NA-US-CA`. */
export interface GeoCode {
  continent: string;
  country?: string;
  subdivision?: string;
}

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

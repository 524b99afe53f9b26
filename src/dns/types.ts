/**
 * The contract between the DNS server (this room) and whoever answers routed names
 * (the routing engine). The server finds the zone, then asks the dynamic resolver;
 * `undefined` means "not a routed name, answer from static zone data".
 */

export interface ClientSubnet {
  /** 1 = IPv4, 2 = IPv6 (RFC 7871 section 6). */
  family: 1 | 2;
  sourcePrefix: number;
  /** The address with bits past sourcePrefix zeroed, in text form. */
  address: string;
}

export interface DnsQuestionContext {
  /** Canonical query name (lowercase, no trailing dot). */
  name: string;
  /** Query type code. */
  type: number;
  /** Canonical apex of the zone the name falls in. */
  zone: string;
  /** Address the query came from (the resolver). */
  clientAddress: string;
  /** EDNS Client Subnet option of the query, when present. */
  ecs?: ClientSubnet;
}

export interface DynamicRecord {
  /** Canonical owner name. */
  name: string;
  type: number;
  ttl: number;
  /** Uncompressed wire-format RDATA. */
  rdata: Buffer;
}

export interface DynamicAnswer {
  /** Empty means NODATA: the name exists but has nothing of this type. */
  records: DynamicRecord[];
  /** ECS scope prefix to return (RFC 7871 section 7.2.1); 0 when the answer does not depend on the client. */
  ecsScopePrefix: number;
  /** Set to 2 (SERVFAIL) when the operator's all-down policy says so; default 0 (NOERROR). */
  rcode?: 0 | 2;
}

export interface DynamicResolver {
  resolve(question: DnsQuestionContext): DynamicAnswer | undefined;
}

/**
 * What the server needs from the zone room: the zone a name falls in (longest
 * suffix match). Zones are immutable; a reload swaps in a new `Zone` object, which
 * is how prepared responses notice they are stale.
 */
export interface ZoneSource {
  findZone(name: string): import('../zone/index.js').Zone | undefined;
  /**
   * Optional change counter (ZoneStore has one): when present, prepared responses are
   * dropped whenever it moves, and a cache hit costs no zone lookup at all.
   */
  readonly generation?: number;
}

/** One address to listen on (UDP and TCP on the same port). */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * The zone data model shared by the parser (this room) and the DNS server (dns/).
 *
 * Names are canonical: lowercase, fully qualified, written WITHOUT the trailing dot
 * ("www.cdn.example.com"; the root is ""). The DNS server restores the query's
 * original case on the wire (0x20), so case never matters here.
 */

/** Where a record or an error came from, for `file:line` messages. */
export interface SourceLocation {
  file: string;
  line: number;
}

export interface ResourceRecord {
  /** Canonical owner name. */
  name: string;
  /** RR type code (1 = A, 28 = AAAA, ...; RFC 3597 TYPEnnn gives any number). */
  type: number;
  /** Class code; only IN (1) is accepted by the parser. */
  class: number;
  ttl: number;
  /** Uncompressed wire-format RDATA, ready to copy into a response. */
  rdata: Buffer;
  /** Presentation form of the RDATA, for logs, `route explain` and tests. */
  text: string;
  /**
   * The domain name this record points at, canonical, for types whose RDATA leads
   * somewhere the server must follow: CNAME/DNAME target, NS host, MX exchange,
   * SRV target. Used for CNAME chasing and additional-section glue.
   */
  target?: string;
  source: SourceLocation;
}

/** All records of one owner name, grouped by type code. */
export type RRsetsByType = Map<number, ResourceRecord[]>;

export interface Zone {
  /** Canonical apex name. */
  origin: string;
  /** The file the zone was read from (the main file; $INCLUDEs are in record sources). */
  file: string;
  soa: ResourceRecord;
  /** Every owner name in the zone (including empty non-terminals as empty maps). */
  nodes: ReadonlyMap<string, RRsetsByType>;
  /** SOA serial, for logs and metrics. */
  serial: number;
}

/** A problem found while reading or checking a zone: always with a place to look. */
export interface ZoneProblem {
  file: string;
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * DNS wire-format constants and small helpers shared by the parser, the answer
 * encoder and the responder. RFC sections are named beside each constant.
 */

/** RFC 1035 4.1.1 header length. */
export const HEADER_LENGTH = 12;
/** RFC 1035 2.3.4 size limits. */
export const MAX_LABEL_LENGTH = 63;
export const MAX_NAME_LENGTH = 255;
/** RFC 1035 4.2.1: UDP payload without EDNS. */
export const CLASSIC_UDP_PAYLOAD = 512;
/** RFC 6891 6.2.5 / DNS flag day 2020: the payload we advertise by default. */
export const DEFAULT_EDNS_PAYLOAD = 1232;

/** RFC 1035 4.1.1 / RFC 6891 9 response codes (12-bit with the OPT extension). */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** RFC 6672 2.2: a DNAME substitution would exceed 255 octets. */
  YXDOMAIN: 6,
  BADVERS: 16,
} as const;

export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  16: 'BADVERS',
};

/** RR type codes the server treats specially (RFC 1035 3.2.2, RFC 3596, RFC 2782, RFC 6891, RFC 4034). */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  HINFO: 13,
  MX: 15,
  AAAA: 28,
  SRV: 33,
  /** RFC 6672 2.1. */
  DNAME: 39,
  OPT: 41,
  DS: 43,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
} as const;

/** RFC 1035 3.2.4 class IN; RFC 1035 3.2.5 QCLASS * (ANY). */
export const CLASS_IN = 1;
export const CLASS_ANY = 255;

/** EDNS option codes: RFC 5001 NSID, RFC 7871 ECS, RFC 7873 COOKIE. */
export const EdnsOption = {
  NSID: 3,
  ECS: 8,
  COOKIE: 10,
} as const;

/** Header flag bits in the 16-bit flags word (RFC 1035 4.1.1). */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
} as const;

/** RFC 3225 3: the DO bit in the OPT TTL's flags half. */
export const EDNS_DO = 0x8000;

/**
 * Big-endian 16-bit read/write without Buffer's argument validation, for the hot path.
 * Callers check bounds first (the parser does before every read).
 */
export function read16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

export function write16(buf: Uint8Array, off: number, value: number): void {
  buf[off] = value >>> 8;
  buf[off + 1] = value & 0xff;
}

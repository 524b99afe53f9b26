import { ZoneSyntaxError } from './errors.js';

/**
 * RR type codes (IANA "Resource Record (RR) TYPEs" registry). The DNS server and
 * the routing engine use these names instead of bare numbers.
 */
export const RRType = {
  A: 1, // RFC 1035 3.4.1
  NS: 2, // RFC 1035 3.3.11
  CNAME: 5, // RFC 1035 3.3.1
  SOA: 6, // RFC 1035 3.3.13
  PTR: 12, // RFC 1035 3.3.12
  HINFO: 13, // RFC 1035 3.3.2
  MX: 15, // RFC 1035 3.3.9
  TXT: 16, // RFC 1035 3.3.14
  AAAA: 28, // RFC 3596
  SRV: 33, // RFC 2782
  NAPTR: 35, // RFC 3403
  DNAME: 39, // RFC 6672
  OPT: 41, // RFC 6891
  DS: 43, // RFC 4034
  SSHFP: 44, // RFC 4255
  RRSIG: 46, // RFC 4034
  NSEC: 47, // RFC 4034
  DNSKEY: 48, // RFC 4034
  NSEC3: 50, // RFC 5155
  TLSA: 52, // RFC 6698
  SVCB: 64, // RFC 9460
  HTTPS: 65, // RFC 9460
  SPF: 99, // RFC 7208 (deprecated, still seen in zone files)
  IXFR: 251, // RFC 1995
  AXFR: 252, // RFC 1035
  ANY: 255, // RFC 1035 3.2.3 ("*"), answered per RFC 8482
  CAA: 257, // RFC 8659
} as const;

export type RRTypeName = keyof typeof RRType;

/** Class codes; Meridian serves IN only (RFC 1035 3.2.4). */
export const RRClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

const nameByCode = new Map<number, string>(Object.entries(RRType).map(([name, code]) => [code, name]));
const codeByName = new Map<string, number>(Object.entries(RRType));
const classNameByCode = new Map<number, string>(Object.entries(RRClass).map(([name, code]) => [code, name]));

/** Type code for a mnemonic ("A", "aaaa") or an RFC 3597 "TYPEnnn"; undefined when unknown. */
export function typeCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = codeByName.get(upper);
  if (known !== undefined) return known;
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  if (generic) {
    const code = Number(generic[1]);
    if (code <= 0xffff) return code;
  }
  return undefined;
}

/** Mnemonic for a type code, or "TYPEnnn" (RFC 3597 section 5) when it has none. */
export function typeName(code: number): string {
  return nameByCode.get(code) ?? `TYPE${code}`;
}

/** Class code for "IN"/"CH"/"HS" or RFC 3597 "CLASSnnn"; undefined when unknown. */
export function classCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = (RRClass as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const generic = /^CLASS(\d{1,5})$/.exec(upper);
  if (generic) {
    const code = Number(generic[1]);
    if (code <= 0xffff) return code;
  }
  return undefined;
}

export function className(code: number): string {
  return classNameByCode.get(code) ?? `CLASS${code}`;
}

/**
 * Types that exist only in messages, never as zone data: OPT (RFC 6891) and the
 * query-only range 128-255 (RFC 6895 section 3.1), which holds IXFR, AXFR and ANY.
 */
export function isMetaType(code: number): boolean {
  return code === RRType.OPT || (code >= 128 && code <= 255) || code === 0;
}

/** TTLs are unsigned 31-bit (RFC 2181 section 8). */
export const MAX_TTL = 0x7fffffff;

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * A TTL in seconds: plain digits (RFC 1035) or BIND's unit form ("1h30m", "2d").
 * Throws on a malformed value or one above 2^31-1.
 */
export function parseTtl(text: string): number {
  let seconds: number;
  if (/^\d+$/.test(text)) {
    seconds = Number(text);
  } else if (/^(\d+[smhdw])+$/i.test(text)) {
    seconds = 0;
    for (const part of text.toLowerCase().matchAll(/(\d+)([smhdw])/g)) {
      seconds += Number(part[1]) * (TTL_UNITS[part[2] as string] as number);
    }
  } else {
    throw new ZoneSyntaxError(`malformed TTL "${text}"`);
  }
  if (seconds > MAX_TTL) throw new ZoneSyntaxError(`TTL ${text} is out of range (0 to ${MAX_TTL} seconds, RFC 2181 section 8)`);
  return seconds;
}

/** Whether a token has the shape of a TTL (so the parser can tell it from a class or type). */
export function looksLikeTtl(text: string): boolean {
  return /^\d+$/.test(text) || /^(\d+[smhdw])+$/i.test(text);
}

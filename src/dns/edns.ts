/**
 * The OPT record of a response (RFC 6891 6.1.2): our payload size, the extended
 * rcode, the query's DO bit (RFC 3225 3), and the options we echo: ECS with its
 * scope (RFC 7871 7.2.1), NSID when asked for (RFC 5001 2.1) and a server cookie
 * when the query carries a client cookie (RFC 7873).
 */
import { CLIENT_COOKIE_LENGTH, SERVER_COOKIE_LENGTH, type CookieMaker } from './cookies.js';
import type { ParsedQuery } from './query-parser.js';
import { EDNS_DO, EdnsOption, RRType, write16 } from './wire.js';

/** Bytes of the fixed OPT RR: root name, type, class, TTL, RDLENGTH. */
const OPT_FIXED = 11;

export interface OptOptions {
  /** The UDP payload size we advertise. */
  payload: number;
  /** RFC 5001 identifier, returned when asked for. */
  nsid: Buffer | undefined;
  /** Server cookies (RFC 7873) for queries that carry a client cookie. */
  cookies: CookieMaker | undefined;
}

/** Builds the OPT record of responses; one per server, shared by every query. */
export class OptWriter {
  constructor(private readonly options: OptOptions) {}

  /** Length of the OPT RR this query's response carries. */
  length(q: ParsedQuery): number {
    const { nsid, cookies } = this.options;
    let len = OPT_FIXED;
    if (q.ecs) len += 8 + q.ecsAddressLength;
    if (q.nsid && nsid !== undefined) len += 4 + nsid.length;
    if (q.cookie && cookies !== undefined) len += 4 + CLIENT_COOKIE_LENGTH + SERVER_COOKIE_LENGTH;
    return len;
  }

  /** Writes the OPT RR at `off`; returns the offset after it. */
  write(out: Buffer, off: number, query: Buffer, q: ParsedQuery, extendedRcode: number, ecsScope: number, clientAddress: string): number {
    const { payload, nsid, cookies } = this.options;
    out[off] = 0;
    write16(out, off + 1, RRType.OPT);
    write16(out, off + 3, payload);
    out[off + 5] = extendedRcode;
    out[off + 6] = 0; // version: we speak EDNS version 0 only
    write16(out, off + 7, q.ednsDo ? EDNS_DO : 0);
    let p = off + OPT_FIXED;
    if (q.ecs) {
      write16(out, p, EdnsOption.ECS);
      write16(out, p + 2, 4 + q.ecsAddressLength);
      write16(out, p + 4, q.ecsFamily);
      out[p + 6] = q.ecsSourcePrefix;
      // RFC 7871 7.2.1: the scope may not be more specific than the family allows, and is 0 when the source was 0.
      out[p + 7] = q.ecsSourcePrefix === 0 ? 0 : Math.min(ecsScope, q.ecsFamily === 1 ? 32 : 128);
      query.copy(out, p + 8, q.ecsAddressStart, q.ecsAddressStart + q.ecsAddressLength);
      p += 8 + q.ecsAddressLength;
    }
    if (q.nsid && nsid !== undefined) {
      write16(out, p, EdnsOption.NSID);
      write16(out, p + 2, nsid.length);
      nsid.copy(out, p + 4);
      p += 4 + nsid.length;
    }
    if (q.cookie && cookies !== undefined) {
      // RFC 7873 5.2.2-5.2.4: echo the client cookie and hand out a fresh server cookie.
      write16(out, p, EdnsOption.COOKIE);
      write16(out, p + 2, CLIENT_COOKIE_LENGTH + SERVER_COOKIE_LENGTH);
      const client = query.subarray(q.cookieStart, q.cookieStart + CLIENT_COOKIE_LENGTH);
      client.copy(out, p + 4);
      cookies.write(out, p + 4 + CLIENT_COOKIE_LENGTH, client, clientAddress);
      p += 4 + CLIENT_COOKIE_LENGTH + SERVER_COOKIE_LENGTH;
    }
    write16(out, off + 9, p - off - OPT_FIXED);
    return p;
  }
}

/** The ECS address of the query in text form, for the dynamic resolver. */
export function ecsAddressText(query: Buffer, q: ParsedQuery): string {
  const at = q.ecsAddressStart;
  const length = q.ecsAddressLength;
  // Every routed query with ECS comes through here: IPv4 is read in place, no copy.
  if (q.ecsFamily === 1) return `${length > 0 ? query[at]! : 0}.${length > 1 ? query[at + 1]! : 0}.${length > 2 ? query[at + 2]! : 0}.${length > 3 ? query[at + 3]! : 0}`;
  const bytes = Buffer.alloc(16);
  query.copy(bytes, 0, at, at + length);
  return ipv6Text(bytes, 0);
}

/** The RFC 5952 text of the 16 address bytes at `offset` (the form node:dgram reports). */
export function ipv6Text(bytes: Uint8Array, offset: number): string {
  const groups: string[] = [];
  for (let i = offset; i < offset + 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return compressIpv6(groups);
}

/** RFC 5952 4.2: the longest run (of two or more) of zero groups becomes "::". */
function compressIpv6(groups: string[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

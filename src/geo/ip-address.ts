import ipaddr from 'ipaddr.js';

/**
 * An address as 32-bit words for bit-walking: one word for IPv4, four for IPv6.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is unwrapped to IPv4 with `mapped` set,
 * so it finds the same networks as the plain IPv4 address; prefix lengths are then
 * reported back in IPv6 terms (+96) because the caller asked in IPv6.
 */
export interface ParsedAddress {
  family: 4 | 6;
  words: readonly number[];
  mapped: boolean;
}

/** Bits added to an IPv4 prefix length to express it inside ::ffff:0:0/96. */
export const MAPPED_PREFIX_BITS = 96;

/**
 * Dotted-quad to a 32-bit word, undefined unless exactly four decimal octets 0-255 without
 * leading zeros (what node:net isIPv4 accepts). Hand-rolled: it runs on every DNS query and
 * split/regex parsing was the largest cost of a lookup.
 */
function parseV4(text: string, from: number, to: number): number | undefined {
  let word = 0;
  let octets = 0;
  let i = from;
  while (i < to) {
    const start = i;
    let value = 0;
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || value > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return undefined;
    word = ((word << 8) | value) >>> 0;
    octets++;
    if (i === to) break;
    if (text.charCodeAt(i) !== 46 || octets === 4) return undefined;
    i++;
    if (i === to) return undefined;
  }
  return octets === 4 ? word : undefined;
}

/** Hex groups of one side of `::`, appended to `out` as 16-bit values; false when malformed. */
function parseV6Groups(text: string, from: number, to: number, out: number[], allowV4Tail: boolean): boolean {
  if (from === to) return true;
  let i = from;
  while (i <= to) {
    let end = text.indexOf(':', i);
    if (end < 0 || end > to) end = to;
    if (end === i) return false;
    if (end === to && allowV4Tail && text.indexOf('.', i) >= 0 && text.indexOf('.', i) < to) {
      const v4 = parseV4(text, i, to);
      if (v4 === undefined) return false;
      out.push(v4 >>> 16, v4 & 0xffff);
      return true;
    }
    if (end - i > 4) return false;
    let value = 0;
    for (let j = i; j < end; j++) {
      const c = text.charCodeAt(j);
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (digit < 0) return false;
      value = (value << 4) | digit;
    }
    out.push(value);
    i = end + 1;
    if (end === to) return true;
    if (i === to) return false;
  }
  return true;
}

/** IPv6 text (with `::`, an embedded IPv4 tail, an ignored %zone) to four 32-bit words. */
function parseV6(address: string): number[] | undefined {
  const zone = address.indexOf('%');
  const text = zone >= 0 ? address.slice(0, zone) : address;
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  if (gap < 0) {
    if (!parseV6Groups(text, 0, text.length, head, true) || head.length !== 8) return undefined;
  } else {
    if (!parseV6Groups(text, 0, gap, head, false) || !parseV6Groups(text, gap + 2, text.length, tail, true)) return undefined;
    if (head.length + tail.length > 7) return undefined;
    while (head.length + tail.length < 8) head.push(0);
    head.push(...tail);
  }
  return [0, 2, 4, 6].map((i) => (((head[i] ?? 0) << 16) | (head[i + 1] ?? 0)) >>> 0);
}

/** Parse an IPv4 or IPv6 address; undefined when it is neither. */
export function parseAddress(address: string): ParsedAddress | undefined {
  if (typeof address !== 'string' || address.length === 0) return undefined;
  if (address.indexOf(':') < 0) {
    const v4 = parseV4(address, 0, address.length);
    return v4 === undefined ? undefined : { family: 4, words: [v4], mapped: false };
  }
  const words = parseV6(address);
  if (!words) return undefined;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return { family: 4, words: [words[3] ?? 0], mapped: true };
  return { family: 6, words, mapped: false };
}

/** Bit i (0 = most significant) of an address. */
export function bitAt(words: readonly number[], i: number): number {
  return ((words[i >>> 5] ?? 0) >>> (31 - (i & 31))) & 1;
}

/** True when every bit from `prefixLength` on is zero (a CIDR written without host bits). */
export function hostBitsZero(words: readonly number[], prefixLength: number): boolean {
  for (let i = prefixLength; i < words.length * 32; i++) if (bitAt(words, i) === 1) return false;
  return true;
}

/** The address with every bit from `prefixLength` on cleared (the network it lies in). */
export function maskAddress(address: ParsedAddress, prefixLength: number): ParsedAddress {
  const words = address.words.map((word, i) => {
    const keep = Math.max(0, Math.min(32, prefixLength - i * 32));
    return keep === 0 ? 0 : (word & (keep === 32 ? 0xffffffff : ~(0xffffffff >>> keep))) >>> 0;
  });
  return { ...address, words };
}

/** Canonical text of a network: `10.0.0.0/8`, `2001:db8::/32`. */
export function formatNetwork(address: ParsedAddress, prefixLength: number): string {
  if (address.family === 4) {
    const w = address.words[0] ?? 0;
    return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}/${prefixLength}`;
  }
  const parts = address.words.flatMap((w) => [w >>> 16, w & 0xffff]);
  return `${new ipaddr.IPv6(parts).toRFC5952String()}/${prefixLength}`;
}

import ipaddr from 'ipaddr.js';
import { createAddressWords, parseAddressWords } from './address-words.js';

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
 * Scratch buffer of the shared parser. Safe at module level: it is filled and read within
 * one synchronous call and never escapes, so it holds no state between calls.
 */
const scratch = createAddressWords();

/**
 * Parse an IPv4 or IPv6 address; undefined when it is neither. An IPv6 zone id
 * (`fe80::1%eth0`) is ignored; leading-zero octets are rejected (as node:net isIP does).
 */
export function parseAddress(address: string): ParsedAddress | undefined {
  if (typeof address !== 'string' || address.length === 0) return undefined;
  const colon = address.indexOf(':');
  let end = address.length;
  if (colon >= 0) {
    // Only IPv6 text carries a zone id; what precedes it must still be IPv6.
    const zone = address.indexOf('%');
    if (zone >= 0) {
      if (colon > zone) return undefined;
      end = zone;
    }
  }
  if (!parseAddressWords(address, scratch, end)) return undefined;
  const w = scratch.words;
  if (scratch.family === 4) return { family: 4, words: [w[0]!], mapped: colon >= 0 };
  return { family: 6, words: [w[0]!, w[1]!, w[2]!, w[3]!], mapped: false };
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

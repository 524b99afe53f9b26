/**
 * Routing's own address helpers (wire bytes, CIDRs, bit access), built on geo's shared
 * zero-allocation parser: routing depends on geo, so the one text → words parser lives there.
 */
import { createAddressWords, parseAddressWords, type AddressWords } from '../geo/index.js';

export {
  createAddressWords as createParsedAddress,
  parseAddressWords as parseAddress,
  type AddressWords as ParsedAddress,
} from '../geo/index.js';

/** Bit `index` (0 = most significant) of the address. */
export function addressBit(words: Uint32Array, index: number): number {
  return (words[index >>> 5]! >>> (31 - (index & 31))) & 1;
}

/** 4-byte or 16-byte wire form, for A/AAAA rdata. */
export function addressBytes(parsed: AddressWords): Buffer {
  if (parsed.family === 4) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(parsed.words[0]!, 0);
    return b;
  }
  const b = Buffer.alloc(16);
  for (let k = 0; k < 4; k++) b.writeUInt32BE(parsed.words[k]!, 4 * k);
  return b;
}

export interface ParsedCidr {
  family: 4 | 6;
  words: Uint32Array;
  prefix: number;
}

/** Parses `addr/len` with host bits zero; returns an error message instead of throwing. */
export function parseCidr(text: string): ParsedCidr | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `'${text}' is not a CIDR (expected address/prefix)`;
  const parsed = createAddressWords();
  if (!parseAddressWords(text.slice(0, slash), parsed) || text.slice(0, slash).includes('%')) {
    return `'${text}' has an invalid address`;
  }
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return `'${text}' has an invalid prefix length`;
  const prefix = Number(lenText);
  // An IPv4-mapped IPv6 network is written in IPv6 bits; keep it IPv6 for its prefix to make sense.
  const family: 4 | 6 = text.slice(0, slash).includes(':') ? 6 : 4;
  const max = family === 4 ? 32 : 128;
  if (prefix > max) return `'${text}' has a prefix longer than ${max}`;
  const words = new Uint32Array(4);
  if (family === 6 && parsed.family === 4) {
    words[2] = 0xffff;
    words[3] = parsed.words[0]!;
  } else {
    words.set(parsed.words);
  }
  for (let bit = prefix; bit < max; bit++) {
    if (addressBit(words, bit) !== 0) return `'${text}' has host bits set (prefix /${prefix})`;
  }
  return { family, words, prefix };
}

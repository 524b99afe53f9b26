/**
 * DNS Cookies (RFC 7873) with the interoperable server cookie of RFC 9018: version 1,
 * three reserved bytes, a 32-bit timestamp, and SipHash-2-4 of (client cookie |
 * version | reserved | timestamp | client address) keyed with the 128-bit server
 * secret. Servers of an anycast set that share the secret (Meridian, BIND, Knot,
 * PowerDNS alike) accept each other's cookies.
 * We never enforce cookies (no BADCOOKIE); we hand them out so resolvers can.
 */
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';
import siphash from 'siphash';

export const CLIENT_COOKIE_LENGTH = 8;
export const SERVER_COOKIE_LENGTH = 16;
/** RFC 9018 4.4: SipHash-2-4 takes a 128-bit key. */
export const COOKIE_SECRET_LENGTH = 16;
const VERSION = 1;
/** Client cookie, version, reserved, timestamp, then up to 16 address bytes. */
const HASH_INPUT_MAX = CLIENT_COOKIE_LENGTH + 8 + 16;

export class CookieMaker {
  private readonly key: Uint32Array;
  private readonly input = Buffer.alloc(HASH_INPUT_MAX);

  constructor(
    secret: Buffer,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    if (secret.length < COOKIE_SECRET_LENGTH) throw new RangeError(`a cookie secret has at least ${COOKIE_SECRET_LENGTH} bytes, got ${secret.length}`);
    // A 128-bit secret is the SipHash key itself, as other RFC 9018 servers use it; a longer one
    // (accepted before cookies were RFC 9018's) is folded to 128 bits, valid among Meridian servers.
    const key = secret.length === COOKIE_SECRET_LENGTH ? secret : createHash('sha256').update(secret).digest().subarray(0, COOKIE_SECRET_LENGTH);
    this.key = Uint32Array.from([0, 4, 8, 12], (at) => key.readUInt32LE(at));
  }

  /** Writes our server cookie for this client cookie and address at `out[off..off+16)`. */
  write(out: Buffer, off: number, clientCookie: Buffer, clientAddress: string): void {
    const timestamp = this.now() >>> 0;
    out[off] = VERSION;
    out[off + 1] = 0;
    out[off + 2] = 0;
    out[off + 3] = 0;
    out.writeUInt32BE(timestamp, off + 4);
    const input = this.input;
    clientCookie.copy(input, 0, 0, CLIENT_COOKIE_LENGTH);
    out.copy(input, CLIENT_COOKIE_LENGTH, off, off + 8);
    const address = addressBytes(clientAddress);
    input.set(address, CLIENT_COOKIE_LENGTH + 8);
    const { h, l } = siphash.hash(this.key, input.subarray(0, CLIENT_COOKIE_LENGTH + 8 + address.length));
    // The reference implementation emits the 64-bit result little-endian.
    out.writeUInt32LE(l >>> 0, off + 8);
    out.writeUInt32LE(h >>> 0, off + 12);
  }
}

function addressBytes(address: string): Uint8Array {
  if (address === '') return new Uint8Array(0);
  try {
    return Uint8Array.from(isIPv4(address) ? ipaddr.IPv4.parse(address).toByteArray() : ipaddr.IPv6.parse(address).toByteArray());
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * DNS Cookies (RFC 7873) with the server cookie layout of RFC 9018 4: version 1,
 * three reserved bytes, a 32-bit timestamp, and an 8-byte hash of (client cookie |
 * version | reserved | timestamp | client address) keyed with the server secret.
 * The hash is HMAC-SHA-256 cut to 8 bytes instead of RFC 9018's SipHash-2-4 (not in
 * node:crypto): servers sharing a secret still accept each other's cookies as long
 * as they are all Meridian, which is what an anycast set of one operator is.
 * We never enforce cookies (no BADCOOKIE); we hand them out so resolvers can.
 */
import { createHmac } from 'node:crypto';
import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

export const CLIENT_COOKIE_LENGTH = 8;
export const SERVER_COOKIE_LENGTH = 16;
const VERSION = 1;

export class CookieMaker {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Writes our server cookie for this client cookie and address at `out[off..off+16)`. */
  write(out: Buffer, off: number, clientCookie: Buffer, clientAddress: string): void {
    const timestamp = this.now() >>> 0;
    out[off] = VERSION;
    out[off + 1] = 0;
    out[off + 2] = 0;
    out[off + 3] = 0;
    out.writeUInt32BE(timestamp, off + 4);
    const hmac = createHmac('sha256', this.secret);
    hmac.update(clientCookie);
    hmac.update(out.subarray(off, off + 8));
    hmac.update(addressBytes(clientAddress));
    hmac.digest().copy(out, off + 8, 0, 8);
  }
}

function addressBytes(address: string): Uint8Array {
  if (address === '') return new Uint8Array(0);
  try {
    return Uint8Array.from(isIPv4(address) ? ipaddr.IPv4.parse(address).toByteArray() : ipaddr.IPv6.parse(address).toByteArray());
  } catch {
    return Buffer.from(address, 'latin1');
  }
}

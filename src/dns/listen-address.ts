import { isIP } from 'node:net';
import { DnsError, DnsErrorCode } from './errors.js';
import type { ListenAddress } from './types.js';

/** "HOST:PORT" or "[IPV6]:PORT" to an address; the host must be an IP literal. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (host === undefined || isIP(host) === 0 || !Number.isInteger(port) || port > 65535) {
    throw new DnsError(DnsErrorCode.LISTEN, `bad listen address '${text}'`, {
      hint: 'use HOST:PORT with an IP literal, e.g. 127.0.0.1:5353 or [::1]:5353',
    });
  }
  return { host, port };
}

export function formatListenAddress(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Server options, validated once at the edge: unknown keys are rejected and every
 * error names its path. The result is frozen.
 */
import { z } from 'zod';
import { formatConfigIssues } from '../config/index.js';
import { DnsError, DnsErrorCode } from './errors.js';
import { UDP_IO_MODES } from './udp-io-modes.js';
import { DEFAULT_EDNS_PAYLOAD } from './wire.js';

const listenSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
});

export const dnsServerConfigSchema = z.strictObject({
  listen: z.array(listenSchema).min(1),
  /** RFC 6891 6.2.5; 1232 avoids IP fragmentation on almost every path (DNS flag day 2020). */
  ednsPayload: z.number().int().min(512).max(4096).default(DEFAULT_EDNS_PAYLOAD),
  /** RFC 5001 server identifier returned to queries that carry an empty NSID option. */
  nsid: z.string().min(1).max(128).optional(),
  /**
   * Hex secret for RFC 7873 server cookies. Servers of one anycast set share it so a resolver's
   * cookie stays valid across them; 32 hex digits (the 128-bit SipHash-2-4 key of RFC 9018) make
   * the cookies valid for BIND, Knot and PowerDNS servers sharing it too; longer ones (up to 64
   * bytes) only among Meridian servers. By default each process draws its own.
   */
  cookieSecret: z.string().regex(/^([0-9a-fA-F]{2}){16,64}$/, 'must be 32-128 hex digits (32 for an RFC 9018 SipHash-2-4 key other servers can share)').optional(),
  /**
   * How UDP datagrams reach the responder: `batched` (native recvmmsg/sendmmsg, one JavaScript
   * call per batch), `dgram` (node:dgram, one call per datagram), or `auto` (batched when the addon
   * built by `npm install` loads, dgram otherwise).
   */
  udpIo: z.enum(UDP_IO_MODES).default('auto'),
  /**
   * Bind UDP with SO_REUSEPORT, so that other threads can answer on the same addresses (the
   * kernel spreads senders over the sockets). Needs the batched path: node:dgram on Node 20
   * cannot set it.
   */
  reusePort: z.boolean().default(false),
  /** Answer UDP only: the extra answering threads leave TCP to the main one. */
  udpOnly: z.boolean().default(false),
  /** Prepared responses kept in memory (FIFO-evicted). */
  templateCapacity: z.number().int().min(0).max(10_000_000).default(100_000),
  tcp: z
    .strictObject({
      /** RFC 7766 6.2.3: close connections idle this long. */
      idleTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
      /** A message whose bytes trickle in slower than this is abandoned (slowloris). */
      messageTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
      maxConnections: z.number().int().min(1).max(1_000_000).default(1_000),
      /** Unread responses queued per connection before we stop reading from it. */
      maxPendingOutputBytes: z.number().int().min(65_537).max(64 * 1024 * 1024).default(1024 * 1024),
    })
    .default({ idleTimeoutMs: 10_000, messageTimeoutMs: 5_000, maxConnections: 1_000, maxPendingOutputBytes: 1024 * 1024 }),
});

export type DnsServerConfigInput = z.input<typeof dnsServerConfigSchema>;
export type DnsServerConfig = Readonly<z.output<typeof dnsServerConfigSchema>>;
export type TcpConfig = DnsServerConfig['tcp'];

export function parseDnsServerConfig(input: unknown): DnsServerConfig {
  const result = dnsServerConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = formatConfigIssues(result.error.issues).join('; ');
    throw new DnsError(DnsErrorCode.CONFIG, `invalid DNS server options: ${problems}`, { cause: result.error });
  }
  return Object.freeze(result.data);
}

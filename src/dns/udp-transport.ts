/**
 * The UDP side of one listen address, in one of two ways: the batched native socket
 * (recvmmsg/sendmmsg, one JavaScript call per batch; Linux, built by `npm install`)
 * or node:dgram (one call per datagram; everywhere). `auto` takes the batched one
 * when it loaded and says so in the log otherwise.
 */
import type { Logger } from '../telemetry/index.js';
import type { UdpIoMode } from './udp-io-modes.js';
import { BatchedUdpListener } from './batched-udp-listener.js';
import { DnsError, DnsErrorCode } from './errors.js';
import type { DnsMetrics } from './metrics.js';
import type { Responder } from './responder.js';
import type { ListenAddress } from './types.js';
import { loadUdpBatchAddon, type UdpBatchAddon } from './udp-batch-addon.js';
import { UdpListener } from './udp-listener.js';

export interface UdpTransport {
  /** Binds and starts answering; resolves with the bound port. */
  listen(address: ListenAddress): Promise<number>;
  close(): Promise<void>;
}

export interface UdpTransportFactory {
  /** What `auto` resolved to, for the start-up log line. */
  readonly mode: Exclude<UdpIoMode, 'auto'>;
  create(): UdpTransport;
}

export function udpTransportFactory(mode: UdpIoMode, reusePort: boolean, responder: Responder, metrics: DnsMetrics, logger: Logger): UdpTransportFactory {
  const dgram: UdpTransportFactory = { mode: 'dgram', create: () => new UdpListener(responder, metrics, logger) };
  if (mode === 'dgram' && reusePort) {
    throw new DnsError(DnsErrorCode.CONFIG, 'reusePort (several UDP threads) needs batched UDP: node:dgram cannot set SO_REUSEPORT on Node 20', {
      hint: 'use --udp-io batched (or auto with the addon built), or one UDP thread',
    });
  }
  if (mode === 'dgram') return dgram;
  const loaded = loadUdpBatchAddon();
  if (loaded instanceof Error) {
    if (mode === 'batched' || reusePort) {
      throw new DnsError(DnsErrorCode.CONFIG, `batched UDP is not available: ${loaded.message}`, {
        cause: loaded,
        hint: 'run `npm install` where python3, make and g++ are installed (it builds build/Release/meridian_udp_batch.node), or use --udp-io dgram',
      });
    }
    logger.warn({ reason: loaded.message }, 'batched UDP addon not loaded: answering UDP through node:dgram (about a third of the queries per CPU-second)');
    return dgram;
  }
  const addon: UdpBatchAddon = loaded;
  return { mode: 'batched', create: () => new BatchedUdpListener(addon, { reusePort }, responder, metrics, logger) };
}

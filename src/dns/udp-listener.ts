/**
 * DNS over UDP on one address through node:dgram. The message handler is as thin as Node allows:
 * answer synchronously, send without a callback, and resolve the peer address
 * with a synchronous identity lookup (the default dns.lookup defers every send
 * to the next tick even for IP literals).
 */
import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import type { Logger } from '../telemetry/index.js';
import { DnsError, DnsErrorCode } from './errors.js';
import { formatListenAddress } from './listen-address.js';
import type { DnsMetrics } from './metrics.js';
import { TRANSPORT_UDP } from './metrics.js';
import type { Responder } from './responder.js';
import type { ListenAddress } from './types.js';
import type { UdpTransport } from './udp-transport.js';

/** Socket buffers big enough to ride out bursts; the kernel caps them at rmem_max/wmem_max. */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

export function udpListenError(address: ListenAddress, err: Error): DnsError {
  return new DnsError(DnsErrorCode.LISTEN, `cannot listen on udp ${formatListenAddress(address)}: ${err.message}`, { cause: err, hint: 'pick a free port, or run with the right to bind it' });
}

const identityLookup = (address: string, family: unknown, callback: (err: null, address: string, family: number) => void): void => {
  callback(null, address, family === 6 || address.includes(':') ? 6 : 4);
};

export class UdpListener implements UdpTransport {
  private socket: Socket | undefined;

  constructor(
    private readonly responder: Responder,
    private readonly metrics: DnsMetrics,
    private readonly logger: Logger,
  ) {}

  async listen(address: ListenAddress): Promise<number> {
    const ipv6 = address.host.includes(':');
    const socket = createSocket({
      type: ipv6 ? 'udp6' : 'udp4',
      // So "[::]:53" and "0.0.0.0:53" can be listed side by side.
      ipv6Only: ipv6,
      lookup: identityLookup as unknown as SocketOptions['lookup'],
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => reject(udpListenError(address, err)));
      socket.bind(address.port, address.host, () => resolve());
    });
    socket.removeAllListeners('error');
    socket.on('error', (err) => {
      this.metrics.drop('send_error');
      this.logger.debug({ err }, 'udp socket error');
    });
    for (const set of [socket.setRecvBufferSize, socket.setSendBufferSize]) {
      try {
        set.call(socket, SOCKET_BUFFER_BYTES);
      } catch {
        // The default buffers work, only burst tolerance is lower.
      }
    }
    const responder = this.responder;
    const metrics = this.metrics;
    socket.on('message', (msg, rinfo) => {
      const response = responder.handle(msg, TRANSPORT_UDP, rinfo.address);
      if (response === undefined) return;
      try {
        socket.send(response, rinfo.port, rinfo.address);
      } catch {
        // A forged source (port 0) makes send() throw synchronously; it must not reach the process.
        metrics.drop('send_error');
      }
    });
    this.socket = socket;
    return socket.address().port;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

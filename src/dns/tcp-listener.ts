/**
 * DNS over TCP on one address (RFC 7766): many queries per connection, each
 * answered as soon as it is complete (pipelining), an idle timeout, a deadline for
 * a message that trickles in (slowloris), a connection limit, and backpressure so a
 * client that does not read cannot make us buffer without bound.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../telemetry/index.js';
import type { TcpConfig } from './config.js';
import { DnsError, DnsErrorCode } from './errors.js';
import { formatListenAddress } from './listen-address.js';
import { TRANSPORT_TCP, type DnsMetrics } from './metrics.js';
import type { Responder } from './responder.js';
import type { ListenAddress } from './types.js';
import { HEADER_LENGTH } from './wire.js';

export class TcpListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly responder: Responder,
    private readonly metrics: DnsMetrics,
    private readonly config: TcpConfig,
    private readonly logger: Logger,
  ) {}

  async listen(address: ListenAddress): Promise<number> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    server.maxConnections = this.config.maxConnections;
    server.on('drop', () => this.metrics.drop('tcp_too_many_connections'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(new DnsError(DnsErrorCode.LISTEN, `cannot listen on tcp ${formatListenAddress(address)}: ${err.message}`, { cause: err, hint: 'pick a free port, or run with the right to bind it' })),
      );
      server.listen({ host: address.host, port: address.port, ipv6Only: address.host.includes(':') }, () => resolve());
    });
    server.removeAllListeners('error');
    server.on('error', (err) => this.logger.warn({ err }, 'tcp listener error'));
    this.server = server;
    const bound = server.address();
    return typeof bound === 'object' && bound !== null ? bound.port : address.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    this.metrics.tcpConnections = this.sockets.size;
    new TcpConnection(socket, this.responder, this.metrics, this.config);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.metrics.tcpConnections = this.sockets.size;
    });
  }
}

class TcpConnection {
  /** Bytes received but not yet a whole message; never more than one message (2 + 65535). */
  private pending: Buffer = Buffer.alloc(0);
  private messageTimer: NodeJS.Timeout | undefined;
  private readonly clientAddress: string;

  constructor(
    private readonly socket: Socket,
    private readonly responder: Responder,
    private readonly metrics: DnsMetrics,
    private readonly config: TcpConfig,
  ) {
    this.clientAddress = socket.remoteAddress ?? '';
    socket.setTimeout(config.idleTimeoutMs, () => this.abort('tcp_timeout'));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => socket.resume());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => clearTimeout(this.messageTimer));
  }

  private receive(chunk: Buffer): void {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let off = 0;
    while (data.length - off >= 2) {
      const length = data.readUInt16BE(off);
      // No DNS message is shorter than its header: the framing cannot be trusted any more.
      if (length < HEADER_LENGTH) {
        this.abort('tcp_bad_frame');
        return;
      }
      if (data.length - off - 2 < length) break;
      const message = data.subarray(off + 2, off + 2 + length);
      off += 2 + length;
      const response = this.responder.handle(message, TRANSPORT_TCP, this.clientAddress);
      if (response !== undefined) this.send(response);
      if (this.socket.destroyed) return;
    }
    this.pending = off === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(off));
    this.armMessageTimer(off > 0, this.pending.length > 0);
  }

  private send(response: Buffer): void {
    const framed = Buffer.allocUnsafe(2 + response.length);
    framed.writeUInt16BE(response.length, 0);
    response.copy(framed, 2);
    // RFC 7766 6.2.1.1 answers in completion order; ours are synchronous, so in order.
    if (!this.socket.write(framed) && this.socket.writableLength > this.config.maxPendingOutputBytes) this.socket.pause();
  }

  /** A partial message must complete within messageTimeoutMs, however slowly bytes keep arriving. */
  private armMessageTimer(progressed: boolean, partial: boolean): void {
    if (progressed || !partial) {
      clearTimeout(this.messageTimer);
      this.messageTimer = undefined;
    }
    if (partial && this.messageTimer === undefined) {
      this.messageTimer = setTimeout(() => this.abort('tcp_timeout'), this.config.messageTimeoutMs);
      this.messageTimer.unref();
    }
  }

  private abort(reason: 'tcp_timeout' | 'tcp_bad_frame'): void {
    this.metrics.drop(reason);
    this.socket.destroy();
  }
}

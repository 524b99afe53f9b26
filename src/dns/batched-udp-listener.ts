/**
 * DNS over UDP on one address through the native batching socket: the kernel hands
 * over up to a batch of datagrams at once, each is answered here in place (the query
 * is a view into shared memory, valid only during the call), and the answers go
 * back in one system call.
 */
import type { Logger } from '../telemetry/index.js';
import { BoundedMap } from './bounded-map.js';
import { ipv6Text } from './edns.js';
import type { DnsMetrics } from './metrics.js';
import { TRANSPORT_UDP } from './metrics.js';
import type { Responder } from './responder.js';
import type { ListenAddress } from './types.js';
import type { NativeUdpSocket, UdpBatchAddon } from './udp-batch-addon.js';
import { SOCKET_BUFFER_BYTES, udpListenError } from './udp-listener.js';
import type { UdpTransport } from './udp-transport.js';

/** Resolver addresses seen recently; a few thousand resolvers send most of a zone's queries. */
const PEER_TEXT_CAPACITY = 16_384;

/** Offsets inside one meta record (see native/udp-batch.c). */
const META_LENGTH = 0;
const META_FAMILY = 2;
const META_ADDRESS_BYTE = 16;

export class BatchedUdpListener implements UdpTransport {
  private socket: NativeUdpSocket | undefined;

  constructor(
    private readonly addon: UdpBatchAddon,
    private readonly options: { reusePort: boolean },
    private readonly responder: Responder,
    private readonly metrics: DnsMetrics,
    private readonly logger: Logger,
  ) {}

  listen(address: ListenAddress): Promise<number> {
    let socket: NativeUdpSocket;
    try {
      socket = this.addon.open(address.host, address.port, SOCKET_BUFFER_BYTES, this.options.reusePort);
    } catch (err) {
      return Promise.reject(udpListenError(address, err instanceof Error ? err : new Error(String(err))));
    }
    const responses = new Array<Buffer | undefined>(socket.batch).fill(undefined);
    this.addon.start(socket, this.batchHandler(socket, responses), responses);
    this.socket = socket;
    this.logger.debug({ port: socket.port, batch: socket.batch }, 'batched udp socket listening');
    return Promise.resolve(socket.port);
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) this.addon.close(socket);
    return Promise.resolve();
  }

  private batchHandler(socket: NativeUdpSocket, responses: Array<Buffer | undefined>): (count: number) => void {
    const { responder, metrics } = this;
    const packets = Buffer.from(socket.packets);
    const metaWords = new Int32Array(socket.meta);
    const metaBytes = new Uint8Array(socket.meta);
    const wordsPerRecord = socket.metaBytes >>> 2;
    const { slotBytes, metaBytes: recordBytes, sendErrorsCell } = socket;
    const peers = new PeerText();
    return (count) => {
      metrics.udpBatches++;
      const refused = metaWords[sendErrorsCell]!;
      if (refused > 0) {
        metrics.drop('send_error', refused);
        metaWords[sendErrorsCell] = 0;
      }
      for (let i = 0; i < count; i++) {
        const word = i * wordsPerRecord;
        const at = i * recordBytes + META_ADDRESS_BYTE;
        const peer = metaWords[word + META_FAMILY] === 6 ? ipv6Text(metaBytes, at) : peers.ipv4(metaBytes, at);
        const start = i * slotBytes;
        try {
          responses[i] = responder.handle(packets.subarray(start, start + metaWords[word + META_LENGTH]!), TRANSPORT_UDP, peer);
        } catch {
          // Responder.handle never throws by contract; a datagram lost is the worst case.
          responses[i] = undefined;
          metrics.drop('internal_error');
        }
      }
    };
  }
}

/** Dotted IPv4 text of a peer, remembered by its 32-bit value so a busy resolver costs one lookup. */
class PeerText {
  private readonly known = new BoundedMap<number, string>(PEER_TEXT_CAPACITY);

  ipv4(bytes: Uint8Array, at: number): string {
    const a = bytes[at]!;
    const b = bytes[at + 1]!;
    const c = bytes[at + 2]!;
    const d = bytes[at + 3]!;
    const key = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    let text = this.known.get(key);
    if (text === undefined) {
      text = `${a}.${b}.${c}.${d}`;
      this.known.set(key, text);
    }
    return text;
  }
}

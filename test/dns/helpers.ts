/**
 * Test helpers for the DNS server: a query builder that can also build broken
 * packets, raw UDP/TCP exchanges over real sockets, a decoder (dns2's Packet codec
 * plus a raw look at the header and the OPT record), and a server on the fixtures.
 */
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestContext } from 'node:test';
import dns2 from 'dns2';
import { createDnsServer, type DnsServer, type DnsServerConfigInput, type DynamicResolver } from '../../src/dns/index.js';
import { createMetricsRegistry, createSilentLogger, type Registry } from '../../src/telemetry/index.js';
import { ZoneStore, parseZoneFile } from '../../src/zone/index.js';
import { fromRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, DS: 43, ANY: 255 } as const;

export interface EdnsSpec {
  payload?: number;
  version?: number;
  do?: boolean;
  options?: Array<{ code: number; data: Buffer }>;
}

export interface QuerySpec {
  name: string;
  type?: number;
  qclass?: number;
  id?: number;
  rd?: boolean;
  opcode?: number;
  edns?: EdnsSpec;
}

export function encodeQName(name: string): Buffer {
  const parts: number[] = [];
  for (const label of name.split('.').filter((l) => l.length > 0)) parts.push(label.length, ...Buffer.from(label, 'latin1'));
  parts.push(0);
  return Buffer.from(parts);
}

export function optRecord(edns: EdnsSpec): Buffer {
  const options = Buffer.concat((edns.options ?? []).map((o) => Buffer.concat([u16(o.code), u16(o.data.length), o.data])));
  const head = Buffer.alloc(11);
  head.writeUInt16BE(TYPE.OPT, 1);
  head.writeUInt16BE(edns.payload ?? 1232, 3);
  head[6] = edns.version ?? 0;
  head.writeUInt16BE(edns.do ? 0x8000 : 0, 7);
  head.writeUInt16BE(options.length, 9);
  return Buffer.concat([head, options]);
}

export function buildQuery(spec: QuerySpec): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(spec.id ?? 0x1234, 0);
  header.writeUInt16BE(((spec.opcode ?? 0) << 11) | (spec.rd === false ? 0 : 0x0100), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(spec.edns ? 1 : 0, 10);
  const question = Buffer.concat([encodeQName(spec.name), u16(spec.type ?? TYPE.A), u16(spec.qclass ?? 1)]);
  return Buffer.concat([header, question, spec.edns ? optRecord(spec.edns) : Buffer.alloc(0)]);
}

export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}

/** ECS option data (RFC 7871 6) from its parts, address bytes given as-is. */
export function ecsOption(family: number, source: number, scope: number, address: number[]): { code: number; data: Buffer } {
  return { code: 8, data: Buffer.from([family >> 8, family & 0xff, source, scope, ...address]) };
}

export interface DecodedRecord {
  name: string;
  type: number;
  ttl: number;
  [field: string]: unknown;
}

export interface Decoded {
  raw: Buffer;
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** Full 12-bit rcode (OPT extension merged). */
  rcode: number;
  qdcount: number;
  /** Raw bytes of the question name as sent back (case included). */
  questionName: Buffer | undefined;
  answers: DecodedRecord[];
  authorities: DecodedRecord[];
  additionals: DecodedRecord[];
  opt: { payload: number; extendedRcode: number; version: number; do: boolean; options: Array<{ code: number; data: Buffer }> } | undefined;
}

export function decode(raw: Buffer): Decoded {
  const flags = raw.readUInt16BE(2);
  const packet = dns2.Packet.parse(raw) as unknown as { answers: DecodedRecord[]; authorities: DecodedRecord[]; additionals: DecodedRecord[] };
  const opt = findOpt(raw);
  const qdcount = raw.readUInt16BE(4);
  let questionName: Buffer | undefined;
  if (qdcount > 0) {
    let off = 12;
    while (raw[off] !== 0) off += 1 + raw[off]!;
    questionName = raw.subarray(12, off + 1);
  }
  return {
    raw,
    id: raw.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    rcode: ((opt?.extendedRcode ?? 0) << 4) | (flags & 0xf),
    qdcount,
    questionName,
    answers: packet.answers,
    authorities: packet.authorities,
    additionals: packet.additionals.filter((r) => r.type !== TYPE.OPT),
    opt,
  };
}

/** Walks the message by hand to read the OPT record exactly as sent (dns2 drops unknown options). */
function findOpt(raw: Buffer): Decoded['opt'] {
  let off = 12;
  const skipName = (): void => {
    for (;;) {
      const l = raw[off]!;
      if (l === 0) {
        off += 1;
        return;
      }
      if ((l & 0xc0) === 0xc0) {
        off += 2;
        return;
      }
      off += 1 + l;
    }
  };
  for (let i = 0; i < raw.readUInt16BE(4); i++) {
    skipName();
    off += 4;
  }
  const records = raw.readUInt16BE(6) + raw.readUInt16BE(8) + raw.readUInt16BE(10);
  let found: Decoded['opt'];
  for (let i = 0; i < records; i++) {
    skipName();
    const type = raw.readUInt16BE(off);
    const rdlength = raw.readUInt16BE(off + 8);
    if (type === TYPE.OPT) {
      const options: Array<{ code: number; data: Buffer }> = [];
      for (let p = off + 10; p < off + 10 + rdlength; ) {
        const len = raw.readUInt16BE(p + 2);
        options.push({ code: raw.readUInt16BE(p), data: Buffer.from(raw.subarray(p + 4, p + 4 + len)) });
        p += 4 + len;
      }
      if (found !== undefined) throw new Error('two OPT records in a response');
      found = { payload: raw.readUInt16BE(off + 2), extendedRcode: raw[off + 4]!, version: raw[off + 5]!, do: (raw.readUInt16BE(off + 6) & 0x8000) !== 0, options };
    }
    off += 10 + rdlength;
  }
  return found;
}

/** Sends one datagram; resolves with the reply, or undefined when none came within `timeoutMs`. */
export function udpExchange(port: number, message: Buffer, options: { host?: string; timeoutMs?: number } = {}): Promise<Buffer | undefined> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, options.timeoutMs ?? 3000);
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(message, port, host);
  });
}

export async function udpQuery(port: number, spec: QuerySpec, host?: string): Promise<Decoded> {
  const reply = await udpExchange(port, buildQuery(spec), host === undefined ? {} : { host });
  if (reply === undefined) throw new Error(`no UDP reply for ${spec.name}`);
  return decode(reply);
}

/** A TCP connection that collects length-prefixed replies. */
export class TcpClient {
  private buffer = Buffer.alloc(0);
  private readonly replies: Buffer[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 2 && this.buffer.length >= 2 + this.buffer.readUInt16BE(0)) {
        const length = this.buffer.readUInt16BE(0);
        this.replies.push(Buffer.from(this.buffer.subarray(2, 2 + length)));
        this.buffer = this.buffer.subarray(2 + length);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TcpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => resolve(new TcpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes raw bytes (framing is the caller's business). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Writes one framed message. */
  send(message: Buffer): void {
    this.write(Buffer.concat([u16(message.length), message]));
  }

  /** Resolves with `count` replies, or rejects when the connection closes or time runs out first. */
  async receive(count: number, timeoutMs = 5000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length < count) {
      if (this.closed) throw new Error(`connection closed after ${this.replies.length} of ${count} replies`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${this.replies.length} of ${count} replies`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.replies.splice(0, count);
  }

  /** Resolves true when the server closes the connection within `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export async function tcpQuery(port: number, spec: QuerySpec, host?: string): Promise<Decoded> {
  const client = await TcpClient.connect(port, host);
  try {
    client.send(buildQuery(spec));
    const [reply] = await client.receive(1);
    return decode(reply!);
  } finally {
    client.close();
  }
}

/**
 * Both UDP paths run the UDP suites. startTestServer asks for `batched` unless told
 * otherwise, so a missing native addon fails the tests instead of passing on dgram.
 */
export const UDP_IO_UNDER_TEST = ['batched', 'dgram'] as const;

export interface TestServer {
  port: number;
  server: DnsServer;
  store: ZoneStore;
  registry: Registry;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** A server on the test zone and the example zone, on a free loopback port, closed after the test. */
/** Pass the test context to have the server closed after the test; without one, call close(). */
export async function startTestServer(t: TestContext | undefined, options: { dynamic?: DynamicResolver; config?: Partial<DnsServerConfigInput> } = {}): Promise<TestServer> {
  const store = new ZoneStore();
  const summary = await store.loadDirectory(fromRoot('test', 'dns', 'fixtures'));
  if (summary.failed) throw new Error(`fixture zones rejected: ${JSON.stringify(summary.problems)}`);
  store.setZone(parseZoneFile(fromRoot('zones', 'cdn.example.com.zone')));
  const registry = createMetricsRegistry();
  const port = await freePort();
  const server = createDnsServer(
    { listen: [{ host: '127.0.0.1', port }], udpIo: 'batched', ...options.config },
    { zones: store, registry, logger: createSilentLogger(), ...(options.dynamic ? { dynamic: options.dynamic } : {}) },
  );
  await server.start();
  t?.after(() => server.close());
  return { port, server, store, registry, metrics: () => registry.metrics(), close: () => server.close() };
}

const run = promisify(execFile);

/** Runs dig (dnsutils); fails loudly when it is missing, since CI installs it. */
export async function dig(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('dig', args, { timeout: 15_000 });
    return stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('dig is not installed: apt-get install dnsutils (.ci/run installs it)');
    throw err;
  }
}

/** The A addresses of a decoded answer section, sorted. */
export function addresses(records: DecodedRecord[]): string[] {
  return records.filter((r) => r.type === TYPE.A || r.type === TYPE.AAAA).map((r) => String(r.address)).sort();
}

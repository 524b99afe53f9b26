/**
 * DNS metrics. The hot path only bumps numbers in typed arrays; prom-client reads
 * them at scrape time through `collect()`, so a query never pays for label hashing.
 */
import { Counter, Gauge, Histogram, type Registry } from '../telemetry/index.js';
import { RCODE_NAMES } from './wire.js';

const TRANSPORTS = ['udp', 'tcp'] as const;
export const TRANSPORT_UDP = 0;
export const TRANSPORT_TCP = 1;

export const DROP_REASONS = [
  'short_header',
  'response_bit',
  'internal_error',
  'tcp_bad_frame',
  'tcp_timeout',
  'tcp_too_many_connections',
  'send_error',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

const RCODES = Object.keys(RCODE_NAMES).map(Number);
const RCODE_SLOTS = RCODES.length + 1;

/** Sample one query in this many for the latency histogram: timing every query costs more than answering some. */
export const LATENCY_SAMPLE_EVERY = 64;

export class DnsMetrics {
  private readonly queries = new Float64Array(TRANSPORTS.length * RCODE_SLOTS);
  private readonly drops = new Float64Array(DROP_REASONS.length);
  private readonly cache = new Float64Array(2);
  private readonly rcodeSlot = new Int8Array(4096).fill(RCODES.length);
  readonly latency: Histogram;
  tcpConnections = 0;
  templates = 0;
  /** Batches the native UDP socket handed over (queries ÷ batches = how much batching saved). */
  udpBatches = 0;

  constructor(registry: Registry) {
    RCODES.forEach((code, i) => (this.rcodeSlot[code] = i));
    const queries = this.queries;
    const drops = this.drops;
    const cache = this.cache;
    const self = this;
    new Counter({
      name: 'meridian_dns_queries_total',
      help: 'DNS responses sent, by transport and response code.',
      labelNames: ['transport', 'rcode'],
      registers: [registry],
      collect() {
        this.reset();
        TRANSPORTS.forEach((transport, t) => {
          for (let slot = 0; slot < RCODE_SLOTS; slot++) {
            const value = queries[t * RCODE_SLOTS + slot]!;
            if (value > 0) this.inc({ transport, rcode: slot < RCODES.length ? RCODE_NAMES[RCODES[slot]!]! : 'OTHER' }, value);
          }
        });
      },
    });
    new Counter({
      name: 'meridian_dns_dropped_total',
      help: 'DNS messages dropped without an answer, and TCP connections closed for misbehaving, by reason.',
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        this.reset();
        DROP_REASONS.forEach((reason, i) => {
          if (drops[i]! > 0) this.inc({ reason }, drops[i]!);
        });
      },
    });
    new Counter({
      name: 'meridian_dns_template_lookups_total',
      help: 'Prepared-response cache lookups, by result.',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        this.reset();
        if (cache[0]! > 0) this.inc({ result: 'hit' }, cache[0]!);
        if (cache[1]! > 0) this.inc({ result: 'miss' }, cache[1]!);
      },
    });
    new Counter({
      name: 'meridian_dns_udp_batches_total',
      help: 'Batches of UDP datagrams received with one recvmmsg (batched UDP only); UDP queries / batches is the mean batch size.',
      registers: [registry],
      collect() {
        this.reset();
        if (self.udpBatches > 0) this.inc(self.udpBatches);
      },
    });
    new Gauge({
      name: 'meridian_dns_templates',
      help: 'Prepared responses currently cached.',
      registers: [registry],
      collect() {
        this.set(self.templates);
      },
    });
    new Gauge({
      name: 'meridian_dns_tcp_connections',
      help: 'Open DNS-over-TCP connections.',
      registers: [registry],
      collect() {
        this.set(self.tcpConnections);
      },
    });
    this.latency = new Histogram({
      name: 'meridian_dns_query_duration_seconds',
      help: `Time to build a response (sampled: one query in ${LATENCY_SAMPLE_EVERY}).`,
      buckets: [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.001, 0.005, 0.025],
      registers: [registry],
    });
  }

  response(transport: number, rcode: number): void {
    this.queries[transport * RCODE_SLOTS + this.rcodeSlot[rcode & 0xfff]!]! += 1;
  }

  drop(reason: DropReason, count = 1): void {
    this.drops[DROP_REASONS.indexOf(reason)]! += count;
  }

  templateLookup(hit: boolean): void {
    this.cache[hit ? 0 : 1]! += 1;
  }
}

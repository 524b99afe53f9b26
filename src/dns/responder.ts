/**
 * One query in, one response out (or nothing): the transport-independent core.
 * Static answers come from the template cache: on a hit the prepared body is
 * copied and patched (ID, RD, the question's original case, the OPT tail), which
 * is the whole cost of a query. Misses run the RFC 1034 lookup and fill the cache.
 */
import { performance } from 'node:perf_hooks';
import type { Zone } from '../zone/index.js';
import { BoundedMap } from './bounded-map.js';
import { answerFromDynamic, answerFromZone, emptyAnswer } from './answer.js';
import { CookieMaker } from './cookies.js';
import { DynamicBodies } from './dynamic-bodies.js';
import { OptWriter, ecsAddressText } from './edns.js';
import { DnsMetrics, LATENCY_SAMPLE_EVERY, TRANSPORT_UDP } from './metrics.js';
import { ParsedQuery, ParseStatus } from './query-parser.js';
import { encodeBody, type ResponseBody } from './response-encoder.js';
import { TemplateCache } from './template-cache.js';
import type { DnsQuestionContext, DynamicResolver, ZoneSource } from './types.js';
import { CLASS_ANY, CLASS_IN, CLASSIC_UDP_PAYLOAD, Flag, HEADER_LENGTH, RRType, Rcode, read16, write16 } from './wire.js';

export interface ResponderOptions {
  zones: ZoneSource;
  dynamic?: DynamicResolver | undefined;
  /** UDP payload size we advertise and honour (RFC 6891 6.2.5). */
  ednsPayload: number;
  /** RFC 5001 server identifier, returned when a query asks for it. */
  nsid?: Buffer | undefined;
  /** Secret for RFC 7873 server cookies; without one, cookies are ignored like unknown options. */
  cookieSecret?: Buffer | undefined;
  templateCapacity: number;
  metrics: DnsMetrics;
}

/**
 * Query types that are not lookups: OPT is never a question (RFC 6891 6.1.1), zone
 * transfers are not offered (REFUSED, as for a server that does not allow them),
 * and MAILA/MAILB are obsolete (RFC 883 meta-types).
 */
const SPECIAL_QTYPES: Readonly<Record<number, number>> = {
  [RRType.OPT]: Rcode.FORMERR,
  [RRType.IXFR]: Rcode.REFUSED,
  [RRType.AXFR]: Rcode.REFUSED,
  [RRType.MAILB]: Rcode.NOTIMP,
  [RRType.MAILA]: Rcode.NOTIMP,
};

interface Located {
  name: string;
  zone: Zone | undefined;
  /** Bodies of routed answers for this name; only on cached entries, so they go with the generation. */
  dynamic: DynamicBodies | undefined;
}

/** RFC 7766 8 / RFC 1035 4.2.2: a TCP message is limited only by its 16-bit length prefix. */
const TCP_LIMIT = 65535;

export class Responder {
  private readonly q = new ParsedQuery();
  private readonly cache: TemplateCache;
  private sampleCountdown = LATENCY_SAMPLE_EVERY;
  private generation: number | undefined;

  private readonly located: BoundedMap<string, Located>;

  private readonly opt: OptWriter;

  constructor(private readonly options: ResponderOptions) {
    this.opt = new OptWriter({
      payload: options.ednsPayload,
      nsid: options.nsid,
      cookies: options.cookieSecret === undefined ? undefined : new CookieMaker(options.cookieSecret),
    });
    this.cache = new TemplateCache(options.templateCapacity);
    this.located = new BoundedMap(options.templateCapacity);
  }

  /** Forget every prepared response (zones reloaded, or for tests). */
  invalidate(): void {
    this.cache.clear();
    this.located.clear();
    this.options.metrics.templates = 0;
  }

  /**
   * Answers one message. `transport` is TRANSPORT_UDP or TRANSPORT_TCP. Returns
   * undefined when the message must be dropped. Never throws.
   */
  handle(query: Buffer, transport: number, clientAddress: string): Buffer | undefined {
    const metrics = this.options.metrics;
    if (--this.sampleCountdown > 0) return this.guarded(query, transport, clientAddress);
    this.sampleCountdown = LATENCY_SAMPLE_EVERY;
    const start = performance.now();
    const response = this.guarded(query, transport, clientAddress);
    metrics.latency.observe((performance.now() - start) / 1000);
    return response;
  }

  private guarded(query: Buffer, transport: number, clientAddress: string): Buffer | undefined {
    try {
      return this.respond(query, transport, clientAddress);
    } catch {
      // A bug or a throwing dynamic resolver must cost one answer, not the process.
      this.options.metrics.drop('internal_error');
      try {
        return query.length >= HEADER_LENGTH && this.q.hasQuestion ? this.errorResponse(query, Rcode.SERVFAIL, transport, true, clientAddress) : undefined;
      } catch {
        return undefined;
      }
    }
  }

  private respond(query: Buffer, transport: number, clientAddress: string): Buffer | undefined {
    const q = this.q;
    const status = q.parse(query);
    if (status !== ParseStatus.OK) {
      if (status === ParseStatus.DROP) {
        this.options.metrics.drop(q.reason === 'response_bit' ? 'response_bit' : 'short_header');
        return undefined;
      }
      // RFC 6891 7: a broken OPT means we cannot trust it enough to answer with one.
      return this.errorResponse(query, status === ParseStatus.NOTIMP ? Rcode.NOTIMP : Rcode.FORMERR, transport, q.reason !== 'bad_opt', clientAddress);
    }
    // RFC 6891 6.1.3: we implement version 0 only.
    if (q.edns && q.ednsVersion > 0) return this.errorResponse(query, Rcode.BADVERS, transport, true, clientAddress);
    if (q.qclass !== CLASS_IN && q.qclass !== CLASS_ANY) return this.errorResponse(query, Rcode.REFUSED, transport, true, clientAddress);
    const special = SPECIAL_QTYPES[q.qtype];
    if (special !== undefined) return this.errorResponse(query, special, transport, true, clientAddress);

    const zones = this.options.zones;
    const generation = zones.generation;
    if (generation !== this.generation) {
      this.generation = generation;
      this.invalidate();
    }
    const dynamic = this.options.dynamic;
    if (dynamic === undefined) {
      const template = this.cache.get(q.qtype, q.key);
      if (template !== undefined && (generation !== undefined || zones.findZone(template.name) === template.zone)) {
        this.options.metrics.templateLookup(true);
        return this.finish(query, template.body, transport, 0, clientAddress);
      }
    }
    const located = this.locate(query, generation !== undefined);
    const { name, zone } = located;
    if (zone !== undefined && dynamic !== undefined) {
      const decided = dynamic.resolve(this.context(query, name, zone, clientAddress));
      if (decided !== undefined) {
        let body = located.dynamic?.get(q.qtype, decided);
        if (body === undefined) {
          body = encodeBody(query, q.qnameEnd + 4, name, answerFromDynamic(zone, decided));
          located.dynamic?.set(q.qtype, decided, body);
        }
        return this.finish(query, body, transport, decided.ecsScopePrefix, clientAddress);
      }
      const template = this.cache.get(q.qtype, q.key);
      if (template !== undefined && template.zone === zone) {
        this.options.metrics.templateLookup(true);
        return this.finish(query, template.body, transport, 0, clientAddress);
      }
    }
    this.options.metrics.templateLookup(false);
    // RFC 1034 4.3.2 step 2: not ours at all. We never recurse.
    const answer = zone === undefined ? emptyAnswer(Rcode.REFUSED, false) : answerFromZone(zone, name, q.qtype);
    const body = encodeBody(query, q.qnameEnd + 4, name, answer);
    this.cache.set(q.qtype, q.key, { body, name, zone });
    this.options.metrics.templates = this.cache.size;
    return this.finish(query, body, transport, 0, clientAddress);
  }

  /**
   * The canonical name and zone of the question. Routed names never get a template, so
   * with a dynamic resolver this is per-query work; it is cached per lowercase wire name
   * while the zone source's generation stands still (the cache is cleared with the templates),
   * together with the bodies of the routed answers given for that name.
   */
  private locate(query: Buffer, cacheable: boolean): Located {
    const q = this.q;
    const known = cacheable ? this.located.get(q.key) : undefined;
    if (known !== undefined) return known;
    const name = q.canonicalName(query);
    const located: Located = { name, zone: this.options.zones.findZone(name), dynamic: cacheable ? new DynamicBodies() : undefined };
    if (cacheable) this.located.set(q.key, located);
    return located;
  }

  private context(query: Buffer, name: string, zone: Zone, clientAddress: string): DnsQuestionContext {
    const q = this.q;
    const context: DnsQuestionContext = { name, type: q.qtype, zone: zone.origin, clientAddress };
    if (q.ecs) context.ecs = { family: q.ecsFamily === 1 ? 1 : 2, sourcePrefix: q.ecsSourcePrefix, address: ecsAddressText(query, q) };
    return context;
  }

  /** Copies a prepared body for this query: ID, RD, question case, OPT, truncation. */
  private finish(query: Buffer, body: ResponseBody, transport: number, ecsScope: number, clientAddress: string): Buffer {
    const q = this.q;
    const opt = q.edns ? this.opt.length(q) : 0;
    const limit = transport === TRANSPORT_UDP ? this.udpLimit() : TCP_LIMIT;
    const full = body.bytes.length;
    let length = full;
    let truncated = false;
    if (full + opt > limit) {
      // RFC 2181 9: drop optional additional data first; set TC only when required data does not fit.
      if (!body.additionalRequired && body.lengthWithoutAdditional + opt <= limit) length = body.lengthWithoutAdditional;
      else {
        length = body.questionEnd;
        truncated = true;
      }
    }
    const out = Buffer.allocUnsafe(length + opt);
    // TypedArray#set is a native copy without Buffer#copy's argument checks.
    out.set(length === full ? body.bytes : body.bytes.subarray(0, length), 0);
    write16(out, 0, q.id);
    // RFC 1035 4.1.1: RD is copied; RA stays clear (we never recurse).
    out[2] = out[2]! | ((q.flags & Flag.RD) >>> 8) | (truncated ? Flag.TC >>> 8 : 0);
    // 0x20: the question keeps the client's case (and its class), and owner names point at it.
    for (let i = HEADER_LENGTH, end = q.qnameEnd + 4; i < end; i++) out[i] = query[i]!;
    if (length !== full) {
      if (truncated) out.fill(0, 6, 10);
      write16(out, 10, 0);
    }
    if (opt > 0) {
      this.opt.write(out, length, query, q, 0, ecsScope, clientAddress);
      write16(out, 10, read16(out, 10) + 1);
    }
    this.options.metrics.response(transport, body.rcode);
    return out;
  }

  /** RFC 6891 6.2.3/6.2.5: the smaller of the client's payload (at least 512) and ours. */
  private udpLimit(): number {
    const q = this.q;
    if (!q.edns) return CLASSIC_UDP_PAYLOAD;
    return Math.min(Math.max(q.ednsPayload, CLASSIC_UDP_PAYLOAD), this.options.ednsPayload);
  }

  /** A response with no records: the header, the question when readable, and OPT when allowed. */
  private errorResponse(query: Buffer, rcode: number, transport: number, withOpt: boolean, clientAddress: string): Buffer {
    const q = this.q;
    const questionEnd = q.hasQuestion ? q.qnameEnd + 4 : HEADER_LENGTH;
    const opt = withOpt && q.edns ? this.opt.length(q) : 0;
    const out = Buffer.alloc(questionEnd + opt);
    query.copy(out, 0, 0, questionEnd);
    const opcode = q.flags & 0x7800;
    write16(out, 2, Flag.QR | opcode | (q.flags & Flag.RD) | (rcode & 0xf));
    write16(out, 4, q.hasQuestion ? 1 : 0);
    out.writeUInt32BE(0, 6);
    write16(out, 10, opt > 0 ? 1 : 0);
    if (opt > 0) this.opt.write(out, questionEnd, query, q, rcode >>> 4, 0, clientAddress);
    this.options.metrics.response(transport, rcode);
    return out;
  }
}

/**
 * Prepared bodies for routed answers. The routing engine may answer each client
 * differently, so a body is only re-used for a decision that is the same in every
 * byte that reaches the wire: rcode, ECS scope, and each record's owner, type, TTL
 * and RDATA. Entries hang off one lowercase query name (the responder's per-name
 * cache, dropped with the templates when the zone generation moves), at most
 * VARIANTS_PER_NAME of them, first-in-first-out, so per-client decisions cannot grow
 * it past that bound.
 */
import type { ResponseBody } from './response-encoder.js';
import type { DynamicAnswer, DynamicRecord } from './types.js';

/** Enough for a pool's distinct answers per qtype; more only churns. */
const VARIANTS_PER_NAME = 8;

interface Variant {
  qtype: number;
  rcode: number;
  ecsScopePrefix: number;
  /** Private copies: the resolver may reuse or change its buffers after answering. */
  records: DynamicRecord[];
  body: ResponseBody;
}

export class DynamicBodies {
  private readonly variants: Variant[] = [];

  /** The body prepared for exactly this decision, if any. */
  get(qtype: number, answer: DynamicAnswer): ResponseBody | undefined {
    for (const v of this.variants) if (v.qtype === qtype && sameDecision(v, answer)) return v.body;
    return undefined;
  }

  set(qtype: number, answer: DynamicAnswer, body: ResponseBody): void {
    if (this.variants.length >= VARIANTS_PER_NAME) this.variants.shift();
    this.variants.push({
      qtype,
      rcode: answer.rcode ?? 0,
      ecsScopePrefix: answer.ecsScopePrefix,
      records: answer.records.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, rdata: Buffer.from(r.rdata) })),
      body,
    });
  }
}

function sameDecision(v: Variant, answer: DynamicAnswer): boolean {
  const records = answer.records;
  if (v.rcode !== (answer.rcode ?? 0) || v.ecsScopePrefix !== answer.ecsScopePrefix || v.records.length !== records.length) return false;
  for (let i = 0; i < records.length; i++) {
    const mine = v.records[i]!;
    const theirs = records[i]!;
    if (mine.type !== theirs.type || mine.ttl !== theirs.ttl || mine.name !== theirs.name || !sameBytes(mine.rdata, theirs.rdata)) return false;
  }
  return true;
}

/** RDATA is a few bytes (an address): a plain loop beats a native call here. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

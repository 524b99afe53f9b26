/**
 * The RFC 1034 4.3.2 lookup against one zone: referrals at delegations, DNAME
 * redirection with CNAME synthesis (RFC 6672 3.2), exact matches, CNAME chains
 * inside the zone, wildcards (RFC 4592) at the closest encloser, and negative
 * answers with the SOA (RFC 2308). The result is a plain list of records per
 * section; encoding and caching happen elsewhere.
 */
import { encodeName, isSubdomain, parentName, type ResourceRecord, type RRsetsByType, type Zone } from '../zone/index.js';
import { substituteDname } from './dname.js';
import type { DynamicAnswer } from './types.js';
import { CLASS_IN, RRType, Rcode } from './wire.js';

export interface AnswerRecord {
  /** Canonical owner name; the query name is written as a pointer to the question (keeps 0x20 case). */
  name: string;
  type: number;
  ttl: number;
  rdata: Buffer;
}

export interface Answer {
  rcode: number;
  authoritative: boolean;
  answer: AnswerRecord[];
  authority: AnswerRecord[];
  additional: AnswerRecord[];
  /** Referral glue must not be dropped silently: if it does not fit, the response is truncated. */
  additionalRequired: boolean;
}

/** RFC 1034 leaves the chain length open; 16 is what BIND-era servers follow too. A DNAME step counts as one link. */
const MAX_CNAME_CHAIN = 16;

/** RFC 8482 4.2: the synthesized HINFO answer to ANY ("RFC8482", ""). */
const RFC8482_HINFO = Buffer.from([7, ...Buffer.from('RFC8482'), 0]);

export function emptyAnswer(rcode: number, authoritative: boolean): Answer {
  return { rcode, authoritative, answer: [], authority: [], additional: [], additionalRequired: false };
}

/** RFC 2308 3/5: negative answers carry the SOA with TTL min(SOA TTL, SOA MINIMUM). */
export function negativeSoa(zone: Zone): AnswerRecord {
  const rdata = zone.soa.rdata;
  const minimum = rdata.length >= 4 ? rdata.readUInt32BE(rdata.length - 4) : zone.soa.ttl;
  return { name: zone.origin, type: RRType.SOA, ttl: Math.min(zone.soa.ttl, minimum), rdata };
}

export function answerFromZone(zone: Zone, qname: string, qtype: number): Answer {
  const result = emptyAnswer(Rcode.NOERROR, true);
  const visited = new Set<string>();
  let name = qname;
  for (let step = 0; step <= MAX_CNAME_CHAIN; step++) {
    visited.add(name);
    const stop = findStop(zone, name);
    if (stop?.kind === 'dname') {
      // RFC 6672 3.2 step 3c: the DNAME, then a CNAME from the name asked to the substituted name.
      const dname = stop.dname;
      pushSet(result.answer, stop.owner, [dname]);
      const target = substituteDname(name, stop.owner, stop.target);
      if (target === undefined) {
        result.rcode = Rcode.YXDOMAIN;
        return result;
      }
      result.answer.push({ name, type: RRType.CNAME, ttl: dname.ttl, rdata: encodeName(target) });
      if (qtype === RRType.CNAME || !isSubdomain(target, zone.origin) || visited.has(target)) return result;
      name = target;
      continue;
    }
    // RFC 4035 3.1.4.1 spirit: DS lives on the parent side of a cut, so a DS query for the cut itself is ours to answer.
    if (stop !== undefined && !(step === 0 && stop.owner === name && qtype === RRType.DS)) {
      addReferral(zone, stop.owner, result, step === 0);
      return result;
    }
    let rrsets = zone.nodes.get(name);
    if (rrsets === undefined) {
      rrsets = findWildcard(zone, name);
      if (rrsets === undefined) {
        // RFC 6604 2.1: after a CNAME the rcode describes the last name in the chain.
        result.rcode = Rcode.NXDOMAIN;
        result.authority.push(negativeSoa(zone));
        return result;
      }
    }
    if (qtype === RRType.ANY) {
      answerAny(zone, name, rrsets, result);
      return result;
    }
    const cname = rrsets.get(RRType.CNAME);
    if (cname !== undefined && cname.length > 0 && qtype !== RRType.CNAME) {
      pushSet(result.answer, name, cname);
      const target = cname[0]!.target;
      if (target === undefined || !isSubdomain(target, zone.origin) || visited.has(target)) return result;
      name = target;
      continue;
    }
    const set = rrsets.get(qtype);
    if (set !== undefined && set.length > 0) {
      pushSet(result.answer, name, set);
      addTargetAddresses(zone, set, result);
      return result;
    }
    result.authority.push(negativeSoa(zone));
    return result;
  }
  return result;
}

/** Turns a routing decision into an answer; empty records mean NODATA. */
export function answerFromDynamic(zone: Zone, dynamic: DynamicAnswer): Answer {
  const result = emptyAnswer(dynamic.rcode ?? Rcode.NOERROR, true);
  if (result.rcode !== Rcode.NOERROR) return result;
  for (const record of dynamic.records) {
    result.answer.push({ name: record.name, type: record.type, ttl: record.ttl, rdata: record.rdata });
  }
  if (result.answer.length === 0) result.authority.push(negativeSoa(zone));
  return result;
}

/** Where the descent towards a name stops: a delegation, or a DNAME above the name. */
type Stop = { kind: 'delegation'; owner: string } | { kind: 'dname'; owner: string; dname: ResourceRecord; target: string };

/**
 * RFC 1034 4.3.2 step 3 with RFC 6672 3.2: matching down from the apex, the first node
 * that is a delegation (NS below the apex, at or above `name`) or owns a DNAME (apex
 * included, strictly above `name`: the owner itself is not redirected). Names below
 * either are occluded. At one node the delegation wins: a DNAME there is the child's.
 */
function findStop(zone: Zone, name: string): Stop | undefined {
  let stop: Stop | undefined;
  for (let n: string | undefined = name; n !== undefined && n.length >= zone.origin.length; n = parentName(n)) {
    const node = zone.nodes.get(n);
    if (node !== undefined) {
      const ns = node.get(RRType.NS);
      const dname = node.get(RRType.DNAME)?.[0];
      if (n !== zone.origin && ns !== undefined && ns.length > 0) stop = { kind: 'delegation', owner: n };
      else if (n !== name && dname?.target !== undefined) stop = { kind: 'dname', owner: n, dname, target: dname.target };
    }
    if (n === zone.origin) break;
  }
  return stop;
}

/**
 * RFC 4592 3.3.1: only the source of synthesis at the closest encloser applies; an
 * existing name (even an empty non-terminal) between blocks wildcards above it.
 */
function findWildcard(zone: Zone, name: string): RRsetsByType | undefined {
  let encloser = parentName(name);
  while (encloser !== undefined && encloser !== zone.origin && !zone.nodes.has(encloser)) {
    if (encloser.length < zone.origin.length) return undefined;
    encloser = parentName(encloser);
  }
  if (encloser === undefined) return undefined;
  return zone.nodes.get(encloser === '' ? '*' : `*.${encloser}`);
}

function addReferral(zone: Zone, cut: string, result: Answer, first: boolean): void {
  // RFC 1034 4.3.2 step 3b: a referral is not authoritative (a CNAME before it still is).
  if (first) result.authoritative = false;
  const ns = zone.nodes.get(cut)?.get(RRType.NS) ?? [];
  pushSet(result.authority, cut, ns);
  addTargetAddresses(zone, ns, result);
  result.additionalRequired = result.additional.length > 0;
}

/** RFC 8482 4.2: one synthesized HINFO instead of every RRset, so ANY cannot amplify. */
function answerAny(zone: Zone, name: string, rrsets: RRsetsByType, result: Answer): void {
  let ttl = -1;
  for (const set of rrsets.values()) for (const rr of set) if (ttl < 0 || rr.ttl < ttl) ttl = rr.ttl;
  if (ttl < 0) {
    result.authority.push(negativeSoa(zone));
    return;
  }
  result.answer.push({ name, type: RRType.HINFO, ttl, rdata: RFC8482_HINFO });
}

/** RFC 1035 3.3.9/3.3.11, RFC 2782: A/AAAA of NS, MX and SRV targets when the zone has them. */
function addTargetAddresses(zone: Zone, set: readonly ResourceRecord[], result: Answer): void {
  const type = set[0]?.type;
  if (type !== RRType.NS && type !== RRType.MX && type !== RRType.SRV) return;
  const seen = new Set<string>();
  for (const rr of set) {
    const target = rr.target;
    if (target === undefined || seen.has(target) || !isSubdomain(target, zone.origin)) continue;
    seen.add(target);
    const node = zone.nodes.get(target);
    if (node === undefined) continue;
    pushSet(result.additional, target, node.get(RRType.A) ?? []);
    pushSet(result.additional, target, node.get(RRType.AAAA) ?? []);
  }
}

function pushSet(section: AnswerRecord[], owner: string, set: readonly ResourceRecord[]): void {
  for (const rr of set) {
    if (rr.class !== CLASS_IN) continue;
    section.push({ name: owner, type: rr.type, ttl: rr.ttl, rdata: rr.rdata });
  }
}

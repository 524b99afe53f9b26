import { isSubdomain, parentName, toFqdn } from './names.js';
import type { ParsedZone } from './parser.js';
import { RRType, typeName } from './rr-types.js';
import type { ResourceRecord, ZoneProblem } from './types.js';

/**
 * Semantic checks of a parsed zone (syntax errors are already in `parsed.problems`).
 * Every problem points at the record that causes it.
 */

/** Types that may sit beside a CNAME (RFC 2181 section 10.1, RFC 4035 section 2.5). */
const CNAME_COMPANIONS = new Set<number>([RRType.CNAME, RRType.RRSIG, RRType.NSEC]);
/** Types that belong at a delegation point (RFC 4035 section 2.4): the rest there is hidden. */
const AT_CUT = new Set<number>([RRType.NS, RRType.DS, RRType.RRSIG, RRType.NSEC]);
const ADDRESS = new Set<number>([RRType.A, RRType.AAAA]);

const where = (record: ResourceRecord): string => `${record.source.file}:${record.source.line}`;
const display = (name: string): string => toFqdn(name);

export function checkZone(parsed: ParsedZone): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const report = (record: ResourceRecord | undefined, message: string, severity: ZoneProblem['severity'] = 'error'): void => {
    problems.push({ file: record?.source.file ?? parsed.file, line: record?.source.line ?? 1, message, severity });
  };
  const { origin } = parsed;

  const byName = new Map<string, ResourceRecord[]>();
  for (const record of parsed.records) {
    if (!isSubdomain(record.name, origin)) {
      report(record, `${display(record.name)} is outside the zone ${display(origin)} (out-of-zone data)`);
      continue;
    }
    let list = byName.get(record.name);
    if (!list) byName.set(record.name, (list = []));
    list.push(record);
  }

  const soas = parsed.records.filter((r) => r.type === RRType.SOA && isSubdomain(r.name, origin));
  const firstSoa = soas[0];
  if (!firstSoa) report(undefined, `zone ${display(origin)} has no SOA record`);
  for (const soa of soas) {
    if (soa.name !== origin) report(soa, `SOA record at ${display(soa.name)} is not at the zone apex ${display(origin)}`);
    else if (soa !== soas.find((s) => s.name === origin)) report(soa, `more than one SOA record (the first is at ${where(firstSoa as ResourceRecord)})`);
  }
  const apexRecords = byName.get(origin) ?? [];
  if (!apexRecords.some((r) => r.type === RRType.NS)) report(firstSoa, `zone ${display(origin)} has no NS records at its apex`);

  const cuts = new Set<string>();
  for (const [name, records] of byName) {
    if (name !== origin && records.some((r) => r.type === RRType.NS)) cuts.add(name);
  }
  /** The delegation point at or above `name` (excluding the apex), if any. */
  const cutAbove = (name: string): string | undefined => {
    for (let n: string | undefined = name; n !== undefined && n !== origin; n = parentName(n)) {
      if (cuts.has(n)) return n;
    }
    return undefined;
  };

  const dnames = new Set<string>();
  for (const [name, records] of byName) {
    checkCname(records, report);
    if (checkDname(name, records, cuts.has(name), report)) dnames.add(name);

    const cut = cutAbove(name);
    if (cut !== undefined) {
      for (const record of records) {
        // A DNAME at the cut itself already has its own error from checkDname.
        const hidden = name === cut ? !AT_CUT.has(record.type) && record.type !== RRType.DNAME : !ADDRESS.has(record.type);
        if (hidden) {
          report(record, `${typeName(record.type)} at ${display(name)} is hidden by the delegation of ${display(cut)}; only NS/DS there and glue addresses below are served`, 'warning');
        }
      }
    }
  }

  // RFC 6672 section 2.4: a DNAME owner has no names below it.
  for (const name of byName.keys()) {
    for (let up = parentName(name); up !== undefined && isSubdomain(up, origin); up = parentName(up)) {
      if (dnames.has(up)) {
        report(byName.get(name)?.[0], `${display(name)} is below the DNAME at ${display(up)}, which allows no names beneath it`);
        break;
      }
    }
  }

  checkGlue(origin, byName, cutAbove, report);
  checkAliasTargets(byName, report);
  return problems;
}

type Report = (record: ResourceRecord | undefined, message: string, severity?: ZoneProblem['severity']) => void;

function checkCname(records: ResourceRecord[], report: Report): void {
  const cnames = records.filter((r) => r.type === RRType.CNAME);
  const first = cnames[0];
  if (!first) return;
  for (const extra of cnames.slice(1)) report(extra, `more than one CNAME at ${display(extra.name)} (the first is at ${where(first)})`);
  const other = records.find((r) => !CNAME_COMPANIONS.has(r.type));
  if (other) {
    const rfc = other.type === RRType.DNAME ? 'RFC 6672 section 2.4' : 'RFC 2181 section 10.1';
    report(first, `CNAME at ${display(first.name)} cannot coexist with other data (${typeName(other.type)} at ${where(other)}), ${rfc}`);
  }
}

/**
 * RFC 6672: one DNAME per owner (section 2.4), none at a delegation point (section 2.3: it
 * belongs in the child zone). Section 3.3 discourages wildcard owners, and a target at or
 * below the owner redirects every name into itself. Returns whether the name owns a DNAME.
 */
function checkDname(name: string, records: ResourceRecord[], isCut: boolean, report: Report): boolean {
  const dnames = records.filter((r) => r.type === RRType.DNAME);
  const first = dnames[0];
  if (!first) return false;
  for (const extra of dnames.slice(1)) report(extra, `more than one DNAME at ${display(name)} (the first is at ${where(first)}), RFC 6672 section 2.4`);
  const ns = records.find((r) => r.type === RRType.NS);
  if (isCut && ns) {
    report(first, `DNAME at ${display(name)} cannot sit at the delegation point (NS at ${where(ns)}); put it in the child zone (RFC 6672 section 2.3)`);
  }
  if (name === '*' || name.startsWith('*.')) {
    report(first, `DNAME at the wildcard ${display(name)} is discouraged (RFC 6672 section 3.3): names the wildcard matches get it as data, not as a redirection`, 'warning');
  }
  if (first.target !== undefined && isSubdomain(first.target, name)) {
    report(first, `DNAME at ${display(name)} points at ${display(first.target)}, at or below itself, so names under it are redirected into it again and never resolve`, 'warning');
  }
  return true;
}

/**
 * An NS host inside this zone can only be found through addresses held here: glue when
 * it lies under a delegation, authoritative A/AAAA otherwise (RFC 1034 section 4.2.1).
 */
function checkGlue(origin: string, byName: Map<string, ResourceRecord[]>, cutAbove: (name: string) => string | undefined, report: Report): void {
  for (const records of byName.values()) {
    for (const ns of records) {
      if (ns.type !== RRType.NS || ns.target === undefined || !isSubdomain(ns.target, origin)) continue;
      const atTarget = byName.get(ns.target) ?? [];
      if (atTarget.some((r) => r.type === RRType.CNAME)) {
        report(ns, `NS target ${display(ns.target)} is a CNAME; NS must name a host with addresses (RFC 2181 section 10.3)`);
      } else if (!atTarget.some((r) => ADDRESS.has(r.type))) {
        const cut = cutAbove(ns.target);
        const why = cut !== undefined ? `it is below the delegation of ${display(cut)}, so glue is needed` : 'it is inside this zone';
        report(ns, `NS target ${display(ns.target)} has no A or AAAA record: ${why}`);
      }
    }
  }
}

/** MX and SRV must name a host, not an alias (RFC 2181 section 10.3, RFC 2782). */
function checkAliasTargets(byName: Map<string, ResourceRecord[]>, report: Report): void {
  for (const records of byName.values()) {
    for (const record of records) {
      if ((record.type !== RRType.MX && record.type !== RRType.SRV) || record.target === undefined) continue;
      if (byName.get(record.target)?.some((r) => r.type === RRType.CNAME)) {
        report(record, `${typeName(record.type)} target ${display(record.target)} is a CNAME; it must name a host (RFC 2181 section 10.3)`, 'warning');
      }
    }
  }
}

import { checkZone } from './check.js';
import { isSubdomain, parentName, toFqdn } from './names.js';
import type { ParsedZone } from './parser.js';
import { RRType, typeName } from './rr-types.js';
import type { RRsetsByType, ResourceRecord, Zone, ZoneProblem } from './types.js';

export interface ZoneResult {
  /** The zone, when it has no errors (warnings allowed). */
  zone: Zone | undefined;
  /** Canonical apex the file was read as. */
  origin: string;
  file: string;
  problems: ZoneProblem[];
  /** Files read through $INCLUDE (resolved paths). */
  includes: string[];
}

/**
 * Index records by owner and type. Identical records collapse into one (RFC 2181
 * section 5), and an RRset with mixed TTLs takes its first TTL (section 5.2), as BIND does.
 */
function indexRecords(origin: string, records: readonly ResourceRecord[], problems: ZoneProblem[]): Map<string, RRsetsByType> {
  const nodes = new Map<string, RRsetsByType>();
  for (const record of records) {
    if (!isSubdomain(record.name, origin)) continue;
    let node = nodes.get(record.name);
    if (!node) nodes.set(record.name, (node = new Map()));
    let rrset = node.get(record.type);
    if (!rrset) node.set(record.type, (rrset = []));
    const first = rrset[0];
    if (rrset.some((r) => r.rdata.equals(record.rdata))) {
      problems.push({ ...record.source, message: `duplicate ${typeName(record.type)} record at ${toFqdn(record.name)} ignored`, severity: 'warning' });
      continue;
    }
    if (first && first.ttl !== record.ttl) {
      problems.push({
        ...record.source,
        message: `TTL ${record.ttl} differs from the TTL ${first.ttl} of the same ${typeName(record.type)} RRset at ${toFqdn(record.name)}; using ${first.ttl} (RFC 2181 section 5.2)`,
        severity: 'warning',
      });
      rrset.push({ ...record, ttl: first.ttl });
      continue;
    }
    rrset.push(record);
  }
  // Empty non-terminals exist (RFC 8020): every name between an owner and the apex is a node.
  for (const name of [...nodes.keys()]) {
    for (let up = parentName(name); up !== undefined && isSubdomain(up, origin) && !nodes.has(up); up = parentName(up)) {
      nodes.set(up, new Map());
    }
  }
  return nodes;
}

/** Check a parsed zone and, when it has no errors, index it into a `Zone`. */
export function compileZone(parsed: ParsedZone): ZoneResult {
  const problems = [...parsed.problems, ...checkZone(parsed)];
  const nodes = indexRecords(parsed.origin, parsed.records, problems);
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  const soa = nodes.get(parsed.origin)?.get(RRType.SOA)?.[0];
  if (!soa || problems.some((p) => p.severity === 'error')) {
    return { zone: undefined, origin: parsed.origin, file: parsed.file, problems, includes: parsed.includes };
  }
  const zone: Zone = { origin: parsed.origin, file: parsed.file, soa, nodes, serial: soa.rdata.readUInt32BE(soa.rdata.length - 20) };
  return { zone, origin: parsed.origin, file: parsed.file, problems, includes: parsed.includes };
}

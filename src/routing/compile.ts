/**
 * Validated routing records → the frozen structures the hot path reads: pools as arrays
 * with fallback indices, rules with parsed geos, one subnet trie per record, per-value hash
 * seeds and answer records built once at both TTLs.
 */
import { parseGeoCode } from '../geo/index.js';
import type { DynamicRecord } from '../dns/index.js';
import { addressBytes, createParsedAddress, parseAddress, parseCidr, type ParsedCidr } from './address.js';
import { fnv1a } from './hash.js';
import type { LoadedRecord, ParsedRoutingFile } from './parse-file.js';
import { probeFor } from './probes.js';
import type { PoolInput, RoutingRecordInput } from './schema.js';
import { buildSubnetIndex } from './subnet-index.js';
import type { CompiledPool, CompiledRecord, CompiledRule, CompiledValue, ProbeSpec, RoutingZone, ValueStatus } from './types.js';

/** Answer TTL when the file gives none. Shorter than octoDNS's 3600 so routing changes reach clients quickly. */
export const DEFAULT_TTL = 60;
/** Short TTL while a candidate's health is changing, unless meridian.ttl.min says otherwise. */
export const DEFAULT_TTL_MIN = 10;
const TYPE_CODES = { A: 1, AAAA: 28, CNAME: 5 } as const;

/** Uncompressed wire form of a fully qualified name (RFC 1035 section 3.1). */
function encodeName(fqdn: string): Buffer {
  const labels = fqdn.replace(/\.$/, '').split('.').filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label.toLowerCase(), 'ascii');
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function rdataOf(type: RoutingRecordInput['type'], value: string): Buffer {
  if (type === 'CNAME') return encodeName(value);
  const parsed = createParsedAddress();
  parseAddress(value, parsed);
  return addressBytes(parsed);
}

interface ValueInput {
  value: string;
  weight: number;
  status: ValueStatus;
  lat: number;
  lon: number;
  site: string | undefined;
  probe: ProbeSpec | undefined;
}

function compileValue(record: CompiledRecordBase, input: ValueInput): CompiledValue {
  const rdata = rdataOf(record.typeName, input.value);
  const answer = (ttl: number): DynamicRecord => Object.freeze({ name: record.name, type: record.type, ttl, rdata });
  return Object.freeze({
    value: input.value,
    weight: input.weight,
    status: input.status,
    seed: fnv1a(input.value.toLowerCase()),
    lat: input.lat,
    lon: input.lon,
    site: input.site,
    probeId: input.probe?.id,
    recordMax: answer(record.ttlMax),
    recordMin: answer(record.ttlMin),
  });
}

type CompiledRecordBase = Pick<CompiledRecord, 'name' | 'type' | 'typeName' | 'ttlMax' | 'ttlMin'>;

function compilePool(
  record: CompiledRecordBase,
  input: RoutingRecordInput,
  name: string,
  pool: PoolInput,
  poolIndex: ReadonlyMap<string, number>,
  source: string,
  probes: Map<string, ProbeSpec>,
): CompiledPool {
  const ext = pool.meridian;
  const values = pool.values.map((v) => {
    const location = v.meridian?.location ?? ext?.location;
    const status = v.status ?? 'obey';
    // Forced statuses are never probed: octoDNS's up/down skip the health check.
    const probe = status === 'obey' ? probeFor(input, pool, v.value, record.name, source) : undefined;
    if (probe && !probes.has(probe.id)) probes.set(probe.id, probe);
    return compileValue(record, {
      value: v.value,
      weight: v.weight ?? 1,
      status,
      lat: location?.lat ?? Number.NaN,
      lon: location?.lon ?? Number.NaN,
      site: v.meridian?.site ?? ext?.site,
      probe,
    });
  });
  return Object.freeze({
    name,
    values,
    fallback: pool.fallback === undefined ? -1 : poolIndex.get(pool.fallback) ?? -1,
    selection: ext?.selection ?? input.meridian?.selection ?? 'weighted',
    answers: ext?.answers ?? input.meridian?.answers ?? 1,
    loadWatermark: ext?.load_watermark ?? input.meridian?.load_watermark,
    site: ext?.site,
  });
}

function compileRecord(file: string, loaded: LoadedRecord, probes: Map<string, ProbeSpec>): CompiledRecord {
  const input = loaded.input;
  const ttl = input.ttl ?? DEFAULT_TTL;
  const ttlMax = input.meridian?.ttl?.max ?? ttl;
  const base: CompiledRecordBase = {
    name: loaded.name,
    type: TYPE_CODES[input.type],
    typeName: input.type,
    ttlMax,
    ttlMin: input.meridian?.ttl?.min ?? Math.min(ttlMax, DEFAULT_TTL_MIN),
  };
  const staticBase = { ...base, ttlMax: ttl, ttlMin: Math.min(ttl, base.ttlMin) };
  const staticValues = (input.values ?? (input.value === undefined ? [] : [input.value])).map((value) =>
    compileValue(staticBase, { value, weight: 1, status: 'up', lat: Number.NaN, lon: Number.NaN, site: undefined, probe: undefined }),
  );
  const dynamic = input.dynamic;
  const poolNames = dynamic ? Object.keys(dynamic.pools) : [];
  const poolIndex = new Map(poolNames.map((name, i) => [name, i]));
  const source = `${file}:${loaded.line}`;
  const pools = dynamic ? poolNames.map((name) => compilePool(base, input, name, dynamic.pools[name]!, poolIndex, source, probes)) : [];
  const ruleCidrs: ParsedCidr[][] = [];
  const rules: CompiledRule[] = (dynamic?.rules ?? []).map((rule, index) => {
    const cidrs = (rule.subnets ?? []).map((text) => parseCidr(text)).filter((c): c is ParsedCidr => typeof c !== 'string');
    ruleCidrs.push(cidrs);
    return Object.freeze({
      index,
      pool: poolIndex.get(rule.pool) ?? 0,
      geos: rule.geos?.map((code) => {
        const geo = parseGeoCode(code);
        return { continent: geo.continent, country: geo.country, subdivision: geo.subdivision };
      }),
      subnets: rule.subnets,
    });
  });
  return Object.freeze({
    ...base,
    file,
    line: loaded.line,
    ttl,
    allDown: input.meridian?.all_down ?? 'all',
    staticValues,
    pools,
    rules,
    subnets: ruleCidrs.some((c) => c.length > 0) ? buildSubnetIndex(ruleCidrs) : undefined,
    maxCandidates: Math.max(staticValues.length, ...pools.map((p) => p.values.length)),
  });
}

/** Compiles a problem-free parsed file. Callers check `hasErrors(parsed.problems)` first. */
export function compileRoutingFile(parsed: ParsedRoutingFile): RoutingZone {
  const probes = new Map<string, ProbeSpec>();
  const names = new Map<string, CompiledRecord[]>();
  for (const loaded of parsed.records) {
    const compiled = compileRecord(parsed.file, loaded, probes);
    const list = names.get(compiled.name) ?? [];
    list.push(compiled);
    names.set(compiled.name, list);
  }
  return Object.freeze({ origin: parsed.origin, file: parsed.file, names, probes: [...probes.values()] });
}

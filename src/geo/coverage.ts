import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import { GeoError, GeoErrorCode } from './errors.js';
import { formatNetwork, hostBitsZero, MAPPED_PREFIX_BITS, maskAddress, parseAddress, type ParsedAddress } from './ip-address.js';
import { parseGeoCode } from './geo-codes.js';
import { PrefixTrie } from './prefix-trie.js';
import type { GeoCode, CoverageEntry, CoverageMap, CoverageMatch } from './types.js';
import { formatConfigPath } from '../config/index.js';

interface ParsedCidr {
  address: ParsedAddress;
  prefixLength: number;
}

/** Parse `a.b.c.d/n` or `x::/n`; ::ffff:a.b.c.d/n (n >= 96) becomes the IPv4 network. */
function parseCidr(cidr: string): ParsedCidr | string {
  const slash = cidr.indexOf('/');
  if (slash < 0) return 'must be a CIDR with a prefix length, like 10.0.0.0/8 or 2001:db8::/32';
  const address = parseAddress(cidr.slice(0, slash));
  const lengthText = cidr.slice(slash + 1);
  if (!address) return `${JSON.stringify(cidr.slice(0, slash))} is not an IPv4 or IPv6 address`;
  if (!/^\d{1,3}$/.test(lengthText)) return `prefix length ${JSON.stringify(lengthText)} is not a number`;
  let prefixLength = Number(lengthText);
  if (address.mapped) {
    if (prefixLength < MAPPED_PREFIX_BITS) return 'an IPv4-mapped network needs a prefix length of at least 96';
    prefixLength -= MAPPED_PREFIX_BITS;
  }
  const max = address.family === 4 ? 32 : 128;
  if (prefixLength > max) return `prefix length ${lengthText} is longer than ${max}`;
  if (!hostBitsZero(address.words, prefixLength)) {
    return `host bits are set; did you mean ${formatNetwork(maskAddress(address, prefixLength), prefixLength)}?`;
  }
  return { address, prefixLength };
}

const entrySchema = z
  .strictObject({
    cidr: z.string().superRefine((cidr, ctx) => {
      const parsed = parseCidr(cidr);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    }),
    site: z.string().min(1).optional(),
    pool: z.string().min(1).optional(),
    geo: z
      .string()
      .optional()
      .superRefine((geo, ctx) => {
        if (geo === undefined) return;
        try {
          parseGeoCode(geo);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
  })
  .refine((e) => e.site !== undefined || e.pool !== undefined, { message: 'needs a site or a pool (or both)' })
  .refine((e) => (e.latitude === undefined) === (e.longitude === undefined), { message: 'latitude and longitude go together' });

const coverageSchema = z.array(entrySchema);

interface Stored {
  entry: CoverageEntry;
  cidr: string;
  geo: GeoCode | undefined;
}

class TrieCoverageMap implements CoverageMap {
  private readonly v4 = new PrefixTrie<Stored>();
  private readonly v6 = new PrefixTrie<Stored>();
  readonly entries: readonly CoverageEntry[];
  readonly file: string | undefined;

  constructor(entries: readonly CoverageEntry[], file: string | undefined) {
    const where = file ?? 'coverage map';
    entries.forEach((entry, index) => {
      const parsed = parseCidr(entry.cidr);
      if (typeof parsed === 'string') throw invalid(`${where}: [${index}].cidr: ${parsed}`);
      const cidr = formatNetwork(parsed.address, parsed.prefixLength);
      const trie = parsed.address.family === 4 ? this.v4 : this.v6;
      if (trie.insert(parsed.address.words, parsed.prefixLength, { entry, cidr, geo: entry.geo === undefined ? undefined : parseGeoCode(entry.geo) })) {
        throw invalid(`${where}: [${index}].cidr: ${cidr} is listed twice`);
      }
    });
    this.entries = Object.freeze(entries.map((e) => Object.freeze({ ...e })));
    this.file = file;
  }

  lookup(address: string): CoverageMatch | undefined {
    const parsed = parseAddress(address);
    if (!parsed) throw new GeoError(GeoErrorCode.AddressInvalid, `${JSON.stringify(address)} is not an IPv4 or IPv6 address`);
    return this.lookupParsed(parsed);
  }

  lookupParsed(parsed: ParsedAddress): CoverageMatch | undefined {
    const hit = parsed.family === 4 ? this.v4.longest(parsed.words, 32) : this.v6.longest(parsed.words, 128);
    if (!hit) return undefined;
    const { entry, cidr, geo } = hit.value;
    const match: CoverageMatch = { cidr, prefixLength: hit.prefixLength + (parsed.mapped ? MAPPED_PREFIX_BITS : 0) };
    if (entry.site !== undefined) match.site = entry.site;
    if (entry.pool !== undefined) match.pool = entry.pool;
    if (geo) Object.assign(match, geo);
    if (entry.latitude !== undefined && entry.longitude !== undefined) {
      match.latitude = entry.latitude;
      match.longitude = entry.longitude;
    }
    return match;
  }
}

function invalid(message: string, cause?: unknown): GeoError {
  return new GeoError(GeoErrorCode.CoverageInvalid, message, {
    cause,
    hint: 'each coverage entry is {cidr, site?, pool?, geo?, latitude?, longitude?}; see geo-data/coverage.yaml',
  });
}

/** Build a coverage map from entries already in memory; throws MERIDIAN_E_GEO_COVERAGE_INVALID. */
export function createCoverageMap(entries: readonly CoverageEntry[], file?: string): CoverageMap {
  const where = file ?? 'coverage map';
  const result = coverageSchema.safeParse(entries);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalid(`${where}: ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`, result.error);
  }
  return new TrieCoverageMap(result.data, file);
}

const formatPath = (path: readonly PropertyKey[]): string => formatConfigPath(path, '(top level)');

/**
 * Parse a coverage map from YAML (or JSON, which is YAML): a list of entries.
 * Errors name the file, the line and the path: `coverage.yaml:7: [2].cidr: host bits are set`.
 */
export function parseCoverage(text: string, file: string): CoverageMap {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw invalid(`${file}${line ? `:${line}` : ''}: not valid YAML: ${yamlError.message}`, yamlError);
  }
  const data: unknown = doc.toJS() ?? [];
  const result = coverageSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
    let line: number | undefined;
    for (let depth = path.length; depth >= 0 && line === undefined; depth--) {
      const found = doc.getIn(path.slice(0, depth), true);
      if (isNode(found) && found.range) line = lineCounter.linePos(found.range[0]).line;
    }
    throw invalid(`${file}${line ? `:${line}` : ''}: ${formatPath(path)}: ${issue?.message ?? 'invalid'}`, result.error);
  }
  return createCoverageMap(result.data, file);
}

/** Read and parse a coverage map file; MERIDIAN_E_GEO_COVERAGE_READ when it cannot be read. */
export async function loadCoverageFile(path: string): Promise<CoverageMap> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GeoError(GeoErrorCode.CoverageRead, `cannot read coverage map ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'check the path given for the coverage map',
    });
  }
  return parseCoverage(text, path);
}

/** The trie map exposes a lookup on an already-parsed address so the locator parses once. */
export function lookupParsedCoverage(map: CoverageMap, parsed: ParsedAddress): CoverageMatch | undefined {
  return map instanceof TrieCoverageMap ? map.lookupParsed(parsed) : map.lookup(formatAddress(parsed));
}

function formatAddress(parsed: ParsedAddress): string {
  const bits = parsed.family === 4 ? 32 : 128;
  const text = formatNetwork(parsed, bits);
  const plain = text.slice(0, text.indexOf('/'));
  return parsed.mapped ? `::ffff:${plain}` : plain;
}

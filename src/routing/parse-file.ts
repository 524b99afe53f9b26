/**
 * Reads one `<zone>.yaml` routing file: YAML → per-record schema check → cross-field
 * checks, collecting every problem as `file:line: path: message` instead of stopping at
 * the first, so `meridian zone check` shows them all at once.
 */
import { basename } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { ZoneProblem } from '../zone/index.js';
import { routingRecordSchema, type RoutingRecordInput } from './schema.js';
import { SourceMap, type ConfigPath } from './source-map.js';
import { validateRecord } from './validate.js';

export interface LoadedRecord {
  /** Canonical owner name. */
  name: string;
  /** Where the record sits in the file: ['www'] or ['www', 1] for the second of a list. */
  path: ConfigPath;
  line: number;
  input: RoutingRecordInput;
}

export interface ParsedRoutingFile {
  file: string;
  origin: string;
  records: LoadedRecord[];
  problems: ZoneProblem[];
}

const LABEL = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/;

/** The zone a routing file serves, from its name: `cdn.example.com.yaml` → `cdn.example.com`. */
export function originFromFile(file: string): string {
  return basename(file).replace(/\.ya?ml$/i, '').replace(/\.$/, '').toLowerCase();
}

/** Owner name of a record key: '' and '@' are the apex, anything else is relative to it. */
function ownerName(key: string, origin: string): string | undefined {
  if (key === '' || key === '@') return origin;
  const relative = key.toLowerCase();
  if (relative.endsWith('.') || !relative.split('.').every((label) => LABEL.test(label))) return undefined;
  return origin === '' ? relative : `${relative}.${origin}`;
}

export function parseRoutingText(text: string, file: string, origin = originFromFile(file)): ParsedRoutingFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: ZoneProblem[] = [];
  const result: ParsedRoutingFile = { file, origin, records: [], problems };
  for (const err of doc.errors) {
    const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
    problems.push({ file, line, message: `YAML: ${err.message.split('\n')[0]}`, severity: 'error' });
  }
  if (doc.errors.length > 0) return result;
  if (doc.contents === null) return result;
  const map = new SourceMap(file, doc, lines);
  if (!isMap(doc.contents)) {
    problems.push(map.problem([], 'a routing file maps record names to records'));
    return result;
  }

  const data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  const owners = new Map<string, string>();
  for (const [key, raw] of Object.entries(data)) {
    const name = ownerName(key, origin);
    if (name === undefined) {
      problems.push(map.problem([key], `'${key}' is not a relative record name (use '' or '@' for the apex)`));
      continue;
    }
    const twin = owners.get(name);
    if (twin !== undefined) {
      problems.push(map.problem([key], `'${key}' names the same owner as '${twin}'`));
      continue;
    }
    owners.set(name, key);
    const items: { path: ConfigPath; raw: unknown }[] = Array.isArray(raw)
      ? raw.map((item, i) => ({ path: [key, i], raw: item }))
      : [{ path: [key], raw }];
    if (items.length === 0) problems.push(map.problem([key], 'an empty list holds no records'));
    const types = new Set<string>();
    for (const item of items) {
      const parsed = routingRecordSchema.safeParse(item.raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const issuePath = [...item.path, ...(issue.path as (string | number)[])];
          if (issue.code === 'unrecognized_keys') {
            for (const k of issue.keys) problems.push(map.problem([...issuePath, k], 'unknown key'));
          } else {
            problems.push(map.problem(issuePath, issue.message));
          }
        }
        continue;
      }
      const record = parsed.data;
      if (types.has(record.type)) {
        problems.push(map.problem([...item.path, 'type'], `a second ${record.type} record for '${key}'`));
        continue;
      }
      types.add(record.type);
      const recordProblems = validateRecord(record, item.path, map);
      problems.push(...recordProblems);
      if (!recordProblems.some((p) => p.severity === 'error')) {
        result.records.push({ name, path: item.path, line: map.lineOf(item.path), input: record });
      }
    }
    if (types.has('CNAME') && types.size > 1) {
      problems.push(map.problem([key], 'a CNAME cannot sit beside other records of the same name (RFC 1034 section 3.6.2)'));
    }
  }
  return result;
}

export function hasErrors(problems: readonly ZoneProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

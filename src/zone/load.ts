import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describeError } from '../errors/index.js';
import { compileZone, type ZoneResult } from './build.js';
import { ZoneErrorCode, ZoneInvalidError } from './errors.js';
import { MeridianError } from '../errors/index.js';
import { parseZoneText } from './parser.js';
import type { Zone, ZoneProblem } from './types.js';

export const ZONE_FILE_EXTENSION = '.zone';

export interface ReadZoneOptions {
  /** The zone's origin; defaults to the file name without ".zone" (a leading $ORIGIN overrides it). */
  origin?: string;
}

/** The origin a zone file implies by its name: "cdn.example.com.zone" → "cdn.example.com". */
export function originFromFileName(file: string): string {
  const name = basename(file);
  return (name.endsWith(ZONE_FILE_EXTENSION) ? name.slice(0, -ZONE_FILE_EXTENSION.length) : name).toLowerCase().replace(/\.$/, '');
}

/**
 * Read, parse and check a zone file. Never throws for bad content or a missing file:
 * the problems say what is wrong and where, and `zone` is set only when there is no error.
 * Synchronous because zone files are small and $INCLUDE nests; it runs at start-up and reload.
 */
export function readZoneFile(file: string, options: ReadZoneOptions = {}): ZoneResult {
  const origin = options.origin ?? originFromFileName(file);
  let text: string;
  try {
    // A byte-order mark some editors add is not part of the first owner name.
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    return { zone: undefined, origin, file, problems: [{ file, line: 1, message: `cannot read the zone file: ${describeError(err)}`, severity: 'error' }], includes: [] };
  }
  return parseZone(text, { file, origin });
}

/** Parse and check master-file text (for tests and callers that hold the text). */
export function parseZone(text: string, options: { file: string; origin: string }): ZoneResult {
  return compileZone(parseZoneText(text, options));
}

/** Read a zone file that must be valid: throws ZoneInvalidError (with every problem) otherwise. */
export function parseZoneFile(file: string, options: ReadZoneOptions = {}): Zone {
  const result = readZoneFile(file, options);
  if (!result.zone) throw new ZoneInvalidError(file, result.problems);
  return result.zone;
}

/** The *.zone files of a folder, sorted, as full paths. */
export async function listZoneFiles(dir: string, extension = ZONE_FILE_EXTENSION): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new MeridianError(ZoneErrorCode.read, `cannot read the zone folder ${dir}: ${describeError(err)}`, { cause: err, hint: 'check the --zones path' });
  }
  return names.filter((n) => n.endsWith(extension) && !n.startsWith('.')).sort().map((n) => join(dir, n));
}

export interface ZoneDirectoryResult {
  /** Every zone that loaded without errors. */
  zones: Zone[];
  /** Per file: its result (zone or problems). */
  files: ZoneResult[];
  /** All problems of all files, including two files claiming one origin. */
  problems: ZoneProblem[];
}

/** Read every *.zone file of a folder; a broken file does not stop the others. */
export async function loadZoneDirectory(dir: string): Promise<ZoneDirectoryResult> {
  const files = (await listZoneFiles(dir)).map((file) => readZoneFile(file));
  const problems: ZoneProblem[] = [];
  const zones: Zone[] = [];
  const owners = new Map<string, string>();
  for (const result of files) {
    const claimed = owners.get(result.origin);
    if (claimed !== undefined) {
      const duplicate: ZoneProblem = { file: result.file, line: 1, message: `zone ${result.origin}. is already defined by ${claimed}`, severity: 'error' };
      result.problems.push(duplicate);
      result.zone = undefined;
    }
    owners.set(result.origin, claimed ?? result.file);
    problems.push(...result.problems);
    if (result.zone) zones.push(result.zone);
  }
  return { zones, files, problems };
}

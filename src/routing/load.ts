/** Reading routing files from disk, and the `meridian zone check` checker for them. */
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeError } from '../errors/index.js';
import type { FileChecker, ZoneProblem } from '../zone/index.js';
import { compileRoutingFile } from './compile.js';
import { RoutingError, RoutingErrorCode } from './errors.js';
import { hasErrors, parseRoutingText } from './parse-file.js';
import { formatProblem } from './source-map.js';
import type { RoutingZone } from './types.js';

export const ROUTING_FILE_EXTENSIONS: readonly string[] = ['.yaml', '.yml'];

export interface RoutingFileResult {
  file: string;
  /** Set only when the file has no error. */
  zone: RoutingZone | undefined;
  problems: ZoneProblem[];
}

/** Parse, check and compile routing text. Never throws for bad content. */
export function parseRoutingFile(text: string, file: string, origin?: string): RoutingFileResult {
  const parsed = parseRoutingText(text, file, origin);
  if (hasErrors(parsed.problems)) return { file, zone: undefined, problems: parsed.problems };
  return { file, zone: compileRoutingFile(parsed), problems: parsed.problems };
}

/** Read one routing file; an unreadable file is a problem, not a throw. */
export function readRoutingFile(file: string): RoutingFileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { file, zone: undefined, problems: [{ file, line: 1, message: `cannot read the routing file: ${describeError(err)}`, severity: 'error' }] };
  }
  return parseRoutingFile(text, file);
}

/** The routing files of a folder, sorted, as full paths. */
export async function listRoutingFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new RoutingError(RoutingErrorCode.unreadable, `cannot read the routing folder ${dir}: ${describeError(err)}`, { cause: err, hint: 'check the --zones path' });
  }
  return names.filter((n) => !n.startsWith('.') && ROUTING_FILE_EXTENSIONS.some((ext) => n.endsWith(ext))).sort().map((n) => join(dir, n));
}

/** Every routing file of a folder; throws RoutingError listing every problem when any file has an error. */
export async function loadRoutingDirectory(dir: string): Promise<{ zones: RoutingZone[]; problems: ZoneProblem[] }> {
  const results = (await listRoutingFiles(dir)).map(readRoutingFile);
  const problems = results.flatMap((r) => r.problems);
  if (hasErrors(problems)) {
    throw new RoutingError(RoutingErrorCode.invalidRecords, `routing records in ${dir} have errors:\n${problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n')}`, {
      hint: `run 'meridian zone check ${dir}'`,
    });
  }
  return { zones: results.map((r) => r.zone!), problems };
}

/** `meridian zone check` for *.yaml routing files; also flags two files claiming one zone. */
export const routingFileChecker: FileChecker = {
  extensions: ROUTING_FILE_EXTENSIONS,
  check(files) {
    const problems: ZoneProblem[] = [];
    const owners = new Map<string, string>();
    for (const file of files) {
      const result = readRoutingFile(file);
      problems.push(...result.problems);
      const origin = result.zone?.origin;
      if (origin === undefined) continue;
      const claimed = owners.get(origin);
      if (claimed !== undefined) problems.push({ file, line: 1, message: `routing records for ${origin} are already defined by ${claimed}`, severity: 'error' });
      else owners.set(origin, file);
      // The DNS server consults routing only for names inside a zone it serves.
      if (!existsSync(join(dirname(file), `${origin}.zone`))) {
        problems.push({ file, line: 1, message: `no ${origin}.zone beside it: these names are answered only when a zone file serves ${origin}`, severity: 'warning' });
      }
    }
    return problems;
  },
};

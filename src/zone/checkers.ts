import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { describeError, MeridianError } from '../errors/index.js';
import { ZoneErrorCode } from './errors.js';
import { readZoneFile, ZONE_FILE_EXTENSION } from './load.js';
import type { ZoneProblem } from './types.js';

/**
 * A checker for one kind of file in a zones folder. `meridian zone check` runs every
 * checker on the files whose names end with one of its extensions; other rooms add
 * theirs (the routing engine checks *.yaml) by passing them to the command.
 */
export interface FileChecker {
  /** File name endings, with the dot: [".zone"]. */
  readonly extensions: readonly string[];
  /** All matching files of the folder at once (or the one file given), so a checker can compare them. */
  check(files: readonly string[]): ZoneProblem[] | Promise<ZoneProblem[]>;
}

/** Checks RFC 1035 master files, and that no two of them claim the same zone. */
export const zoneFileChecker: FileChecker = {
  extensions: [ZONE_FILE_EXTENSION],
  check(files) {
    const problems: ZoneProblem[] = [];
    const owners = new Map<string, string>();
    for (const file of files) {
      const result = readZoneFile(file);
      problems.push(...result.problems);
      const claimed = owners.get(result.origin);
      if (claimed !== undefined) problems.push({ file, line: 1, message: `zone ${result.origin}. is already defined by ${claimed}`, severity: 'error' });
      else owners.set(result.origin, file);
    }
    return problems;
  },
};

export interface CheckReport {
  files: string[];
  problems: ZoneProblem[];
}

const matches = (checker: FileChecker, file: string): boolean => checker.extensions.some((ext) => file.endsWith(ext));

/**
 * Check a file or every file of a folder (not recursive) with the checkers that claim it.
 * A folder's other files (README, editor leftovers) are skipped; a single file that no
 * checker claims is a problem, since the operator asked about it.
 */
export async function checkPath(path: string, checkers: readonly FileChecker[]): Promise<CheckReport> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw new MeridianError(ZoneErrorCode.read, `cannot read ${path}: ${describeError(err)}`, { cause: err, hint: 'give a zone file or a folder of zone files' });
  }
  let files: string[];
  if (isDirectory) {
    files = (await readdir(path)).filter((n) => !n.startsWith('.')).sort().map((n) => join(path, n)).filter((f) => checkers.some((c) => matches(c, f)));
  } else {
    if (!checkers.some((c) => matches(c, path))) {
      const known = checkers.flatMap((c) => c.extensions).join(', ');
      const kind = extname(path) ? `${extname(path)} files` : 'files without an extension';
      return { files: [path], problems: [{ file: path, line: 1, message: `no checker for ${kind} (known: ${known})`, severity: 'error' }] };
    }
    files = [path];
  }
  const problems: ZoneProblem[] = [];
  for (const checker of checkers) {
    const mine = files.filter((f) => matches(checker, f));
    if (mine.length > 0) problems.push(...(await checker.check(mine)));
  }
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { files, problems };
}

/** `file:line: message`, with "warning: " before the message of a warning. */
export function formatProblem(problem: ZoneProblem): string {
  return `${problem.file}:${problem.line}: ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`;
}

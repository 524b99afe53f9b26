/**
 * Shared pieces of config validation. Every room validates its own config with its own
 * schema; this is where the way a failing field is named lives, so every message reads
 * the same: `sites[0].origin`, `www.dynamic.pools.eu.values[2].weight`.
 */

/** A schema path as text: array indexes in brackets, keys joined with dots; `empty` for the top. */
export function formatConfigPath(path: readonly PropertyKey[], empty = '(root)'): string {
  if (path.length === 0) return empty;
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}

/** One `path: message` line per schema issue (zod's `error.issues`), paths as formatConfigPath writes them. */
export function formatConfigIssues(issues: ReadonlyArray<{ readonly path: readonly PropertyKey[]; readonly message: string }>, empty = '(root)'): string[] {
  return issues.map((issue) => `${formatConfigPath(issue.path, empty)}: ${issue.message}`);
}

/**
 * Maps a config path (['www', 'dynamic', 'pools', 'eu', 'values', 2, 'weight']) to the
 * line of the YAML node it names, so every message reads `file:line: path: message`.
 */
import { isMap, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ZoneProblem } from '../zone/index.js';
import { formatConfigPath } from '../config/index.js';

export type ConfigPath = readonly (string | number)[];

/** `www.dynamic.pools.eu.values[2].weight`; the apex ('' or '@') reads as `@`. */
export function formatPath(path: ConfigPath): string {
  return formatConfigPath(path[0] === '' ? ['@', ...path.slice(1)] : path, '');
}

export class SourceMap {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Line (1-based) of the deepest node along `path` that exists. */
  lineOf(path: ConfigPath): number {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const part of path) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === String(part));
        if (!pair) break;
        // A key with an empty value still has a line: the key's.
        next = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof part === 'number') {
        next = node.items[part];
      }
      if (next === undefined || next === null) break;
      node = next;
      offset = rangeStart(node) ?? offset;
    }
    return this.lines.linePos(offset).line;
  }

  problem(path: ConfigPath, message: string, severity: ZoneProblem['severity'] = 'error'): ZoneProblem {
    const where = formatPath(path);
    return { file: this.file, line: this.lineOf(path), message: where ? `${where}: ${message}` : message, severity };
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

function keyText(key: unknown): string {
  if (key && typeof key === 'object' && 'value' in key) return String((key as { value: unknown }).value ?? '');
  return String(key ?? '');
}

/** `file:line: message` — the one format for every routing problem. */
export function formatProblem(problem: ZoneProblem): string {
  return `${problem.file}:${problem.line}: ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`;
}

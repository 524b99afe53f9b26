import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { DemoError, DemoErrorCode } from './errors.js';

/**
 * The zones the demo serves. The example zones (zones/) probe the edges on port 8080; when
 * the demo runs its edges on another port, it serves a copy whose health-check ports follow,
 * so routing still sees live nodes. Otherwise it serves the folder itself, hot reload included.
 */
export interface DemoZones {
  dir: string;
  /** True when `dir` is a temporary copy. */
  copied: boolean;
  close(): void;
}

const EXAMPLE_PROBE_PORT = 8080;

function setProbePorts(doc: Document, port: number): boolean {
  let changed = false;
  const root = doc.contents;
  if (!isMap(root)) return false;
  for (const pair of root.items) {
    const records = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const record of records) {
      if (!isMap(record)) continue;
      for (const path of [['octodns', 'healthcheck'], ['meridian', 'healthcheck']]) {
        // A probe with its own URL names its port there: leave it alone.
        if (record.hasIn(path) && !record.hasIn([...path, 'url'])) {
          record.setIn([...path, 'port'], port);
          changed = true;
        }
      }
    }
  }
  return changed;
}

export function prepareDemoZones(sourceDir: string, edgePort: number): DemoZones {
  let files: string[];
  try {
    files = readdirSync(sourceDir).filter((name) => name.endsWith('.zone') || name.endsWith('.yaml') || name.endsWith('.yml'));
  } catch (err) {
    throw new DemoError(DemoErrorCode.ZONES, `cannot read the example zones in ${sourceDir}`, { cause: err, hint: 'run from the repository root or pass --zones DIR' });
  }
  if (edgePort === EXAMPLE_PROBE_PORT) return { dir: sourceDir, copied: false, close: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'meridian-demo-zones-'));
  for (const name of files) {
    const from = join(sourceDir, name);
    if (name.endsWith('.zone')) {
      copyFileSync(from, join(dir, name));
      continue;
    }
    const doc = parseDocument(readFileSync(from, 'utf8'));
    // A broken routing file is copied as is: the routing room reports it with file:line.
    if (doc.errors.length === 0 && setProbePorts(doc, edgePort)) writeFileSync(join(dir, name), doc.toString());
    else copyFileSync(from, join(dir, name));
  }
  return { dir, copied: true, close: () => rmSync(dir, { recursive: true, force: true }) };
}

import { createSimCache, nextUses } from './cache-models.js';
import { POLICY_NAMES } from './defaults.js';
import { SimulateError, SimulateErrorCode } from './errors.js';
import { catalogueBytes } from './trace-builder.js';
import type { HitCounts, PolicyComparison, PolicyName, PolicyResult, Trace } from './types.js';

export interface CompareOptions {
  /** Cache size as a share of the catalogue's bytes (0.01 = 1%), or absolute bytes below. */
  budgetShare?: number;
  budgetBytes?: number;
  policies?: readonly PolicyName[];
}

/** Every policy on one cache of one byte budget, replaying the whole trace. */
export function comparePolicies(trace: Trace, options: CompareOptions = {}): PolicyComparison {
  const catalogue = catalogueBytes(trace);
  const budgetBytes = Math.floor(options.budgetBytes ?? catalogue * (options.budgetShare ?? 0.01));
  if (!(budgetBytes > 0)) throw new SimulateError(SimulateErrorCode.optionsInvalid, `the cache budget must be positive (got ${budgetBytes} bytes)`, { hint: 'give --budget-share in (0, 1] or --budget-bytes' });
  const policies = options.policies ?? POLICY_NAMES;
  const next = nextUses(trace.objectIndex, trace.urls.length);
  const expectedEntries = expectedEntriesFor(budgetBytes, catalogue / Math.max(1, trace.urls.length));
  const counts = new Map<PolicyName, HitCounts>();
  for (const policy of new Set<PolicyName>([...policies, 'lru', 'belady'])) {
    const cache = createSimCache(policy, { budgetBytes, objects: trace.urls.length, expectedEntries });
    const tally = new Tally();
    for (let i = 0; i < trace.length; i++) {
      const object = trace.objectIndex[i]!;
      const size = trace.sizes[i]!;
      tally.add(size, cache.request(object, trace.urls[object]!, size, next[i]!));
    }
    counts.set(policy, tally.counts());
  }
  const lru = counts.get('lru')!;
  const belady = counts.get('belady')!;
  const results: PolicyResult[] = policies.map((policy) => {
    const c = counts.get(policy)!;
    return { policy, ...c, byteGapClosed: gapClosed(lru.byteHitRatio, belady.byteHitRatio, c.byteHitRatio), objectGapClosed: gapClosed(lru.objectHitRatio, belady.objectHitRatio, c.objectHitRatio) };
  });
  return { requests: trace.length, objects: trace.urls.length, catalogueBytes: catalogue, budgetBytes, results };
}

/** How many entries a budget holds at the catalogue's mean object size (at least 16). */
export function expectedEntriesFor(budgetBytes: number, meanObjectBytes: number): number {
  return Math.max(16, Math.ceil(budgetBytes / Math.max(1, meanObjectBytes)));
}

function gapClosed(lru: number, belady: number, value: number): number | null {
  return belady > lru ? (value - lru) / (belady - lru) : null;
}

/** Running hit counts. */
export class Tally {
  requests = 0;
  hits = 0;
  bytes = 0;
  hitBytes = 0;

  add(size: number, hit: boolean): void {
    this.requests++;
    this.bytes += size;
    if (hit) {
      this.hits++;
      this.hitBytes += size;
    }
  }

  counts(): HitCounts {
    return {
      requests: this.requests,
      hits: this.hits,
      bytes: this.bytes,
      hitBytes: this.hitBytes,
      objectHitRatio: this.requests ? this.hits / this.requests : 0,
      byteHitRatio: this.bytes ? this.hitBytes / this.bytes : 0,
    };
  }
}

/**
 * Prepared responses keyed by (qtype, lowercase wire name). One bound over all types
 * with first-in-first-out eviction: O(1), and random-name (or random-type) floods can
 * only churn the cache, not grow it. Each entry remembers the zone object it was built
 * from, so a zone reload (which swaps the object) makes the entry stale even for a zone
 * source without a generation counter.
 */
import type { Zone } from '../zone/index.js';
import type { ResponseBody } from './response-encoder.js';

export interface Template {
  body: ResponseBody;
  /** Canonical query name, to re-check which zone it falls in now. */
  name: string;
  /** The zone the body was built from; undefined for REFUSED (no zone). */
  zone: Zone | undefined;
}

export class TemplateCache {
  private readonly byType = new Map<number, Map<string, Template>>();
  private count = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.count;
  }

  get(qtype: number, key: string): Template | undefined {
    return this.byType.get(qtype)?.get(key);
  }

  set(qtype: number, key: string, template: Template): void {
    if (this.capacity <= 0) return;
    let names = this.byType.get(qtype);
    if (names === undefined) {
      names = new Map();
      this.byType.set(qtype, names);
    }
    if (!names.has(key)) {
      if (this.count >= this.capacity) this.evictOne(names);
      this.count++;
    }
    names.set(key, template);
  }

  clear(): void {
    this.byType.clear();
    this.count = 0;
  }

  /** Evicts the oldest entry of the map being written to (the flood's own), else of any non-empty one. */
  private evictOne(preferred: Map<string, Template>): void {
    let victims: Map<string, Template> | undefined = preferred.size > 0 ? preferred : undefined;
    if (victims === undefined) {
      for (const [type, names] of this.byType) {
        if (names.size > 0) {
          victims = names;
          break;
        }
        // Empty maps left by eviction go, so this scan stays short (amortized O(1)).
        if (names !== preferred) this.byType.delete(type);
      }
    }
    const oldest = victims?.keys().next();
    if (victims !== undefined && oldest !== undefined && !oldest.done) {
      victims.delete(oldest.value);
      this.count--;
    }
  }
}

import type { StatusPurge } from './types.js';

/** What completed between two `take()` calls. */
export interface PurgeCompletions {
  /** How many purges completed. */
  count: number;
  /** The slowest of them, ms from issue to acknowledged by every live node; null when none completed. */
  slowestMs: number | null;
}

/**
 * Turns successive lists of purges in flight into completion latencies, for any StatusSource:
 * a purge is complete when it is listed with no node pending (at its `completedAt` when the
 * source gives one, else when first seen so), or when it leaves a list that is below its cap
 * (the contract lists purges in flight, so one that goes was applied everywhere; at the cap
 * the oldest may have been cut instead, so that says nothing). Each purge counts once.
 * Without `completedAt`, only purges seen pending count: one already complete the first time
 * it is seen finished at some unknown moment before.
 */
export class PurgeLatencyTracker {
  readonly #cap: number;
  /** Purges seen with nodes pending: sequence → issuedAt. */
  readonly #pending = new Map<number, number>();
  /** Purges counted (or known complete) that the source still lists. */
  readonly #done = new Set<number>();
  #count = 0;
  #slowest: number | null = null;

  /** `cap`: how many purges the list holds at most (the routes' `maxPurges`). */
  constructor(cap: number) {
    this.#cap = cap;
  }

  /** Read the purges in flight at `now` (epoch ms, the snapshot's time). Safe on any input. */
  observe(purges: readonly StatusPurge[], now: number): void {
    const listed = new Set<number>();
    for (const purge of purges) {
      if (!purge || typeof purge !== 'object' || !Number.isFinite(purge.sequence) || !Number.isFinite(purge.issuedAt)) continue;
      const { sequence, issuedAt } = purge;
      listed.add(sequence);
      if (this.#done.has(sequence)) continue;
      if (Array.isArray(purge.pending) && purge.pending.length > 0) {
        this.#pending.set(sequence, issuedAt);
        continue;
      }
      this.#done.add(sequence);
      const seenPending = this.#pending.delete(sequence);
      if (typeof purge.completedAt === 'number' && Number.isFinite(purge.completedAt)) this.#record(purge.completedAt - issuedAt);
      else if (seenPending) this.#record(now - issuedAt);
    }
    const cut = purges.length >= this.#cap;
    for (const [sequence, issuedAt] of this.#pending) {
      if (listed.has(sequence)) continue;
      this.#pending.delete(sequence);
      if (!cut) this.#record(now - issuedAt);
    }
    for (const sequence of this.#done) if (!listed.has(sequence)) this.#done.delete(sequence);
  }

  /** Completions since the last call, and start counting afresh. */
  take(): PurgeCompletions {
    const out = { count: this.#count, slowestMs: this.#slowest };
    this.#count = 0;
    this.#slowest = null;
    return out;
  }

  #record(latencyMs: number): void {
    // Clocks of the issuer and of this server may disagree a little: never a negative latency.
    const ms = Math.max(0, Math.round(latencyMs));
    this.#count++;
    this.#slowest = this.#slowest === null ? ms : Math.max(this.#slowest, ms);
  }
}

import type { InvalidationView, PurgeEvent, PurgeScope, PurgeTarget } from './types.js';
import { normalizeHost } from './scope.js';

/** Newest sequence per scope for one kind of purge (hard or soft). */
class ScopeTable {
  readonly urls = new Map<string, number>();
  readonly tags = new Map<string, number>();
  readonly sites = new Map<string, number>();
  /** Per host: prefix → sequence, plus the distinct prefix lengths so a lookup tries only those. */
  readonly prefixes = new Map<string, { bySlice: Map<string, number>; lengths: number[] }>();

  /** Record `sequence` for the scope if newer; returns the map and key it landed in, or undefined if not newer. */
  set(scope: PurgeScope, sequence: number): Landed | undefined {
    switch (scope.kind) {
      case 'url': return raise(this.urls, `${scope.host} ${scope.path}`, sequence);
      case 'tag': return raise(this.tags, `${scope.host} ${scope.tag}`, sequence);
      case 'site': return raise(this.sites, scope.host, sequence);
      case 'prefix': {
        let forHost = this.prefixes.get(scope.host);
        if (!forHost) {
          forHost = { bySlice: new Map(), lengths: [] };
          this.prefixes.set(scope.host, forHost);
        }
        if (!forHost.lengths.includes(scope.prefix.length)) {
          forHost.lengths.push(scope.prefix.length);
          forHost.lengths.sort((a, b) => a - b);
        }
        return raise(forHost.bySlice, scope.prefix, sequence);
      }
    }
  }

  newest(host: string, target: PurgeTarget): number {
    let newest = Math.max(this.sites.get(host) ?? 0, this.sites.get('*') ?? 0, this.urls.get(`${host} ${target.path}`) ?? 0);
    for (const tag of target.tags) {
      newest = Math.max(newest, this.tags.get(`${host} ${tag}`) ?? 0, this.tags.get(`* ${tag}`) ?? 0);
    }
    const forHost = this.prefixes.get(host);
    if (forHost) {
      for (const length of forHost.lengths) {
        if (length > target.path.length) break;
        const sequence = forHost.bySlice.get(target.path.slice(0, length));
        if (sequence !== undefined && sequence > newest) newest = sequence;
      }
    }
    return newest;
  }

  get size(): number {
    let prefixCount = 0;
    for (const forHost of this.prefixes.values()) prefixCount += forHost.bySlice.size;
    return this.urls.size + this.tags.size + this.sites.size + prefixCount;
  }
}

/** Where a newer sequence was stored, and whether the scope is new to the table. */
type Landed = { map: Map<string, number>; key: string; added: boolean };

function raise(map: Map<string, number>, key: string, sequence: number): Landed | undefined {
  const current = map.get(key);
  if (current !== undefined && current >= sequence) return undefined;
  map.set(key, sequence);
  return { map, key, added: current === undefined };
}

const EVERY_SITE: PurgeScope = { kind: 'site', host: '*' };

export interface InvalidationIndexOptions {
  /**
   * Bound on remembered scopes. Past it the oldest are forgotten and replaced by a
   * fleet-wide purge at the newest forgotten sequence: the index stays small and still
   * never lets a copy older than a forgotten purge pass as fresh.
   */
  maxEntries?: number;
}

/**
 * The in-process index every cache node reads on its hot path: url, tag, site and
 * prefix scopes → newest purge sequence, hard and soft kept apart. Fed by the
 * invalidation subscriber; every read is synchronous.
 */
export class InvalidationIndex implements InvalidationView {
  private applied = 0;
  private readonly hard = new ScopeTable();
  private readonly soft = new ScopeTable();
  private readonly listeners = new Set<(event: PurgeEvent) => void>();
  private readonly maxEntries: number;
  /** Insertion order of entries, oldest first, for compaction. Superseded items are skipped when popped. */
  private order: Array<{ map: Map<string, number>; key: string; sequence: number; soft: boolean }> = [];
  private orderHead = 0;
  /** Live scopes in both tables, except the every-site entries. */
  private entries = 0;

  constructor(options: InvalidationIndexOptions = {}) {
    this.maxEntries = Math.max(16, options.maxEntries ?? 1_000_000);
  }

  appliedSequence(): number {
    return this.applied;
  }

  newestPurge(target: PurgeTarget, fetchSequence?: number): { sequence: number; soft: boolean } | undefined {
    const host = normalizeHost(target.host);
    const hard = this.hard.newest(host, target);
    const soft = this.soft.newest(host, target);
    if (hard === 0 && soft === 0) return undefined;
    if (fetchSequence === undefined) return hard === 0 ? { sequence: soft, soft: true } : { sequence: Math.max(hard, soft), soft: false };
    if (hard > fetchSequence) return { sequence: hard, soft: false };
    if (soft > fetchSequence) return { sequence: soft, soft: true };
    return { sequence: Math.max(hard, soft), soft: soft > hard };
  }

  onPurge(listener: (event: PurgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Apply one purge: record it, advance the applied sequence, tell the listeners. */
  apply(event: PurgeEvent): void {
    this.record(event.scope, event.sequence, event.soft);
    if (event.sequence > this.applied) this.applied = event.sequence;
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Merge knowledge that arrives without events (a snapshot): newest wins per scope,
   * the applied sequence only moves forward. Listeners are told about scopes that moved.
   */
  merge(scope: PurgeScope, sequence: number, soft: boolean, issuedAt: number): void {
    if (this.record(scope, sequence, soft)) {
      for (const listener of this.listeners) listener({ sequence, scope, soft, issuedAt });
    }
  }

  advanceTo(sequence: number): void {
    if (sequence > this.applied) this.applied = sequence;
  }

  /**
   * Forget nothing, trust nothing older than `sequence`: a hard purge of every site.
   * Used when the node cannot prove it saw every purge (see the README, "reset").
   */
  reset(sequence: number, issuedAt: number): void {
    this.apply({ sequence, scope: EVERY_SITE, soft: false, issuedAt });
  }

  get size(): number {
    return this.hard.size + this.soft.size;
  }

  private record(scope: PurgeScope, sequence: number, soft: boolean): boolean {
    const host = normalizeHost(scope.host);
    const normalized = scope.host === host ? scope : { ...scope, host };
    const table = soft ? this.soft : this.hard;
    const landed = table.set(normalized, sequence);
    if (!landed) return false;
    const isEverySite = normalized.kind === 'site' && normalized.host === '*';
    if (!isEverySite) {
      this.order.push({ map: landed.map, key: landed.key, sequence, soft });
      if (landed.added) this.entries++;
      if (this.entries > this.maxEntries) this.compact();
      else if (this.order.length - this.orderHead > 2 * this.entries + 1024) this.dropSuperseded();
    }
    return true;
  }

  /** Drop the oldest tenth and cover it with fleet-wide purges at the newest dropped sequence. */
  private compact(): void {
    const target = Math.floor(this.maxEntries * 0.9);
    let hardFloor = 0;
    let softFloor = 0;
    while (this.entries > target && this.orderHead < this.order.length) {
      const item = this.order[this.orderHead++]!;
      if (item.map.get(item.key) !== item.sequence) continue;
      item.map.delete(item.key);
      this.entries--;
      if (item.soft) softFloor = Math.max(softFloor, item.sequence);
      else hardFloor = Math.max(hardFloor, item.sequence);
    }
    this.order = this.order.slice(this.orderHead);
    this.orderHead = 0;
    this.pruneEmptyPrefixHosts();
    if (hardFloor > 0) this.hard.set(EVERY_SITE, hardFloor);
    if (softFloor > 0) this.soft.set(EVERY_SITE, softFloor);
  }

  /** Re-purging the same scopes leaves superseded items in `order`; keep it proportional to the live entries. */
  private dropSuperseded(): void {
    this.order = this.order.slice(this.orderHead).filter((item) => item.map.get(item.key) === item.sequence);
    this.orderHead = 0;
  }

  private pruneEmptyPrefixHosts(): void {
    for (const table of [this.hard, this.soft]) {
      for (const [host, forHost] of table.prefixes) {
        if (forHost.bySlice.size === 0) table.prefixes.delete(host);
      }
    }
  }
}

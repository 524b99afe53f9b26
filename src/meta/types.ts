/**
 * The contract between the metadata/invalidation room (this one) and its readers:
 * the cache node (which must never serve or store a copy older than the newest purge
 * it knows of) and the DNS routing engine (which reads the node registry and load).
 */

/** What a purge covers. `host` is always set: purges are per site. */
export type PurgeScope =
  | { kind: 'url'; host: string; path: string }
  | { kind: 'prefix'; host: string; prefix: string }
  | { kind: 'tag'; host: string | '*'; tag: string }
  | { kind: 'site'; host: string };

export interface PurgeEvent {
  /** Monotonic fleet-wide sequence number; every purge gets a new, larger one. */
  sequence: number;
  scope: PurgeScope;
  /** Soft purge: mark stale (serve while revalidating) instead of removing. */
  soft: boolean;
  /** Wall-clock ms when the purge was accepted, for latency measurement. */
  issuedAt: number;
}

/** The identity of a cached object, as far as purges are concerned. */
export interface PurgeTarget {
  host: string;
  /** Path with query string, as in the request line. */
  path: string;
  /** Surrogate keys from `Surrogate-Key` / `Cache-Tag` of the stored response. */
  tags: readonly string[];
}

/**
 * What a cache node reads on its hot path. Implementations keep an in-process index
 * fed by the invalidation stream, so every call here is synchronous and cheap.
 */
export interface InvalidationView {
  /** The highest purge sequence this node has applied (0 before any). Record it when a fetch starts. */
  appliedSequence(): number;
  /**
   * The newest purge covering this object, or undefined. A copy fetched when
   * appliedSequence() was below `sequence` must not be served as fresh:
   * hard purge → treat as absent; soft → treat as stale.
   */
  newestPurge(target: PurgeTarget): { sequence: number; soft: boolean } | undefined;
  /** Called for each purge as it is applied, so stores can drop hard-purged objects eagerly. */
  onPurge(listener: (event: PurgeEvent) => void): () => void;
}

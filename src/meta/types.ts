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
   *
   * Pass `fetchSequence` (the appliedSequence() recorded when the copy was fetched) for
   * the exact answer: a hard purge newer than the fetch wins over a later soft one. Without
   * it the answer is conservative: `soft` is true only when no hard purge covers the target
   * at all, so a hard purge is never softened (at worst a soft purge acts as a hard one).
   */
  newestPurge(target: PurgeTarget, fetchSequence?: number): { sequence: number; soft: boolean } | undefined;
  /** Called for each purge as it is applied, so stores can drop hard-purged objects eagerly. */
  onPurge(listener: (event: PurgeEvent) => void): () => void;
}

/*
 * Everything below extends the contract above without changing it.
 *
 * Scope conventions the cache can rely on:
 * - `{ kind: 'site', host: '*' }` purges every site. The index emits one when it cannot
 *   prove its knowledge complete (a trimmed stream across a Redis data loss, a compacted
 *   index): a "reset". The cache needs nothing extra: newestPurge() returns it for every
 *   target, so everything fetched before the reset is treated as absent.
 * - `{ kind: 'tag', host: '*' }` purges a tag on every site.
 */

/** The newest purge covering a target, split by kind so a hard purge is never softened by a later soft one. */
export interface PurgeVerdict {
  sequence: number;
  soft: boolean;
}

/** What an operator asks for; the store turns it into a PurgeEvent with a sequence. */
export interface PurgeRequest {
  scope: PurgeScope;
  soft: boolean;
}

/** One stream entry: a batch of purges with consecutive sequences. */
export interface PurgeBatch {
  /** Stream id of this entry (Redis stream id, `ms-n`). */
  id: string;
  /** Stream id of the entry before it ('0-0' for the first): a mismatch means entries were trimmed or lost. */
  previousId: string;
  events: PurgeEvent[];
  /** Set when the entry could not be read (not written by Meridian): events is empty, readers must reset. */
  corrupt?: boolean;
}

/**
 * Everything a node needs to rebuild its index without the stream: the newest sequence
 * per scope (hard and soft), the floors left by compaction, and the stream position the
 * snapshot corresponds to. Taken atomically.
 */
export interface InvalidationSnapshot {
  /** Changes when the store lost its data (a Redis restart without persistence). */
  epoch: string;
  sequence: number;
  lastId: string;
  hard: Array<[scopeKey: string, sequence: number]>;
  soft: Array<[scopeKey: string, sequence: number]>;
  /** Scopes compacted away are covered by a fleet-wide purge at this sequence. */
  hardFloor: number;
  softFloor: number;
}

/** What a node reports as applied. */
export interface PurgeAck {
  nodeId: string;
  sequence: number;
  streamId: string;
  at: number;
}

export type NodeTier = 'edge' | 'regional';

export interface NodeCapacity {
  requestsPerSecond: number;
  bytesPerSecond: number;
  connections: number;
}

/** What a cache node registers once. */
export interface NodeInfo {
  id: string;
  region: string;
  tier: NodeTier;
  /** Public addresses (IPv4/IPv6) the DNS hands out for this node. */
  addresses: string[];
  location: { lat: number; lon: number };
  capacity: NodeCapacity;
  /** The node's admin listener (`http://host:port`): region peers ask it for `GET /hot-keys` when they join. */
  adminUrl?: string;
}

/** What a cache node reports every second. */
export interface LoadReport {
  requestsPerSecond: number;
  bytesPerSecond: number;
  openConnections: number;
  /** 0..1, from perf_hooks.performance.eventLoopUtilization. */
  eventLoopUtilization: number;
  /** 0..1 over the last interval; 0 when there were no requests. */
  hitRatio: number;
}

/** A registered node as readers see it. */
export interface NodeStatus extends NodeInfo {
  load: LoadReport;
  /** Wall-clock ms of the last heartbeat. */
  updatedAt: number;
  /** Wall-clock ms after which the node is gone unless it reports again. */
  expiresAt: number;
}

/**
 * The metadata store. Two implementations (Redis, in-process) pass one contract suite.
 * Every method either does what it says or rejects with a MeridianError: nothing is
 * silently dropped.
 */
export interface MetaStore {
  readonly kind: 'redis' | 'memory';
  /** Resolve once the store can serve requests; reject with MERIDIAN_E_META_UNAVAILABLE. */
  ready(): Promise<void>;

  /** Register or refresh a node with its latest load; it vanishes after ttlMs without another call. */
  heartbeat(info: NodeInfo, load: LoadReport, ttlMs: number): Promise<void>;
  removeNode(id: string): Promise<void>;
  /** Live nodes only (not expired), sorted by id. */
  listNodes(): Promise<NodeStatus[]>;

  /**
   * Assign consecutive fleet sequences to the requests, bump the per-scope versions and
   * append ONE stream entry, atomically. An empty list is refused.
   */
  publish(requests: readonly PurgeRequest[], issuedAt: number): Promise<PurgeBatch>;
  /**
   * Stream entries after `afterId`, oldest first, at most `count`. Waits up to blockMs
   * for the first one when there is none (0: do not wait). Resolves [] when closed, or
   * when `signal` aborts the wait (the in-process store; a Redis XREAD ends on close()).
   */
  read(afterId: string, options: { count: number; blockMs: number; signal?: AbortSignal }): Promise<PurgeBatch[]>;
  snapshot(): Promise<InvalidationSnapshot>;
  /** The store's epoch, creating it (and the sequence counter) when missing. */
  epoch(): Promise<string>;
  /**
   * Take a fleet sequence without publishing anything: a node's reset point. It is above
   * `above` too, and so is every later one (a node that applied sequences the store lost in
   * a failover raises the counter past them, so they are never handed out again below it).
   */
  reserveSequence(above?: number): Promise<number>;
  /** Entries currently held in the stream (for tests and diagnostics). */
  streamLength(): Promise<number>;
  /** Trim the stream to at most maxLength entries, exactly; returns how many went. */
  trim(maxLength: number): Promise<number>;

  ack(ack: PurgeAck): Promise<void>;
  acks(): Promise<Map<string, PurgeAck>>;

  close(): Promise<void>;
}

/** Public shapes of the simulator. */

/**
 * A request trace, columnar so a million requests stay small. Times are seconds on the virtual
 * clock (epoch seconds for CSV traces with timestamps, seconds from the start for generated ones).
 */
export interface Trace {
  readonly length: number;
  readonly times: Float64Array;
  readonly clientIndex: Uint32Array;
  readonly clients: readonly string[];
  readonly objectIndex: Uint32Array;
  readonly urls: readonly string[];
  /** Response body bytes of each request. */
  readonly sizes: Float64Array;
}

export type SizeDistribution = 'lognormal' | 'pareto';

export interface GeneratorOptions {
  seed: number;
  requests: number;
  /** Catalogue size: distinct objects that may be requested. */
  objects: number;
  /** Zipf exponent of object popularity (0.6-1.0 is typical of CDN traffic). */
  zipfExponent: number;
  sizeDistribution: SizeDistribution;
  /** Median object size for lognormal, minimum (scale) for Pareto. */
  sizeScaleBytes: number;
  /** σ of ln(size) for lognormal; α (tail index) for Pareto. */
  sizeShape: number;
  /** Object sizes are clamped to this (the store's largest object). */
  maxObjectBytes: number;
  clients: number;
  /** Length of the trace on the virtual clock; traffic follows each region's local day. */
  days: number;
}

export type PolicyName = 'lru' | 'second-hit' | 'tinylfu' | 'tinylfu-sum' | 'tinylfu-density' | 'belady';

/** Counts of one cache (or tier, or the whole run). */
export interface HitCounts {
  requests: number;
  hits: number;
  bytes: number;
  hitBytes: number;
  objectHitRatio: number;
  byteHitRatio: number;
}

export interface PolicyResult extends HitCounts {
  policy: PolicyName;
  /** (this − LRU) / (Belady − LRU) in byte hit ratio; null when Belady does not beat LRU. */
  byteGapClosed: number | null;
  objectGapClosed: number | null;
}

export interface PolicyComparison {
  requests: number;
  objects: number;
  catalogueBytes: number;
  budgetBytes: number;
  results: PolicyResult[];
}

export type NodeTier = 'edge' | 'regional';

export interface FleetNode {
  id: string;
  region: string;
  tier: NodeTier;
  /** The address routing answers with (edges) or that identifies the node (regionals). */
  address: string;
  capacityBytes: number;
  latitude: number;
  longitude: number;
}

export interface Fleet {
  nodes: readonly FleetNode[];
  origin: { latitude: number; longitude: number };
  /** The routed name whose decisions send clients to edges, e.g. edge.cdn.example.com. */
  name: string;
}

export type ParentSelection = 'hash' | 'random';

export interface FleetRunOptions {
  policy: PolicyName;
  /** false: edges go straight to the origin. */
  regionalTier: boolean;
  parents: ParentSelection;
  seed: number;
  /** Empty one node's cache at a point of the virtual clock, optionally warming it from its peers. */
  restart?: RestartOptions;
}

export type WarmMode = 'keep' | 'none' | 'peers';

export interface RestartOptions {
  node: string;
  /** Seconds after the trace's first request. */
  atSeconds: number;
  /**
   * `keep`: no restart at all (the baseline, measured over the same hour). `none`: the node comes
   * back cold. `peers`: before serving, it loads the hottest keys of the same tier's nodes in its
   * region (most requested there in the hour before), up to `warmBytes`.
   */
  warm: WarmMode;
  /** Bytes to rehydrate at most (bandwidth bound); default the node's capacity. */
  warmBytes?: number;
}

export interface RestartReport {
  node: string;
  atSeconds: number;
  warm: WarmMode;
  warmedObjects: number;
  warmedBytes: number;
  /** The node in the hour after it came back. */
  hourAfter: HitCounts;
}

export interface NodeReport extends HitCounts {
  id: string;
  region: string;
  tier: NodeTier;
  capacityBytes: number;
}

export interface LatencyReport {
  /** Estimated time to first byte from distance (see latency.ts), milliseconds. */
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
}

export interface FleetReport {
  options: FleetRunOptions;
  requests: number;
  bytes: number;
  nodes: NodeReport[];
  tiers: Record<NodeTier, HitCounts>;
  origin: { requests: number; bytes: number; requestOffload: number; byteOffload: number };
  routing: {
    /** Share of distinct clients whose edge is in the region of their nearest edge. */
    nearestRegionClientShare: number;
    /** The same, weighted by requests. */
    nearestRegionRequestShare: number;
    unrouted: number;
    meanClientEdgeKm: number;
  };
  latency: LatencyReport;
  restart?: RestartReport;
  /** Per hour of the virtual clock: requests and fleet byte hit ratio (origin offload). */
  hourly: { hour: number; requests: number; byteOffload: number; objectOffload: number }[];
}

/**
 * The routing room's public shapes: compiled routing records, the decision and its
 * trace, and the read interfaces it needs from live node state (health, load).
 */
import type { ClientSubnet, DynamicRecord } from '../dns/index.js';

/** How a pool orders its candidates before picking. */
export type Selection = 'weighted' | 'closest';

/** What to answer when every candidate of the rule's pool and its fallback chain is down. */
export type AllDownPolicy = 'all' | 'fallback' | 'empty' | 'servfail';

/** octoDNS value status: `obey` follows the health check, `up`/`down` force it. */
export type ValueStatus = 'up' | 'down' | 'obey';

/** One HTTP(S) health probe, fully resolved from a record's octoDNS + Meridian settings. */
export interface ProbeSpec {
  /** Stable identity: equal specs (same URL, host, expectations, timings) share one probe. */
  id: string;
  /** The value (address or host name) this probe watches. */
  address: string;
  url: string;
  /** Host header (and TLS SNI) to send; undefined = the URL's host. */
  host: string | undefined;
  expectStatus: number;
  /** Substring the response body must contain; undefined = body not checked. */
  bodyMatch: string | undefined;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive successes to come up. */
  upThreshold: number;
  /** Consecutive failures to go down. */
  downThreshold: number;
  /** Where the health check was configured, for messages. */
  source: string;
}

/**
 * Health as routing reads it: the fleet room's HealthView satisfies this structurally
 * (routing needs only `state`). undefined = nobody tracks the target: treated as up.
 */
export interface RoutingHealth {
  state(probeId: string): { up: boolean; changing: boolean } | undefined;
}

/**
 * Load as routing reads it (the fleet room's LoadView): 0..1 utilisation of a value,
 * asked by the value's text (its address); undefined = unreported, never shed.
 */
export interface RoutingLoad {
  load(value: string): number | undefined;
}

/** A value of a pool (or of the static fallback), precompiled for the hot path. */
export interface CompiledValue {
  value: string;
  weight: number;
  status: ValueStatus;
  /** Per-value seed of the rendezvous hash (FNV-1a of the value text). */
  seed: number;
  /** Coordinates from the value's or pool's `meridian.location`; NaN when unknown. */
  lat: number;
  lon: number;
  site: string | undefined;
  /** Probe watching this value; undefined = no health check configured. */
  probeId: string | undefined;
  /** The answer record at the normal TTL and at the short TTL, built once. */
  recordMax: DynamicRecord;
  recordMin: DynamicRecord;
}

export interface CompiledPool {
  name: string;
  values: CompiledValue[];
  /** Index into the record's pools, -1 for none. */
  fallback: number;
  selection: Selection;
  answers: number;
  /** Values above this load (0..1) are shed; undefined = no shedding. */
  loadWatermark: number | undefined;
  site: string | undefined;
}

export interface CompiledGeo {
  continent: string;
  country: string | undefined;
  subdivision: string | undefined;
}

export interface CompiledRule {
  index: number;
  pool: number;
  geos: CompiledGeo[] | undefined;
  /** The rule's CIDRs, for explain. Matching goes through the record's tries. */
  subnets: string[] | undefined;
}

/** A subnet trie answering "which rules list a CIDR containing this address", as a bit set. */
export interface RuleSubnetIndex {
  /**
   * Fills `out` (one bit per rule whose CIDRs contain the address) and returns the prefix
   * length that decided it: every address sharing that prefix matches the same rules.
   */
  match(family: 4 | 6, words: Uint32Array, out: Uint32Array): number;
}

export interface CompiledRecord {
  /** Canonical owner name. */
  name: string;
  /** RR type code: 1 A, 28 AAAA, 5 CNAME. */
  type: number;
  typeName: 'A' | 'AAAA' | 'CNAME';
  file: string;
  line: number;
  /** TTL of static answers. */
  ttl: number;
  ttlMax: number;
  ttlMin: number;
  allDown: AllDownPolicy;
  staticValues: CompiledValue[];
  /** Empty for a static-only record. */
  pools: CompiledPool[];
  rules: CompiledRule[];
  subnets: RuleSubnetIndex | undefined;
  /** Largest pool size, to size scratch arrays. */
  maxCandidates: number;
}

/** All routing records of one `<zone>.yaml` file. */
export interface RoutingZone {
  origin: string;
  file: string;
  /** Canonical owner name → records (one per type). */
  names: ReadonlyMap<string, readonly CompiledRecord[]>;
  probes: readonly ProbeSpec[];
}

/** What happened, one line per pipeline step. */
export interface TraceLine {
  step: string;
  reason: string;
}

/** The outcome of one routing decision: answers, TTL, ECS scope and why. */
export interface Decision {
  name: string;
  type: string;
  /** Client address that was located (ECS address or resolver address). */
  locatedAddress: string;
  answers: string[];
  ttl: number;
  ecsScopePrefix: number;
  rcode: 0 | 2;
  /** Index of the rule that matched; null when the coverage map chose the pool or the record is static. */
  rule: number | null;
  /** The pool the answers came from (after fallback); null for static records. */
  pool: string | null;
  trace: TraceLine[];
}

/** A routed query as the engine's decision sampler hands it out (`RoutingEngine.onDecision`). */
export interface SampledQuery {
  /** Epoch ms when it was answered. */
  at: number;
  name: string;
  /** Query type code (1 A, 28 AAAA, ...). */
  type: number;
  /** The resolver's address. */
  client: string;
  ecs: ClientSubnet | undefined;
}

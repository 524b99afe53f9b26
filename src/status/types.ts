/**
 * The contract between the status page (this room) and whoever knows the fleet's state:
 * the lead wires a StatusSource from the node registry, health and load views, the
 * routing engine's recent decisions and the purge acknowledgements. The page only reads.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Registry } from '../telemetry/index.js';

export type NodeHealth = 'up' | 'down' | 'unknown';

export type NodeTier = 'edge' | 'regional';

/** WGS84 degrees. */
export interface GeoPoint {
  lat: number;
  lon: number;
}

/** One cache node as the page shows it. */
export interface StatusNode {
  /** Node id from the fleet config. Shown as text only, so any string is safe. */
  id: string;
  region: string;
  tier: NodeTier;
  /** Address clients are sent to (`192.0.2.10`, `[2001:db8::1]:8080`, ...). */
  address: string;
  /** Where to draw the node; undefined keeps it off the map (it is still listed). */
  location: GeoPoint | undefined;
  /** The hysteresis-filtered verdict ('unknown' when nobody checks the node). */
  health: NodeHealth;
  /** Latest reported utilisation 0..1; undefined when unknown or too old. */
  load: number | undefined;
  /** Cache hit ratio 0..1 over the node's recent window; undefined when unknown. */
  hitRatio: number | undefined;
  requestsPerSecond?: number;
  /** Why the node is down (`timeout`, `status 503`, ...), shown beside its health. */
  healthDetail?: string;
}

/** One routing decision, as the routing engine traced it. */
export interface StatusDecision {
  /** Epoch ms when it was made. */
  at: number;
  /** Decision id, the same one the DNS server logs. */
  id: string;
  /** Query name (canonical, no trailing dot). */
  name: string;
  /** Who asked: the ECS subnet when present, else the resolver address. */
  client: string;
  /** Addresses (or node ids) answered, in answer order; empty for NODATA/SERVFAIL. */
  answers: string[];
  /** One reason per pipeline step, in step order. */
  trace: string[];
}

/** One purge that not every node has applied yet. */
export interface StatusPurge {
  /** Fleet-wide sequence number of the purge. */
  sequence: number;
  /** Human text of what it covers (`tag product-42 on shop.example`, `url https://…`). */
  scope: string;
  /** Epoch ms when the purge was accepted. */
  issuedAt: number;
  /** How many nodes have acknowledged it. */
  acked: number;
  /** Ids of the nodes that have not yet. */
  pending: string[];
  /**
   * Epoch ms when every live node had acknowledged it, when the source knows (the fleet
   * source: the poll that first saw it complete). The history's purge latency uses it.
   */
  completedAt?: number;
}

/** One node's requests/s over the newest samples of the history. */
export interface StatusNodeHistory {
  id: string;
  /** Aligned with the END of `StatusHistory.at` (it may be shorter); null where the node reported nothing. */
  requestsPerSecond: (number | null)[];
}

/**
 * Recent fleet-wide samples, oldest first, one per `intervalMs`, as parallel arrays (compact
 * on the wire). Every array but `nodes` has one entry per `at`.
 */
export interface StatusHistory {
  /** Sampling period, ms. */
  intervalMs: number;
  /** Samples kept at most (the window is `capacity × intervalMs`). */
  capacity: number;
  /** Epoch ms of each sample. */
  at: number[];
  /** Sum of the nodes' requests/s; null when no node reported any. */
  requestsPerSecond: (number | null)[];
  /** Mean hit ratio 0..1 of the nodes that report one; null when none does. */
  hitRatio: (number | null)[];
  nodesUp: number[];
  nodesTotal: number[];
  /** Slowest purge completion (issue to acknowledged by every live node) since the previous sample, ms; null when none completed. */
  purgeLatencyMs: (number | null)[];
  /** Purges completed since the previous sample. */
  purgesCompleted: number[];
  /** Per-node requests/s for the newest samples (at most NODE_HISTORY_SAMPLES) of the first nodes that report it. */
  nodes: StatusNodeHistory[];
}

export interface StatusSnapshot {
  /** Epoch ms when the snapshot was taken. */
  generatedAt: number;
  nodes: StatusNode[];
  /** Recent decisions, newest first; the page shows at most `maxDecisions` of them. */
  decisions: StatusDecision[];
  /** Purges in flight, any order; the page shows at most `maxPurges` of them. */
  purges: StatusPurge[];
  /** Set by the status routes (a source need not provide it): recent samples for the trend charts. */
  history?: StatusHistory;
}

/**
 * What the page reads. `snapshot()` is called once per push interval while anyone watches
 * (and per JSON request), so it should be cheap: read in-memory views, never do I/O.
 */
export interface StatusSource {
  snapshot(): StatusSnapshot;
  /**
   * Optional push: call the listener when something worth showing changed (a health
   * transition, a purge acknowledged) so watchers see it before the next tick.
   * Returns the unsubscribe function.
   */
  subscribe?(listener: () => void): () => void;
}

export interface StatusRoutesOptions {
  /** Page heading and document title. Default 'Meridian'. */
  title?: string;
  /** How often an event stream gets a fresh snapshot, ms. Default 1000. */
  intervalMs?: number;
  /** How often a keep-alive comment is written to each event stream, ms. Default 15000. */
  keepAliveMs?: number;
  /** Open event streams allowed at once; more get 503. Default 64. */
  maxClients?: number;
  /** Decisions shown (and sent). Default 50. */
  maxDecisions?: number;
  /** Purges shown (and sent). Default 100. */
  maxPurges?: number;
  /** How often the history takes a sample, ms (whether anyone watches or not). Default 5000. */
  historyIntervalMs?: number;
  /** Samples the history keeps. Default 120 (ten minutes at the default interval). */
  historySamples?: number;
  /** Defaults to a silent logger. */
  logger?: Logger;
  /** Where the room's metrics are registered; none when omitted. */
  registry?: Registry;
}

export type StatusHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Same shape as the DNS server's HttpRoute, so each route can be added to its HTTP API as is. */
export interface StatusRoute {
  /** Through `StatusRoutes.handle`, GET routes also answer HEAD. */
  method: 'GET';
  /** Exact path, without query string. */
  path: string;
  handler: StatusHandler;
}

export interface StatusRoutes {
  readonly routes: readonly StatusRoute[];
  /**
   * Dispatch one request: true when the path is one of ours (answered, 405 for a wrong
   * method), false when it is not, so the caller can try its own routes.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** End every open event stream and stop the timers. Call before server.close(). */
  close(): void;
}

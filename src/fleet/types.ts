/**
 * The contract between the fleet room (health and load of cache nodes) and its readers,
 * chiefly the routing engine. gdnsd's split: monitors report raw results, the
 * HealthTracker alone applies hysteresis and holds state, routing only reads it.
 */

/** What routing reads about one health-checked target. */
export interface HealthState {
  /** The hysteresis-filtered verdict. */
  up: boolean;
  /**
   * True while results disagreeing with `up` have been seen recently (a transition may be
   * under way, or the target flaps): routing shortens TTLs for such candidates.
   */
  changing: boolean;
  /** Epoch ms of the last transition, or of the first time the target was tracked. */
  since: number;
  /** Why the last failed result failed (`timeout`, `status 503`, ...), if any was seen. */
  lastFailure?: string;
}

export interface HealthChange {
  targetId: string;
  up: boolean;
  /** Epoch ms of the transition. */
  at: number;
  /** The raw result that completed the threshold. */
  reason: string;
}

/** Read-only view of health state. Synchronous and cheap: routing calls it per query. */
export interface HealthView {
  /** State of a tracked target; undefined when nobody tracks it (routing treats it as unchecked). */
  state(targetId: string): HealthState | undefined;
  /** Called on every up/down transition; returns an unsubscribe function. */
  onChange(listener: (change: HealthChange) => void): () => void;
}

/** Read-only view of load reports. */
export interface LoadView {
  /** Latest utilisation 0..1 for the target, undefined when unknown or the report is too old. */
  load(targetId: string): number | undefined;
}

/** Hysteresis settings for one target (gdnsd's up_thresh / down_thresh). */
export interface HysteresisOptions {
  /** Consecutive successes needed to come up. */
  upThreshold: number;
  /** Consecutive failures needed to go down. */
  downThreshold: number;
  /** State before any result arrives: 'up' so a freshly started server answers. */
  initial: 'up' | 'down';
}

/** One raw result as a monitor reports it (probe, heartbeat, ...). */
export interface HealthReport {
  ok: boolean;
  /** Short machine-friendly reason for a failure (`timeout`, `status 500`, `body mismatch`, `ECONNREFUSED`). */
  reason?: string;
}

/** One HTTP(S) health check, as routing derives it from a pool's health-check config. */
export interface ProbeTarget {
  /** Stable id; the same id is used to read HealthView.state(). */
  id: string;
  /** Full http:// or https:// URL to request (GET). */
  url: string;
  /** Host header (and TLS server name) when the URL names an address, as octoDNS's `healthcheck.host`. */
  host?: string;
  /** Expected status code. Default 200. */
  expectStatus?: number;
  /** Substring or regular expression the body must contain. */
  bodyMatch?: string | RegExp;
  /** Time between the end of one probe and the start of the next (jittered ±10 %). Default 2000. */
  intervalMs?: number;
  /** Whole-probe deadline: connect, headers and body. Default 1000. */
  timeoutMs?: number;
  /** Default 2. */
  upThreshold?: number;
  /** Default 3. */
  downThreshold?: number;
  /** Default 'up'. */
  initial?: 'up' | 'down';
  /** Verify the TLS certificate of https targets. Default true. */
  tlsVerify?: boolean;
}

/** A ProbeTarget with every default applied; what the probe manager runs. */
export type ResolvedProbeTarget = Required<Omit<ProbeTarget, 'host' | 'bodyMatch'>> & Pick<ProbeTarget, 'host' | 'bodyMatch'>;

/** The raw outcome of one probe. */
export interface ProbeOutcome {
  ok: boolean;
  /** Metric label: ok | timeout | bad_status | body_mismatch | connect_error. */
  result: 'ok' | 'timeout' | 'bad_status' | 'body_mismatch' | 'connect_error';
  /** Human detail (`status 503`, `ECONNREFUSED`, ...). */
  reason: string;
  durationMs: number;
}

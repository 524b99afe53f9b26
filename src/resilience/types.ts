/** Shapes shared by the resilience primitives and their callers. */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  openMs: number;
  /** Injected clock (ms), so the breaker has no hidden dependency on wall time. */
  now?: () => number;
}

export interface TokenBucketOptions {
  /** Tokens added per second (the sustained request rate). */
  ratePerSecond: number;
  /** Bucket capacity (the burst a client may spend at once). */
  burst: number;
  /** Most clients tracked at once; the least recently seen are forgotten first. */
  maxClients?: number;
  now?: () => number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a token is available again; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

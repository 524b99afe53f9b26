import type { BreakerState, CircuitBreakerOptions } from './types.js';

/**
 * A per-upstream circuit breaker: after `failureThreshold` consecutive failures the
 * upstream is skipped for `openMs`; then exactly one trial call is let through
 * (half-open) and its outcome closes or re-opens the circuit. Callers ask
 * `canRequest()` before a call and report with `success()` / `failure()`.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    if (!(options.failureThreshold >= 1)) throw new RangeError('failureThreshold must be >= 1');
    if (!(options.openMs >= 0)) throw new RangeError('openMs must be >= 0');
    this.now = options.now ?? Date.now;
  }

  /** The state as of now (an open circuit turns half-open once openMs has passed). */
  current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.openMs) this.state = 'half-open';
    return this.state;
  }

  /** True when healthy enough to be chosen; does not reserve the half-open trial. */
  isAvailable(): boolean {
    const state = this.current();
    return state === 'closed' || (state === 'half-open' && !this.trialInFlight);
  }

  /** Reserve a call. In half-open state only one caller at a time gets true. */
  canRequest(): boolean {
    const state = this.current();
    if (state === 'closed') return true;
    if (state === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this.state = 'closed';
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.state === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.state = 'open';
      this.openedAt = this.now();
    }
  }
}

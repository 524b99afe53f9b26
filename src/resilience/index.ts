export { CircuitBreaker } from './circuit-breaker.js';
export { TokenBucketLimiter } from './token-bucket.js';
export { ConcurrencyLimiter } from './concurrency-limiter.js';
export { retryWithBackoff, backoffDelay } from './retry.js';
export type { BreakerState, CircuitBreakerOptions, TokenBucketOptions, RateDecision, RetryOptions } from './types.js';

import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryOptions } from './types.js';

/**
 * Exponential backoff with full jitter: attempt n waits a random time in
 * [0, min(maxDelayMs, baseDelayMs * 2^n)], which spreads out a fleet of retrying nodes.
 */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt));
}

/** Run `fn` until it resolves or `attempts` are spent; the last error is rethrown. */
export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      lastError = err;
      if (attempt + 1 < options.attempts) await sleep(backoffDelay(attempt, options));
    }
  }
  throw lastError;
}

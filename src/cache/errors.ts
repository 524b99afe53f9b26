import { MeridianError } from '../errors/index.js';

/** Error codes of the cache room; README.md lists each with what to do. */
export const CacheErrorCode = {
  CONFIG_INVALID: 'MERIDIAN_E_CACHE_CONFIG_INVALID',
  CONFIG_UNREADABLE: 'MERIDIAN_E_CACHE_CONFIG_UNREADABLE',
  LISTEN_FAILED: 'MERIDIAN_E_CACHE_LISTEN_FAILED',
  UPSTREAM_FAILED: 'MERIDIAN_E_CACHE_UPSTREAM_FAILED',
  WARM_INPUT_INVALID: 'MERIDIAN_E_CACHE_WARM_INPUT_INVALID',
} as const;

export type CacheErrorCode = (typeof CacheErrorCode)[keyof typeof CacheErrorCode];

export class CacheError extends MeridianError {
  constructor(code: CacheErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(code, message, options);
    this.name = 'CacheError';
  }
}

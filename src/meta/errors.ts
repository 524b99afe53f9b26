import { RoomError } from '../errors/index.js';

/** Every code this room raises; the README lists them with what to do (a test keeps both in sync). */
export const META_ERROR_CODES = {
  MERIDIAN_E_META_UNAVAILABLE: 'the metadata store (Redis) cannot be reached or failed a command',
  MERIDIAN_E_META_CONFIG: 'the meta configuration is invalid',
  MERIDIAN_E_META_BAD_PURGE: 'a purge request is malformed',
  MERIDIAN_E_META_CLOSED: 'the store or publisher was closed',
  MERIDIAN_E_META_CORRUPT: 'the store holds data this version cannot read',
  MERIDIAN_E_META_UNAUTHORIZED: 'the admin purge endpoint was called without a valid bearer token',
  MERIDIAN_E_META_WAIT_TIMEOUT: 'purge --wait: not every live node acknowledged within the timeout',
  MERIDIAN_E_META_NOT_REPLICATED: 'a purge reached the Redis primary but not its replicas in time',
} as const;

export type MetaErrorCode = keyof typeof META_ERROR_CODES;

export class MetaError extends RoomError<MetaErrorCode> {}

export function unavailable(operation: string, cause: unknown): MetaError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new MetaError('MERIDIAN_E_META_UNAVAILABLE', `metadata store unavailable during ${operation}: ${reason}`, {
    cause,
    hint: 'check that Redis is running and reachable (--redis URL or REDIS_URL); the purge was NOT applied, retry it',
  });
}

export function badPurge(message: string): MetaError {
  return new MetaError('MERIDIAN_E_META_BAD_PURGE', message, {
    hint: 'give full URLs (https://host/path), --tag TAG, --prefix https://host/path/ or --all HOST',
  });
}

export function notReplicated(acked: number, wanted: number, timeoutMs: number, cause?: unknown): MetaError {
  const why = cause ? `the connection failed before its replicas confirmed it (${cause instanceof Error ? cause.message : String(cause)})` : `${acked} of ${wanted} replicas confirmed it within ${timeoutMs} ms`;
  return new MetaError('MERIDIAN_E_META_NOT_REPLICATED', `purge written to the Redis primary, but ${why}: a failover could lose it`, {
    cause,
    hint: 'retry the purge (purging twice is harmless); check the replicas\' link to the primary (INFO replication), or lower meta.redis.waitReplicas',
  });
}

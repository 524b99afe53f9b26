import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { RedisConnectionConfig } from './config.js';

export type RedisClient = Redis | Cluster;

export interface ConnectionOptions {
  /** Reconnect forever with backoff (nodes), or give up at the first failure (the CLI). */
  reconnect: boolean;
}

/**
 * One ioredis client for a standalone server, a Sentinel-managed primary or a Cluster.
 * The offline queue is off: a command issued while Redis is away fails at once instead
 * of waiting in memory, so a purge is never silently parked (it fails loudly) and a
 * node's loop sees the outage and retries on its own schedule.
 */
export function createRedisClient(config: RedisConnectionConfig, options: ConnectionOptions): RedisClient {
  const base: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: config.connectTimeoutMs,
    retryStrategy: options.reconnect ? (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), 2000) : () => null,
  };
  if (config.cluster) {
    return new Cluster(config.cluster.nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: base.retryStrategy as (attempt: number) => number | null,
      redisOptions: { ...base, password: config.cluster.password },
    });
  }
  if (config.sentinel) {
    return new Redis({
      ...base,
      sentinels: config.sentinel.sentinels,
      name: config.sentinel.name,
      password: config.sentinel.password,
      sentinelPassword: config.sentinel.sentinelPassword,
      sentinelRetryStrategy: base.retryStrategy as (attempt: number) => number | null,
    });
  }
  return new Redis(config.url!, base);
}

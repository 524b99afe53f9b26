import type { MetaStore } from './types.js';
import type { MetaConfig } from './config.js';
import { MemoryMetaStore } from './memory-store.js';
import { RedisMetaStore } from './redis-store.js';

/** The store a validated config asks for. Connecting is lazy: call ready() to fail fast. */
export function createMetaStore(config: MetaConfig, options: { reconnect?: boolean } = {}): MetaStore {
  if (config.backend === 'memory' || !config.redis) {
    return new MemoryMetaStore({ streamMaxLength: config.stream.maxLength, maxVersions: config.maxVersions });
  }
  return new RedisMetaStore({
    redis: config.redis,
    keyPrefix: config.keyPrefix,
    streamMaxLength: config.stream.maxLength,
    maxVersions: config.maxVersions,
    reconnect: options.reconnect ?? true,
  });
}

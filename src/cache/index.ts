export { startCacheNode } from './node.js';
export { loadCacheConfig, parseCacheConfig, cacheConfigSchema, type CacheFlags, type CacheConfigInput } from './config.js';
export { CacheError, CacheErrorCode } from './errors.js';
export { HEALTH_PATH, MIN_SEQUENCE_HEADER, FETCH_SEQUENCE_HEADER } from './proxy.js';
export { MemoryStore, type AdmissionMode, type HotKey } from './stores/memory-store.js';
export { DiskStore } from './stores/disk-store.js';
export { RedisStore } from './stores/redis-store.js';
export { rendezvousOrder } from './rendezvous.js';
export { warmThrough, parseWarmList, readWarmList, type WarmTarget, type WarmReport, type WarmOptions } from './warm.js';
export type {
  CacheNode,
  CacheNodeDeps,
  CacheNodeConfig,
  SiteConfig,
  StoreConfig,
  CacheStore,
  StoreEntry,
  StoredObject,
  StoredMeta,
  StoreEvents,
  VaryMarker,
  AdminRoute,
  AdminHandler,
  WarmupPeer,
  WarmupSummary,
} from './types.js';
export * from './admission/index.js';

/**
 * The metadata and invalidation room: one MetaStore interface (Redis, in-process), the
 * node registry and load reports, and purges that reach every node in order and never
 * let stale content pass as fresh. See README.md.
 */
export type {
  PurgeScope,
  PurgeEvent,
  PurgeTarget,
  InvalidationView,
  PurgeVerdict,
  PurgeRequest,
  PurgeBatch,
  InvalidationSnapshot,
  PurgeAck,
  NodeTier,
  NodeCapacity,
  NodeInfo,
  LoadReport,
  NodeStatus,
  MetaStore,
} from './types.js';
export { META_ERROR_CODES, MetaError, type MetaErrorCode } from './errors.js';
export { metaConfigSchema, parseMetaConfig, type MetaConfig, type MetaConfigInput, type RedisConnectionConfig } from './config.js';
export { createMetaStore } from './store-factory.js';
export { MemoryMetaStore, type MemoryStoreOptions } from './memory-store.js';
export { RedisMetaStore, type RedisStoreOptions } from './redis-store.js';
export { metaKeys, type MetaKeys } from './keys.js';
export { urlScope, prefixScope, tagScope, siteScope, scopeKey, parseScopeKey, normalizeHost, purgeRequestsFromSpec, describeScope } from './scope.js';
export { InvalidationIndex, type InvalidationIndexOptions } from './invalidation-index.js';
export { InvalidationSubscriber, type SubscriberOptions, type SubscriberStatus } from './invalidation-subscriber.js';
export { PurgePublisher, type PublisherOptions } from './purge-publisher.js';
export { waitForAcks, type AckWaitResult } from './ack-wait.js';
export { startHeartbeat, type Heartbeat, type HeartbeatOptions } from './node-heartbeat.js';
export { LoadMeter } from './load-meter.js';
export { loadScore, loadByAddress, startLoadFeed, type LoadSink, type LoadFeed, type LoadFeedOptions } from './load-feed.js';
export { createPurgeHandler, purgeRequestListener, purgeAdminRoute, type PurgeAdminRoute, type PurgeHandler, type PurgeHandlerOptions, type PurgeHttpInput, type PurgeHttpResult } from './purge-handler.js';
export { createMetaMetrics, type MetaMetrics } from './metrics.js';
export { startMetaNode, type MetaNode, type MetaNodeOptions } from './meta-node.js';

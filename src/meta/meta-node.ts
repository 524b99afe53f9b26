import type { Logger, Registry } from '../telemetry/index.js';
import type { InvalidationView, LoadReport, MetaStore, NodeInfo } from './types.js';
import type { MetaConfig } from './config.js';
import { createMetaStore } from './store-factory.js';
import { createMetaMetrics } from './metrics.js';
import { InvalidationSubscriber } from './invalidation-subscriber.js';
import { PurgePublisher } from './purge-publisher.js';
import { createPurgeHandler, purgeAdminRoute, type PurgeAdminRoute, type PurgeHandler } from './purge-handler.js';
import { startHeartbeat, type Heartbeat } from './node-heartbeat.js';

export interface MetaNodeOptions {
  config: MetaConfig;
  info: NodeInfo;
  load: () => LoadReport;
  logger: Logger;
  registry?: Registry;
  /** A store shared by the nodes of one process (the demo's MemoryMetaStore); otherwise one is made from config and owned. */
  store?: MetaStore;
  /**
   * Bearer token the purge handler checks itself. Leave unset when mounting `adminRoute`
   * on the cache node's admin listener, which checks the token before the route runs.
   */
  token?: string;
}

export interface MetaNode {
  store: MetaStore;
  /** Give this to startCacheNode as `invalidation`. */
  view: InvalidationView;
  subscriber: InvalidationSubscriber;
  publisher: PurgePublisher;
  purgeHandler: PurgeHandler;
  /** `POST /purge` for the cache node's admin listener. */
  adminRoute: PurgeAdminRoute;
  heartbeat: Heartbeat;
  close(): Promise<void>;
}

/**
 * Everything a cache node needs from this room, wired from one validated config: the
 * invalidation view (following the stream), the purge publisher and endpoint, and the
 * registry heartbeat. Returns at once: a node starts even when Redis is away.
 */
export function startMetaNode(options: MetaNodeOptions): MetaNode {
  const { config } = options;
  const ownsStore = options.store === undefined;
  const store = options.store ?? createMetaStore(config);
  const metrics = createMetaMetrics(options.registry);
  const subscriber = new InvalidationSubscriber({
    store,
    nodeId: options.info.id,
    logger: options.logger,
    metrics,
    blockMs: config.stream.blockMs,
    readCount: config.stream.readCount,
    maxEntries: config.maxVersions,
  });
  subscriber.start();
  const publisher = new PurgePublisher({ store, metrics, windowMs: config.batch.windowMs, maxItems: config.batch.maxItems });
  const purgeHandler = createPurgeHandler({ publisher, store, logger: options.logger, token: options.token });
  const heartbeat = startHeartbeat({
    store,
    info: options.info,
    load: options.load,
    logger: options.logger,
    metrics,
    intervalMs: config.registry.heartbeatMs,
    ttlMs: config.registry.ttlMs,
  });
  let closed: Promise<void> | undefined;
  return {
    store,
    view: subscriber.view,
    subscriber,
    publisher,
    purgeHandler,
    adminRoute: purgeAdminRoute(purgeHandler),
    heartbeat,
    close: () =>
      (closed ??= (async () => {
        await heartbeat.stop();
        await publisher.close();
        // Closing the store ends a blocked XREAD, so the subscriber stops at once.
        const stopped = subscriber.stop();
        if (ownsStore) await store.close();
        await stopped;
      })()),
  };
}

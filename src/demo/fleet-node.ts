import { startCacheNode, type CacheNode, type CacheNodeConfig } from '../cache/index.js';
import { LoadMeter, parseMetaConfig, startMetaNode, type MetaConfig, type MetaNode, type MetaStore } from '../meta/index.js';
import { createMetricsRegistry, createSilentLogger, type Logger, type Registry } from '../telemetry/index.js';

/**
 * One fleet member: a cache node wired to the metadata room — it follows the invalidation
 * stream, mounts POST /purge on its admin listener and heartbeats into the node registry.
 * `meridian cache` and the demo both start nodes through here, so a node started either
 * way honours purges the same.
 */
export interface FleetNode {
  readonly cache: CacheNode;
  readonly meta: MetaNode;
  close(): Promise<void>;
}

export interface FleetNodeOptions {
  logger?: Logger;
  registry?: Registry;
  /** Metadata config; default: Redis at the node's `redis` URL when set, else in-process memory. */
  meta?: MetaConfig;
  /** A store shared by the nodes of one process (the demo's MemoryMetaStore). */
  store?: MetaStore;
  /** Addresses the DNS hands out for this node (default: the hosts of its listeners). */
  publicAddresses?: string[];
}

function listenHost(entry: CacheNodeConfig['listen'][number]): string {
  const address = typeof entry === 'string' ? entry : entry.address;
  return address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');
}

export function metaConfigFor(config: CacheNodeConfig): MetaConfig {
  return config.redis === undefined ? parseMetaConfig({ backend: 'memory' }) : parseMetaConfig({ backend: 'redis', redis: { url: config.redis } });
}

export async function startFleetNode(config: CacheNodeConfig, options: FleetNodeOptions = {}): Promise<FleetNode> {
  const logger = options.logger ?? createSilentLogger();
  const registry = options.registry ?? createMetricsRegistry();
  const meter = new LoadMeter();
  const meta = startMetaNode({
    config: options.meta ?? metaConfigFor(config),
    ...(options.store === undefined ? {} : { store: options.store }),
    info: {
      id: config.id,
      region: config.region,
      tier: config.tier,
      addresses: options.publicAddresses ?? config.listen.map(listenHost),
      location: { lat: config.location?.latitude ?? 0, lon: config.location?.longitude ?? 0 },
      capacity: { requestsPerSecond: 0, bytesPerSecond: 0, connections: 0 },
    },
    load: () => meter.sample(),
    logger: logger.child({ node: config.id }),
    registry,
  });
  let cache: CacheNode;
  try {
    // The admin listener checks the bearer token before the purge route runs.
    cache = await startCacheNode(config, { logger, registry, invalidation: meta.view, adminRoutes: [meta.adminRoute] });
  } catch (err) {
    await meta.close();
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    cache,
    meta,
    close: () => (closed ??= cache.close().then(() => meta.close())),
  };
}

import { startCacheNode, type CacheNode, type CacheNodeConfig, type WarmupPeer } from '../cache/index.js';
import { LoadMeter, parseMetaConfig, startMetaNode, type MetaConfig, type MetaNode, type MetaStore, type NodeInfo } from '../meta/index.js';
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

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::']);

function formatHttp(host: string, port: string): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Where region peers reach this node's admin listener (`GET /hot-keys`). A wildcard listen host
 * is not an address: use the node's first public address, else loopback (a one-host fleet).
 */
function adminUrlFor(listen: string, port: string, publicAddresses: readonly string[]): string {
  const host = listen.slice(0, listen.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  if (!WILDCARD_HOSTS.has(host)) return formatHttp(host, port);
  const reachable = publicAddresses.find((address) => !WILDCARD_HOSTS.has(address));
  return formatHttp(reachable ?? (host === '::' ? '::1' : '127.0.0.1'), port);
}

export function metaConfigFor(config: CacheNodeConfig): MetaConfig {
  return config.redis === undefined ? parseMetaConfig({ backend: 'memory' }) : parseMetaConfig({ backend: 'redis', redis: { url: config.redis } });
}

export async function startFleetNode(config: CacheNodeConfig, options: FleetNodeOptions = {}): Promise<FleetNode> {
  const logger = options.logger ?? createSilentLogger();
  const registry = options.registry ?? createMetricsRegistry();
  const meter = new LoadMeter();
  const addresses = options.publicAddresses ?? config.listen.map(listenHost);
  const adminListen = config.admin?.listen;
  const info: NodeInfo = {
    id: config.id,
    region: config.region,
    tier: config.tier,
    addresses,
    location: { lat: config.location?.latitude ?? 0, lon: config.location?.longitude ?? 0 },
    capacity: { requestsPerSecond: 0, bytesPerSecond: 0, connections: 0 },
    ...(adminListen === undefined ? {} : { adminUrl: adminUrlFor(adminListen, adminListen.slice(adminListen.lastIndexOf(':') + 1), addresses) }),
  };
  const meta = startMetaNode({
    config: options.meta ?? metaConfigFor(config),
    ...(options.store === undefined ? {} : { store: options.store }),
    info,
    load: () => meter.sample(),
    logger: logger.child({ node: config.id }),
    registry,
  });
  // Registry members that can be asked for their hot keys; the cache keeps those of its region and tier.
  // A registry that is down rejects here (Redis: within its connect timeout) and the node starts cold.
  const peers = async (): Promise<WarmupPeer[]> =>
    (await meta.store.listNodes())
      .filter((node) => node.adminUrl !== undefined && node.id !== config.id)
      .map((node) => ({ id: node.id, region: node.region, tier: node.tier, adminUrl: node.adminUrl! }));
  let cache: CacheNode;
  try {
    // The admin listener checks the bearer token before the purge route runs.
    cache = await startCacheNode(config, { logger, registry, invalidation: meta.view, adminRoutes: [meta.adminRoute], peers });
  } catch (err) {
    await meta.close();
    throw err;
  }
  // Port 0 is only known once bound: advertise the real port (the heartbeat reads `info` on every beat).
  const boundPort = cache.adminAddress === undefined ? undefined : new URL(cache.adminAddress).port || '80';
  if (adminListen !== undefined && boundPort !== undefined) {
    const bound = adminUrlFor(adminListen, boundPort, addresses);
    if (bound !== info.adminUrl) {
      info.adminUrl = bound;
      void meta.heartbeat.beat();
    }
  }
  let closed: Promise<void> | undefined;
  return {
    cache,
    meta,
    close: () => (closed ??= cache.close().then(() => meta.close())),
  };
}

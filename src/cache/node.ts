import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createMetricsRegistry, createSilentLogger } from '../telemetry/index.js';
import { AdminServer } from './admin-server.js';
import type { CacheNodeConfig, StoreConfig } from './config.js';
import { CacheError, CacheErrorCode } from './errors.js';
import { createCacheMetrics, storeEvents } from './metrics.js';
import { CacheProxy } from './proxy.js';
import { DiskStore } from './stores/disk-store.js';
import { MemoryStore } from './stores/memory-store.js';
import { RedisStore } from './stores/redis-store.js';
import { StoreChain } from './stores/store-chain.js';
import { randomBytes } from 'node:crypto';
import type { CacheNode, CacheNodeDeps, CacheStore, StoreEvents, WarmupSummary } from './types.js';
import { hotKeysRoute, runWarmup } from './warmup.js';
import { Prefetcher } from './prefetch.js';
import { Upstreams } from './upstream.js';

function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) };
}

function formatAddress(scheme: string, info: AddressInfo): string {
  return `${scheme}://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`;
}

function createStore(config: StoreConfig, nodeConfig: CacheNodeConfig, events: StoreEvents): CacheStore {
  switch (config.type) {
    case 'memory':
      return new MemoryStore({ maxBytes: config.maxBytes, maxObjectBytes: config.maxObjectBytes, admission: config.admission, events });
    case 'disk':
      return new DiskStore({ path: config.path, maxBytes: config.maxBytes, maxObjectBytes: config.maxObjectBytes, events });
    case 'redis': {
      const url = config.url ?? nodeConfig.redis;
      if (!url) throw new CacheError(CacheErrorCode.CONFIG_INVALID, 'stores: a redis store needs a url (or the node-level redis setting)', { hint: 'add url: redis://host:6379 to the store or pass --redis' });
      return new RedisStore({ url, keyPrefix: config.keyPrefix, maxObjectBytes: config.maxObjectBytes, events });
    }
  }
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new CacheError(CacheErrorCode.LISTEN_FAILED, `cannot listen on ${host}:${port}: ${err.message}`, { cause: err, hint: 'is the port in use or the address not local?' })));
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/**
 * Start a cache node in this process: serving listener(s), optional admin listener,
 * stores, upstream pools. Used by `meridian cache`, the demo and end-to-end tests.
 */
export async function startCacheNode(config: CacheNodeConfig, deps: CacheNodeDeps = {}): Promise<CacheNode> {
  const logger = (deps.logger ?? createSilentLogger()).child({ module: 'cache', node: config.id }, config.logLevel === undefined ? undefined : { level: config.logLevel });
  const registry = deps.registry ?? createMetricsRegistry();
  const metrics = createCacheMetrics(registry);
  const events = storeEvents(metrics);
  const stores = new StoreChain(
    config.stores.map((store) => createStore(store, config, events)),
    (store, err) => {
      metrics.storeErrors.inc({ store });
      logger.warn({ err, store }, 'cache store operation failed; treated as a miss');
    },
  );
  const upstreams = new Upstreams(config.timeouts, config.breaker, metrics);
  let draining = false;
  // Warming only when there is someone to ask; health stays 503 until it is over.
  let warming = config.warmup.peers.length > 0 || deps.peers !== undefined;
  const warmToken = randomBytes(16).toString('hex');
  const memory = stores.stores.find((store): store is MemoryStore => store instanceof MemoryStore);
  const prefetcher =
    config.prefetch.maxConcurrent > 0 && config.sites.some((site) => site.prefetch.hints || site.prefetch.rules.length > 0)
      ? new Prefetcher({
          ...config.prefetch,
          upstreamLimit: config.limits.upstreamConcurrency,
          upstreamInFlight: () => proxy.upstreamSlots.inFlight,
          present: (host, path) => proxy.present(host, path),
          warmToken,
          metrics,
          logger,
        })
      : undefined;
  const proxy: CacheProxy = new CacheProxy({ config, stores, upstreams, metrics, logger, invalidation: deps.invalidation, isDraining: () => draining, isWarming: () => warming, warmToken, prefetcher });

  const servers: Server[] = [];
  const addresses: string[] = [];
  let admin: AdminServer | undefined;
  let adminAddress: string | undefined;
  const unsubscribe = deps.invalidation?.onPurge((event) => {
    // Hard URL purges free the space at once; every other kind is enforced on lookup.
    if (event.scope.kind === 'url' && !event.soft) void proxy.deleteObject(event.scope.host, event.scope.path);
  });

  const closeAll = async (): Promise<void> => {
    draining = true;
    unsubscribe?.();
    const closing = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of servers) server.closeIdleConnections();
    const drained = await Promise.race([
      Promise.all(closing).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), config.timeouts.drainMs).unref()),
    ]);
    if (!drained) for (const server of servers) server.closeAllConnections();
    await Promise.all(closing);
    if (admin) {
      const adminServer = admin.server;
      await new Promise<void>((resolve) => adminServer.close(() => resolve()));
      adminServer.closeAllConnections();
    }
    await prefetcher?.close();
    await upstreams.close();
    await stores.close();
  };

  try {
    for (const entry of config.listen) {
      const address = typeof entry === 'string' ? entry : entry.address;
      const tls = typeof entry === 'string' ? undefined : entry.tls;
      const options = { maxHeaderSize: config.limits.maxHeaderBytes, keepAliveTimeout: 5000, headersTimeout: 20000, requestTimeout: 120000 };
      const server = tls
        ? createHttpsServer({ ...options, cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, proxy.handle)
        : createHttpServer(options, proxy.handle);
      server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
        if (!socket.writable) return socket.destroy();
        const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
        metrics.rejected.inc({ reason: tooLarge ? 'headers-too-large' : 'bad-request' });
        socket.end(tooLarge ? 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
      servers.push(server);
      const { host, port } = splitHostPort(address);
      addresses.push(formatAddress(tls ? 'https' : 'http', await listen(server, host, port)));
    }
    if (config.admin) {
      admin = new AdminServer({ token: config.admin.token, registry, logger, healthy: () => proxy.healthy() });
      admin.register(hotKeysRoute(config.id, memory));
      for (const route of deps.adminRoutes ?? []) admin.register(route);
      const { host, port } = splitHostPort(config.admin.listen);
      adminAddress = formatAddress('http', await listen(admin.server, host, port));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  logger.info({ addresses, admin: adminAddress, tier: config.tier, region: config.region }, 'cache node listening');
  const ownAddress = addresses[0]!.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://[::1]:');
  prefetcher?.setAddress(ownAddress);
  const warmedUp = warm();

  async function warm(): Promise<WarmupSummary> {
    const none: WarmupSummary = { peers: 0, keys: 0, fetched: 0, hits: 0, failures: 0, skipped: 0, bytes: 0, durationMs: 0 };
    if (!warming) return none;
    try {
      // Fetch through the node's own listener (wildcard addresses reached over loopback): the normal fill path.
      const result = await runWarmup({ config, ownAddress, peers: deps.peers, warmToken, logger });
      const { report } = result;
      metrics.warmupObjects.inc({ outcome: 'fetched' }, report.misses);
      metrics.warmupObjects.inc({ outcome: 'present' }, report.hits);
      metrics.warmupObjects.inc({ outcome: 'failed' }, report.failures);
      metrics.warmupObjects.inc({ outcome: 'skipped' }, report.skipped);
      const summary: WarmupSummary = { peers: result.peers, keys: result.keys, fetched: report.misses, hits: report.hits, failures: report.failures, skipped: report.skipped, bytes: report.bytes, durationMs: result.durationMs };
      logger.info(summary, 'warm-up done');
      return summary;
    } catch (err) {
      logger.warn({ err }, 'warm-up failed; serving cold');
      return none;
    } finally {
      warming = false;
    }
  }

  let closed: Promise<void> | undefined;
  let drained: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= closeAll());
  return {
    id: config.id,
    addresses,
    adminAddress,
    registry,
    registerAdminRoute: (route) => {
      if (!admin) throw new CacheError(CacheErrorCode.CONFIG_INVALID, 'admin: no admin listener configured', { hint: 'set admin.listen (or --admin HOST:PORT)' });
      admin.register(route);
    },
    deleteObject: (host, path) => proxy.deleteObject(host, path),
    close,
    warmedUp,
    drain: () =>
      (drained ??= (async () => {
        draining = true;
        logger.info({ healthDrainMs: config.timeouts.healthDrainMs }, 'draining: health reports 503, still serving');
        await new Promise((resolve) => setTimeout(resolve, config.timeouts.healthDrainMs));
        await close();
      })()),
  };
}

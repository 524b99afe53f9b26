/**
 * Everything `meridian dns` needs for routed names, wired in one call: the engine, the
 * routing files of the zones folder (hot-reloaded), the GeoLocator (coverage map + GeoIP),
 * the health probes (fleet room) and the GET /v1/route handler.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../errors/index.js';
import { HealthTracker, ProbeManager } from '../fleet/index.js';
import { createGeoLocator, loadCoverageFile, openGeoIp, type CoverageMap, type GeoIpSource, type GeoLocator } from '../geo/index.js';
import { createMetricsRegistry, createSilentLogger, type Logger, type Registry } from '../telemetry/index.js';
import { RoutingEngine } from './engine.js';
import { createRouteHttpHandler, type RouteHttpHandler } from './http-handler.js';
import { syncProbes } from './probe-sync.js';
import { RoutingReloader, type RoutingReloadOutcome } from './reloader.js';
import type { RoutingHealth, RoutingLoad } from './types.js';

export interface RoutingServiceOptions {
  /** Folder holding the `<zone>.yaml` routing files (the same --zones folder as the zone files). */
  zonesDir: string;
  /** `--geoip PATH|geolite2`; undefined = no GeoIP (coverage map only). */
  geoip?: string | undefined;
  /** Coverage map file; default geo-data/coverage.yaml (relative to the working directory) when it exists. */
  coverageFile?: string | undefined;
  /** Reload routing files when they change. Default true. */
  watch?: boolean;
  /** Run the health probes the records ask for. Default true. */
  probes?: boolean;
  /** Load reports per value (the fleet's LoadView, fed from Redis); none = no load shedding. */
  load?: RoutingLoad;
  /**
   * Health as another thread's probes see it, for an answering thread that runs none of its
   * own: the engine reads this instead of the service's tracker, and no probes start.
   */
  replicaHealth?: RoutingHealth;
  logger?: Logger;
  registry?: Registry;
}

export interface RoutingService {
  engine: RoutingEngine;
  health: HealthTracker;
  /** Mount as GET /v1/route on the HTTP API. */
  routeHandler: RouteHttpHandler;
  /** Files loaded at start (rejected ones are logged and keep nothing serving). */
  loaded: RoutingReloadOutcome[];
  reloadAll(): Promise<RoutingReloadOutcome[]>;
  close(): Promise<void>;
}

export interface RoutingLocator {
  geo: GeoLocator | undefined;
  /** Stop watching the GeoIP database. */
  close(): void;
}

/**
 * The GeoLocator routing uses: the coverage map (default geo-data/coverage.yaml relative to the
 * working directory, when it exists) and the GeoIP source of `--geoip PATH|geolite2`. A GeoIP
 * source that cannot be opened throws, unless `onGeoIpError` takes it (then routing goes on
 * with the coverage map alone).
 */
export async function openRoutingLocator(
  options: { geoip?: string | undefined; coverageFile?: string | undefined },
  onGeoIpError?: (err: unknown) => void,
): Promise<RoutingLocator> {
  const coverageFile = options.coverageFile ?? (existsSync(join('geo-data', 'coverage.yaml')) ? join('geo-data', 'coverage.yaml') : undefined);
  let coverage: CoverageMap | undefined;
  if (coverageFile !== undefined) coverage = await loadCoverageFile(coverageFile);
  let geoip: GeoIpSource | undefined;
  if (options.geoip !== undefined) {
    try {
      geoip = await openGeoIp(options.geoip);
    } catch (err) {
      if (!onGeoIpError) throw err;
      onGeoIpError(err);
    }
  }
  const geo = coverage || geoip ? createGeoLocator({ coverage, geoip }) : undefined;
  return { geo, close: () => geoip?.close() };
}

export async function startRoutingService(options: RoutingServiceOptions): Promise<RoutingService> {
  const logger = options.logger ?? createSilentLogger();
  const registry = options.registry ?? createMetricsRegistry();
  // Routing without GeoIP still works (coverage map, subnets, catch-all): say so and carry on.
  const locator = await openRoutingLocator(options, (err) =>
    logger.error({ err, geoip: options.geoip }, `GeoIP unavailable, routing without it: ${describeError(err)}`),
  );
  const geo = locator.geo;
  const health = new HealthTracker({ logger, registry });
  const engine = new RoutingEngine({ geo, health: options.replicaHealth ?? health, load: options.load });
  const reloader = new RoutingReloader(engine, { logger, registry });
  let loaded: RoutingReloadOutcome[];
  try {
    loaded = await reloader.loadDirectory(options.zonesDir);
    if (options.watch ?? true) reloader.watch();
  } catch (err) {
    locator.close();
    throw err;
  }
  let prober: ProbeManager | undefined;
  let unsync = (): void => {};
  if ((options.probes ?? true) && options.replicaHealth === undefined) {
    const manager = new ProbeManager({ tracker: health, logger, registry });
    prober = manager;
    unsync = syncProbes(engine, manager, (err) => logger.error({ err }, `health probes not updated: ${describeError(err)}`));
  }
  return {
    engine,
    health,
    routeHandler: createRouteHttpHandler(engine),
    loaded,
    reloadAll: () => reloader.reloadAll(),
    async close() {
      unsync();
      reloader.close();
      await prober?.close();
      locator.close();
    },
  };
}

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

async function openLocator(options: RoutingServiceOptions, logger: Logger): Promise<{ geo: GeoLocator | undefined; geoip: GeoIpSource | undefined }> {
  const coverageFile = options.coverageFile ?? (existsSync(join('geo-data', 'coverage.yaml')) ? join('geo-data', 'coverage.yaml') : undefined);
  let coverage: CoverageMap | undefined;
  if (coverageFile !== undefined) coverage = await loadCoverageFile(coverageFile);
  let geoip: GeoIpSource | undefined;
  if (options.geoip !== undefined) {
    try {
      geoip = await openGeoIp(options.geoip);
    } catch (err) {
      // Routing without GeoIP still works (coverage map, subnets, catch-all): say so and carry on.
      logger.error({ err, geoip: options.geoip }, `GeoIP unavailable, routing without it: ${describeError(err)}`);
    }
  }
  if (!coverage && !geoip) return { geo: undefined, geoip: undefined };
  return { geo: createGeoLocator({ coverage, geoip }), geoip };
}

export async function startRoutingService(options: RoutingServiceOptions): Promise<RoutingService> {
  const logger = options.logger ?? createSilentLogger();
  const registry = options.registry ?? createMetricsRegistry();
  const { geo, geoip } = await openLocator(options, logger);
  const health = new HealthTracker({ logger, registry });
  const engine = new RoutingEngine({ geo, health });
  const reloader = new RoutingReloader(engine, { logger, registry });
  const loaded = await reloader.loadDirectory(options.zonesDir);
  if (options.watch ?? true) reloader.watch();
  let prober: ProbeManager | undefined;
  let unsync = (): void => {};
  if (options.probes ?? true) {
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
      geoip?.close();
    },
  };
}

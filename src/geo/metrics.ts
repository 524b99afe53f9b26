import { Counter, Gauge, type Registry } from '../telemetry/index.js';

export interface GeoMetrics {
  reloads: Counter<'result'>;
  buildEpoch: Gauge;
}

/** Reuse metrics already on the registry so several databases can share one. */
function reuse<T>(registry: Registry | undefined, name: string, make: (registers: Registry[]) => T): T {
  const existing = registry?.getSingleMetric(name);
  return (existing as T | undefined) ?? make(registry ? [registry] : []);
}

export function createGeoMetrics(registry: Registry | undefined): GeoMetrics {
  return {
    reloads: reuse(registry, 'meridian_geo_db_reloads_total', (registers) =>
      new Counter({ name: 'meridian_geo_db_reloads_total', help: 'GeoIP database reloads after the file changed, by result (ok, error).', labelNames: ['result'], registers })),
    buildEpoch: reuse(registry, 'meridian_geo_db_build_timestamp_seconds', (registers) =>
      new Gauge({ name: 'meridian_geo_db_build_timestamp_seconds', help: 'Build time of the GeoIP database in use (its metadata build_epoch).', registers })),
  };
}

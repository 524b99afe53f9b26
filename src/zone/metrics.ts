import { Counter, Gauge, type Registry } from '../telemetry/index.js';

export interface ZoneMetrics {
  reloads: Counter<'zone'>;
  reloadErrors: Counter<'zone'>;
  serial: Gauge<'zone'>;
}

/** Register the zone metrics once per registry (several stores may share one). */
export function createZoneMetrics(registry: Registry): ZoneMetrics {
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;
  return {
    reloads:
      existing<Counter<'zone'>>('meridian_zone_reloads_total') ??
      new Counter({ name: 'meridian_zone_reloads_total', help: 'Zone files loaded successfully (start-up and reloads).', labelNames: ['zone'], registers: [registry] }),
    reloadErrors:
      existing<Counter<'zone'>>('meridian_zone_reload_errors_total') ??
      new Counter({ name: 'meridian_zone_reload_errors_total', help: 'Zone file loads rejected because of errors; the previous version kept serving.', labelNames: ['zone'], registers: [registry] }),
    serial:
      existing<Gauge<'zone'>>('meridian_zone_serial') ??
      new Gauge({ name: 'meridian_zone_serial', help: 'SOA serial of the zone being served.', labelNames: ['zone'], registers: [registry] }),
  };
}

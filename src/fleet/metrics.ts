import { Counter, Gauge, type Registry } from '../telemetry/index.js';

export interface FleetMetrics {
  healthState: Gauge<'target'>;
  transitions: Counter<'target' | 'to'>;
  probes: Counter<'target' | 'result'>;
}

/** Reuse metrics already on the registry so a tracker and a probe manager can share one. */
function reuse<T>(registry: Registry | undefined, name: string, make: (registers: Registry[]) => T): T {
  const existing = registry?.getSingleMetric(name);
  return (existing as T | undefined) ?? make(registry ? [registry] : []);
}

export function createFleetMetrics(registry: Registry | undefined): FleetMetrics {
  return {
    healthState: reuse(registry, 'meridian_fleet_health_state', (registers) =>
      new Gauge({ name: 'meridian_fleet_health_state', help: 'Health verdict after hysteresis: 1 up, 0 down.', labelNames: ['target'], registers })),
    transitions: reuse(registry, 'meridian_fleet_health_transitions_total', (registers) =>
      new Counter({ name: 'meridian_fleet_health_transitions_total', help: 'Up/down transitions, by target and new state (up, down).', labelNames: ['target', 'to'], registers })),
    probes: reuse(registry, 'meridian_fleet_probes_total', (registers) =>
      new Counter({
        name: 'meridian_fleet_probes_total',
        help: 'Raw probe results, by target and result (ok, timeout, bad_status, body_mismatch, connect_error).',
        labelNames: ['target', 'result'],
        registers,
      })),
  };
}

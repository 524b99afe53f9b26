import { Counter, Gauge, type Registry } from '../telemetry/index.js';

export interface RoutingMetrics {
  /** meridian_routing_reloads_total{result}: loaded | rejected | removed, per routing file reload. */
  reloads: Counter<'result'>;
  /** meridian_routing_records: routing records being served. */
  records: Gauge;
  /** meridian_routing_probes: health probes the records ask for. */
  probes: Gauge;
}

export function createRoutingMetrics(registry: Registry): RoutingMetrics {
  return {
    reloads: new Counter({ name: 'meridian_routing_reloads_total', help: 'Routing file reloads by result (rejected = errors, the previous version keeps serving)', labelNames: ['result'], registers: [registry] }),
    records: new Gauge({ name: 'meridian_routing_records', help: 'Routing records being served', registers: [registry] }),
    probes: new Gauge({ name: 'meridian_routing_probes', help: 'Health probes the routing records ask for', registers: [registry] }),
  };
}

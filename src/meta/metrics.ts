import { Counter, Gauge, Histogram, Registry } from '../telemetry/index.js';

/** The room's metrics (listed in README.md). One set per registry; pass none to keep them private. */
export interface MetaMetrics {
  purges: Counter<'kind' | 'mode'>;
  purgeEntries: Counter;
  purgeFailures: Counter;
  applied: Counter<'node'>;
  appliedSequence: Gauge<'node'>;
  streamLag: Gauge<'node'>;
  applyLatency: Histogram<'node'>;
  resyncs: Counter<'node' | 'reason'>;
  resets: Counter<'node' | 'reason'>;
  storeErrors: Counter<'node' | 'operation'>;
  heartbeatFailures: Counter<'node'>;
}

export function createMetaMetrics(registry: Registry = new Registry()): MetaMetrics {
  const existing = registry.getSingleMetric('meridian_meta_purges_total');
  if (existing) return metricsByName(registry);
  return {
    purges: new Counter({ name: 'meridian_meta_purges_total', help: 'Purges accepted into the stream', labelNames: ['kind', 'mode'], registers: [registry] }),
    purgeEntries: new Counter({ name: 'meridian_meta_purge_entries_total', help: 'Stream entries written (one per coalesced batch)', registers: [registry] }),
    purgeFailures: new Counter({ name: 'meridian_meta_purge_failures_total', help: 'Purge batches refused because the store failed', registers: [registry] }),
    applied: new Counter({ name: 'meridian_meta_purges_applied_total', help: 'Purges applied to the node index', labelNames: ['node'], registers: [registry] }),
    appliedSequence: new Gauge({ name: 'meridian_meta_applied_sequence', help: 'Highest purge sequence applied by the node', labelNames: ['node'], registers: [registry] }),
    streamLag: new Gauge({ name: 'meridian_meta_stream_lag_seconds', help: 'Age of the newest applied purge when it was applied', labelNames: ['node'], registers: [registry] }),
    applyLatency: new Histogram({
      name: 'meridian_meta_purge_apply_seconds',
      help: 'From purge accepted to applied in the node index',
      labelNames: ['node'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    resyncs: new Counter({ name: 'meridian_meta_resyncs_total', help: 'Index rebuilds from the versions snapshot', labelNames: ['node', 'reason'], registers: [registry] }),
    resets: new Counter({ name: 'meridian_meta_resets_total', help: 'Fleet-wide purges a node applied because it could not prove its index complete', labelNames: ['node', 'reason'], registers: [registry] }),
    storeErrors: new Counter({ name: 'meridian_meta_store_errors_total', help: 'Failed store operations (Redis away)', labelNames: ['node', 'operation'], registers: [registry] }),
    heartbeatFailures: new Counter({ name: 'meridian_meta_heartbeat_failures_total', help: 'Registry heartbeats that failed', labelNames: ['node'], registers: [registry] }),
  };
}

/** Several nodes of one process may share a registry: reuse the metrics already there. */
function metricsByName(registry: Registry): MetaMetrics {
  const get = <T>(name: string): T => registry.getSingleMetric(name) as unknown as T;
  return {
    purges: get('meridian_meta_purges_total'),
    purgeEntries: get('meridian_meta_purge_entries_total'),
    purgeFailures: get('meridian_meta_purge_failures_total'),
    applied: get('meridian_meta_purges_applied_total'),
    appliedSequence: get('meridian_meta_applied_sequence'),
    streamLag: get('meridian_meta_stream_lag_seconds'),
    applyLatency: get('meridian_meta_purge_apply_seconds'),
    resyncs: get('meridian_meta_resyncs_total'),
    resets: get('meridian_meta_resets_total'),
    storeErrors: get('meridian_meta_store_errors_total'),
    heartbeatFailures: get('meridian_meta_heartbeat_failures_total'),
  };
}

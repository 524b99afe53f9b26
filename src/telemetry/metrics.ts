import { AggregatorRegistry, Registry, collectDefaultMetrics } from 'prom-client';

export { Registry };
export { Counter, Gauge, Histogram } from 'prom-client';

/**
 * One registry per process (or per in-process fleet member, so the demo's nodes
 * do not mix their numbers). Modules define their metrics next to their code as
 * `meridian_<module>_<name>` and register them on the registry they are given.
 */
export function createMetricsRegistry(options: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'meridian_process_' });
  return registry;
}

/** What `registry.getMetricsAsJSON()` gives: plain data, so it can cross threads by postMessage. */
export type MetricsSnapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/**
 * One exposition text from several registries of one process (its threads): metrics of the same
 * name are merged, counters and histograms summed, gauges as their `aggregator` says (sum by default).
 */
export function aggregateMetrics(snapshots: readonly MetricsSnapshot[]): Promise<string> {
  return AggregatorRegistry.aggregate([...snapshots]).metrics();
}

import { Counter, Gauge, Histogram, type Registry } from '../telemetry/index.js';
import type { StoreEvents } from './types.js';

/**
 * Plain tallies for the hit path: prom-client's labelled inc costs more than the rest of a
 * hit's bookkeeping, so hits and their bytes are summed here and flushed into the counters
 * whenever the registry is read (each affected counter's `collect`).
 */
export interface HitTallies {
  hits: number;
  bytes: number;
}

/** Every metric of the cache node; README.md lists them. */
export function createCacheMetrics(registry: Registry) {
  const tallies: HitTallies = { hits: 0, bytes: 0 };
  const flush = (): void => {
    if (tallies.hits > 0) {
      metrics.requests.labels({ status: 'hit' }).inc(tallies.hits);
      metrics.hits.inc(tallies.hits);
      tallies.hits = 0;
    }
    if (tallies.bytes > 0) {
      metrics.bytes.labels({ source: 'cache' }).inc(tallies.bytes);
      tallies.bytes = 0;
    }
  };
  const metrics = {
    tallies,
    requests: new Counter({ name: 'meridian_cache_requests_total', help: 'Requests served, by cache outcome', labelNames: ['status'] as const, registers: [registry], collect: flush }),
    hits: new Counter({ name: 'meridian_cache_hits_total', help: 'Requests answered from a stored response without contacting upstream', registers: [registry], collect: flush }),
    misses: new Counter({ name: 'meridian_cache_misses_total', help: 'Requests that needed an upstream fetch (no usable stored response)', registers: [registry] }),
    stale: new Counter({ name: 'meridian_cache_stale_total', help: 'Stale responses served (stale-while-revalidate or stale-if-error)', registers: [registry] }),
    bytes: new Counter({ name: 'meridian_cache_bytes_sent_total', help: 'Body bytes sent to clients', labelNames: ['source'] as const, registers: [registry], collect: flush }),
    upstreamDuration: new Histogram({
      name: 'meridian_cache_upstream_duration_seconds',
      help: 'Time to response headers from an upstream (parent or origin)',
      labelNames: ['kind', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    coalescedWaits: new Counter({ name: 'meridian_cache_coalesced_waits_total', help: 'Requests that waited for another request’s upstream fetch instead of fetching', registers: [registry] }),
    coalesceTimeouts: new Counter({ name: 'meridian_cache_coalesce_timeouts_total', help: 'Coalesced waits that gave up and fetched on their own', registers: [registry] }),
    evictions: new Counter({ name: 'meridian_cache_evictions_total', help: 'Entries evicted to stay within a store’s byte bound', labelNames: ['store'] as const, registers: [registry] }),
    expirations: new Counter({ name: 'meridian_cache_expirations_total', help: 'Entries dropped because they had expired', labelNames: ['store'] as const, registers: [registry] }),
    admissionRejected: new Counter({ name: 'meridian_cache_admission_rejected_total', help: 'Puts the admission policy declined (less valuable than what they would evict)', labelNames: ['store'] as const, registers: [registry] }),
    storeErrors: new Counter({ name: 'meridian_cache_store_errors_total', help: 'Store operations that failed (treated as misses)', labelNames: ['store'] as const, registers: [registry] }),
    rejected: new Counter({ name: 'meridian_cache_rejected_total', help: 'Requests refused before caching', labelNames: ['reason'] as const, registers: [registry] }),
    warmupObjects: new Counter({ name: 'meridian_cache_warmup_objects_total', help: 'Start-up warming: peers’ hot objects fetched, already present, failed or skipped (budget)', labelNames: ['outcome'] as const, registers: [registry] }),
    prefetches: new Counter({ name: 'meridian_cache_prefetches_total', help: 'Background prefetches: fetched, failed, or skipped (busy, present, in-flight, closed)', labelNames: ['outcome'] as const, registers: [registry] }),
    upstreamInFlight: new Gauge({ name: 'meridian_cache_upstream_in_flight', help: 'Upstream fetches in flight', registers: [registry] }),
  };
  return metrics;
}

export type CacheMetrics = ReturnType<typeof createCacheMetrics>;

export function storeEvents(metrics: CacheMetrics): StoreEvents {
  return {
    evicted: (store, count = 1) => metrics.evictions.inc({ store }, count),
    expired: (store, count = 1) => metrics.expirations.inc({ store }, count),
    declined: (store, count = 1) => metrics.admissionRejected.inc({ store }, count),
  };
}

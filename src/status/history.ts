import { PurgeLatencyTracker } from './purge-latency.js';
import { RecentBuffer } from './recent-buffer.js';
import type { StatusHistory, StatusNode, StatusSnapshot } from './types.js';

/**
 * Per-node series are the newest this many samples: enough for a sparkline, and small on the
 * wire: the whole history travels in every snapshot, ~45 KB at 200 nodes (as much as the
 * nodes themselves), ~7 KB at 13.
 */
export const NODE_HISTORY_SAMPLES = 30;
/** Per-node series are kept for at most this many nodes (the first that report requests/s). */
export const NODE_HISTORY_MAX_NODES = 200;

interface Sample {
  at: number;
  requestsPerSecond: number | null;
  hitRatio: number | null;
  nodesUp: number;
  nodesTotal: number;
  purgeLatencyMs: number | null;
  purgesCompleted: number;
  /** Requests/s of the first NODE_HISTORY_MAX_NODES nodes that report it, in snapshot order. */
  nodes: Map<string, number>;
}

export interface StatusHistoryOptions {
  intervalMs: number;
  capacity: number;
  /** The routes' `maxPurges`: a purge list that long may have been cut (see PurgeLatencyTracker). */
  maxPurges: number;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;
/** Requests/s to the precision a chart shows: every character counts once per node and sample. */
const rate = (value: number): number => (value >= 10 ? Math.round(value) : round(value, 1));

/**
 * The status page's short memory: a fixed ring of fleet-wide samples (one per `intervalMs`)
 * and the purge latencies derived from successive snapshots. Memory is bounded by the
 * capacity and NODE_HISTORY_MAX_NODES whatever the fleet's size; the view sent to the page is
 * built once per sample, not once per watcher or tick.
 */
export class StatusHistoryRecorder {
  readonly #options: StatusHistoryOptions;
  readonly #samples: RecentBuffer<Sample>;
  readonly #purges: PurgeLatencyTracker;
  #view: StatusHistory;

  constructor(options: StatusHistoryOptions) {
    this.#options = options;
    this.#samples = new RecentBuffer<Sample>(options.capacity);
    this.#purges = new PurgeLatencyTracker(options.maxPurges);
    this.#view = this.#build();
  }

  /** Follow the purges of a snapshot between samples, so completions are timed as closely as snapshots are taken. */
  observe(snapshot: StatusSnapshot): void {
    this.#purges.observe(snapshot.purges, snapshot.generatedAt);
  }

  /** Observe the snapshot and record it as the newest sample. */
  sample(snapshot: StatusSnapshot): void {
    this.observe(snapshot);
    const nodes = snapshot.nodes.filter((node): node is StatusNode => node !== null && typeof node === 'object');
    const hits = nodes.map((node) => node.hitRatio).filter(finite);
    const perNode = new Map<string, number>();
    let requests: number | null = null;
    for (const node of nodes) {
      const rps = node.requestsPerSecond;
      if (!finite(rps) || rps < 0) continue;
      requests = (requests ?? 0) + rps;
      const id = String(node.id);
      if (perNode.size < NODE_HISTORY_MAX_NODES && !perNode.has(id)) perNode.set(id, rate(rps));
    }
    const purges = this.#purges.take();
    this.#samples.push({
      at: snapshot.generatedAt,
      requestsPerSecond: requests === null ? null : rate(requests),
      hitRatio: hits.length === 0 ? null : round(hits.reduce((sum, hit) => sum + Math.min(1, Math.max(0, hit)), 0) / hits.length, 4),
      nodesUp: nodes.filter((node) => node.health === 'up').length,
      nodesTotal: nodes.length,
      purgeLatencyMs: purges.slowestMs,
      purgesCompleted: purges.count,
      nodes: perNode,
    });
    this.#view = this.#build();
  }

  /** The samples as the snapshot carries them. The same object until the next sample: do not modify it. */
  view(): StatusHistory {
    return this.#view;
  }

  #build(): StatusHistory {
    const samples = this.#samples.newest().reverse();
    const recent = samples.slice(-NODE_HISTORY_SAMPLES);
    const newest = recent.at(-1);
    return {
      intervalMs: this.#options.intervalMs,
      capacity: this.#options.capacity,
      at: samples.map((s) => s.at),
      requestsPerSecond: samples.map((s) => s.requestsPerSecond),
      hitRatio: samples.map((s) => s.hitRatio),
      nodesUp: samples.map((s) => s.nodesUp),
      nodesTotal: samples.map((s) => s.nodesTotal),
      purgeLatencyMs: samples.map((s) => s.purgeLatencyMs),
      purgesCompleted: samples.map((s) => s.purgesCompleted),
      // The nodes of the newest sample: a node gone from the fleet drops out of the history with it.
      nodes: newest ? [...newest.nodes.keys()].map((id) => ({ id, requestsPerSecond: recent.map((s) => s.nodes.get(id) ?? null) })) : [],
    };
  }
}

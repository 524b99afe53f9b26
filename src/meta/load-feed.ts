import type { Logger } from '../telemetry/index.js';
import type { MetaStore, NodeStatus } from './types.js';

/**
 * Utilisation 0..1 of a node: the busiest of its resources against its declared capacity
 * (requests/s, bytes/s, connections) and its event-loop utilisation. A capacity of 0
 * means "not limited" for that resource.
 */
export function loadScore(node: NodeStatus): number {
  const ratio = (used: number, capacity: number): number => (capacity > 0 ? used / capacity : 0);
  const score = Math.max(
    ratio(node.load.requestsPerSecond, node.capacity.requestsPerSecond),
    ratio(node.load.bytesPerSecond, node.capacity.bytesPerSecond),
    ratio(node.load.openConnections, node.capacity.connections),
    node.load.eventLoopUtilization,
  );
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 1;
}

/** Load values per node address (and per node id), for routing's load shedding. */
export function loadByAddress(nodes: readonly NodeStatus[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const node of nodes) {
    const score = loadScore(node);
    out.set(node.id, score);
    for (const address of node.addresses) out.set(address, Math.max(score, out.get(address) ?? 0));
  }
  return out;
}

/** Where load values go: fleet's LoadBoard has this shape (set/delete by target id). */
export interface LoadSink {
  set(targetId: string, load: number, at: number): void;
  delete(targetId: string): void;
}

export interface LoadFeedOptions {
  store: MetaStore;
  sink: LoadSink;
  logger: Logger;
  intervalMs?: number;
}

export interface LoadFeed {
  /** Read the registry once and update the sink. */
  refresh(): Promise<void>;
  /** Live nodes as of the last refresh (routing may use them for health). */
  nodes(): readonly NodeStatus[];
  stop(): void;
}

/**
 * Polls the registry and feeds load values into a sink (fleet's LoadBoard). A node that
 * vanished from the registry (expired) is deleted from the sink, so routing sees it as
 * unknown rather than judging it on old numbers. Store failures keep the last values;
 * the sink's own max age decides when they are too old.
 */
export function startLoadFeed(options: LoadFeedOptions): LoadFeed {
  const logger = options.logger.child({ module: 'meta' });
  let current: NodeStatus[] = [];
  let known = new Set<string>();
  let failing = false;

  const refresh = async (): Promise<void> => {
    try {
      current = await options.store.listNodes();
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot read the node registry; keeping the last load values');
      failing = true;
      return;
    }
    const loads = loadByAddress(current);
    const at = new Map<string, number>();
    for (const node of current) {
      at.set(node.id, node.updatedAt);
      for (const address of node.addresses) at.set(address, Math.max(node.updatedAt, at.get(address) ?? 0));
    }
    for (const [target, load] of loads) options.sink.set(target, load, at.get(target) ?? Date.now());
    for (const target of known) if (!loads.has(target)) options.sink.delete(target);
    known = new Set(loads.keys());
  };

  void refresh();
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 1000);
  timer.unref();
  return { refresh, nodes: () => current, stop: () => clearInterval(timer) };
}

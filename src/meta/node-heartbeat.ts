import type { Logger } from '../telemetry/index.js';
import type { LoadReport, MetaStore, NodeInfo } from './types.js';
import type { MetaMetrics } from './metrics.js';
import { createMetaMetrics } from './metrics.js';

export interface HeartbeatOptions {
  store: MetaStore;
  info: NodeInfo;
  /** Called every interval for the current load. */
  load: () => LoadReport;
  logger: Logger;
  metrics?: MetaMetrics;
  intervalMs?: number;
  /** The registry forgets the node this long after its last heartbeat (default 3 intervals). */
  ttlMs?: number;
}

export interface Heartbeat {
  /** Send one heartbeat now (the first one is sent by startHeartbeat). */
  beat(): Promise<void>;
  /** Stop beating and remove the node from the registry (best effort: it expires anyway). */
  stop(): Promise<void>;
}

/**
 * Registers a node and reports its load every interval. A failed heartbeat is logged and
 * retried at the next tick: the node keeps serving, and if Redis stays away the registry
 * entry expires, which is the truth (readers cannot see the node's load any more).
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const intervalMs = options.intervalMs ?? 1000;
  const ttlMs = options.ttlMs ?? intervalMs * 3;
  const logger = options.logger.child({ module: 'meta', node: options.info.id });
  const metrics = options.metrics ?? createMetaMetrics();
  let failing = false;
  let stopped = false;

  const beat = async (): Promise<void> => {
    try {
      await options.store.heartbeat(options.info, options.load(), ttlMs);
      if (failing) logger.info('registry heartbeat restored');
      failing = false;
    } catch (err) {
      metrics.heartbeatFailures.inc({ node: options.info.id });
      if (!failing) logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'registry heartbeat failed, retrying every interval');
      failing = true;
    }
  };

  void beat();
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();

  return {
    beat,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await options.store.removeNode(options.info.id).catch(() => {});
    },
  };
}

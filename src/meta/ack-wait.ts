import type { MetaStore } from './types.js';

export interface AckWaitResult {
  sequence: number;
  /** Live nodes that applied the sequence. */
  acked: string[];
  /** Live nodes that had not, with the sequence they had applied (0: never acked). */
  missing: Array<{ id: string; applied: number }>;
  complete: boolean;
}

/**
 * Wait until every live node (registry) has acknowledged `sequence`, or the timeout.
 * Store failures while waiting are thrown: the caller cannot tell who applied what.
 */
export async function waitForAcks(store: MetaStore, sequence: number, options: { timeoutMs: number; pollMs?: number }): Promise<AckWaitResult> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 25;
  for (;;) {
    const [nodes, acks] = await Promise.all([store.listNodes(), store.acks()]);
    const acked: string[] = [];
    const missing: AckWaitResult['missing'] = [];
    for (const node of nodes) {
      const applied = acks.get(node.id)?.sequence ?? 0;
      if (applied >= sequence) acked.push(node.id);
      else missing.push({ id: node.id, applied });
    }
    if (missing.length === 0 || Date.now() >= deadline) return { sequence, acked, missing, complete: missing.length === 0 };
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}

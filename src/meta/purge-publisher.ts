import type { MetaStore, PurgeEvent, PurgeRequest } from './types.js';
import type { MetaMetrics } from './metrics.js';
import { createMetaMetrics } from './metrics.js';
import { MetaError, badPurge } from './errors.js';
import { normalizeScope } from './scope.js';

export interface PublisherOptions {
  store: MetaStore;
  /** Coalescing window: purges arriving within it share one stream entry. */
  windowMs?: number;
  /** At most this many purges per stream entry; a full batch goes out at once. */
  maxItems?: number;
  metrics?: MetaMetrics;
}

/** One purge() call: its events fill in as the chunks carrying its requests are written. */
interface Ticket {
  events: PurgeEvent[];
  remaining: number;
  failed: boolean;
  resolve: (events: PurgeEvent[]) => void;
  reject: (err: unknown) => void;
}

interface Pending {
  request: PurgeRequest;
  ticket: Ticket;
  index: number;
}

export class PurgePublisher {
  private readonly store: MetaStore;
  private readonly windowMs: number;
  private readonly maxItems: number;
  private readonly metrics: MetaMetrics;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(options: PublisherOptions) {
    this.store = options.store;
    this.windowMs = options.windowMs ?? 5;
    this.maxItems = options.maxItems ?? 500;
    this.metrics = options.metrics ?? createMetaMetrics();
  }

  /** Publish purges; resolves with their events (sequence order = request order). */
  purge(requests: readonly PurgeRequest[]): Promise<PurgeEvent[]> {
    if (this.closed) return Promise.reject(new MetaError('MERIDIAN_E_META_CLOSED', 'purge publisher closed'));
    if (requests.length === 0) return Promise.reject(badPurge('nothing to purge'));
    // One promise per call, not per purge: a burst of 10,000 is mostly garbage otherwise.
    const promise = new Promise<PurgeEvent[]>((resolve, reject) => {
      const ticket: Ticket = { events: new Array<PurgeEvent>(requests.length), remaining: requests.length, failed: false, resolve, reject };
      requests.forEach((request, index) => this.pending.push({ request: { scope: normalizeScope(request.scope), soft: request.soft }, ticket, index }));
    });
    if (this.pending.length >= this.maxItems || this.windowMs === 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    return promise;
  }

  /** Send everything pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) {
      const chunk = this.pending.splice(0, this.maxItems);
      const sent = this.send(chunk);
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    }
  }

  /** Flush and wait for everything in flight; later purges are refused. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async send(chunk: Pending[]): Promise<void> {
    try {
      const batch = await this.store.publish(chunk.map((item) => item.request), Date.now());
      this.metrics.purgeEntries.inc();
      const counts = new Map<string, number>();
      batch.events.forEach((event, i) => {
        const label = `${event.scope.kind} ${event.soft ? 'soft' : 'hard'}`;
        counts.set(label, (counts.get(label) ?? 0) + 1);
        const { ticket, index } = chunk[i]!;
        ticket.events[index] = event;
        if (--ticket.remaining === 0 && !ticket.failed) ticket.resolve(ticket.events);
      });
      for (const [label, count] of counts) {
        const [kind, mode] = label.split(' ');
        this.metrics.purges.inc({ kind, mode }, count);
      }
    } catch (err) {
      this.metrics.purgeFailures.inc();
      for (const { ticket } of chunk) {
        if (ticket.failed) continue;
        ticket.failed = true;
        ticket.reject(err);
      }
    }
  }
}

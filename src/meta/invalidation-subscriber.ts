import type { Logger } from '../telemetry/index.js';
import type { InvalidationView, MetaStore, PurgeBatch } from './types.js';
import { InvalidationIndex } from './invalidation-index.js';
import { parseScopeKey } from './scope.js';
import { compareIds } from './stream-entry.js';
import type { MetaMetrics } from './metrics.js';
import { createMetaMetrics } from './metrics.js';

export interface SubscriberOptions {
  store: MetaStore;
  nodeId: string;
  logger: Logger;
  metrics?: MetaMetrics;
  blockMs?: number;
  readCount?: number;
  /** Bound on the index (see InvalidationIndex). */
  maxEntries?: number;
}

export interface SubscriberStatus {
  nodeId: string;
  epoch: string | undefined;
  lastId: string;
  appliedSequence: number;
  /** False from the first failed store call until the next successful one. */
  connected: boolean;
  synced: boolean;
}

/** `fork`: the store lost entries this node applied (a failover promoted a replica that lacked them). */
type ResyncReason = 'start' | 'gap' | 'epoch' | 'fork';

/**
 * Feeds one node's InvalidationIndex from the store: a snapshot of the per-scope versions
 * first, then the stream in order. It checks every entry's `prev` against the id it
 * applied last; a mismatch means entries were trimmed (or lost) and it rebuilds from the
 * versions snapshot. When the store's epoch changed (Redis lost its data) it cannot prove
 * it saw every purge, so it applies a reset: a hard purge of every site.
 *
 * A failover can promote a replica that lacks the newest entries: the store's history
 * forks behind the node (an entry's `prev` is older than the last entry the node applied,
 * or its sequences are not above what the node applied). The new primary may hand out
 * those sequences again, for other purges, and a copy this node fetched at a sequence it
 * lost would outlive them. So the node raises the store's counter past what it applied
 * and resets at that point.
 *
 * When the store is away the node keeps its index and keeps serving; the loop retries
 * with backoff and catches up from the last applied id when the store returns.
 */
export class InvalidationSubscriber {
  readonly index: InvalidationIndex;
  private readonly store: MetaStore;
  private readonly logger: Logger;
  private readonly metrics: MetaMetrics;
  private readonly blockMs: number;
  private readonly readCount: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private epoch: string | undefined;
  /** Read position: the last entry handled, a skipped unreadable one included. */
  private lastId = '0-0';
  /** The last entry of Meridian's own chain this node holds: what the next entry's `prev` must be. */
  private chainId = '0-0';
  private connected = false;
  private needResync: ResyncReason | undefined = 'start';
  private checkEpoch = false;
  private syncedOnce: Promise<void>;
  private markSynced: () => void = () => {};
  private wakeBackoff: (() => void) | undefined;
  private stopping = new AbortController();

  constructor(private readonly options: SubscriberOptions) {
    this.store = options.store;
    this.logger = options.logger.child({ module: 'meta', node: options.nodeId });
    this.metrics = options.metrics ?? createMetaMetrics();
    this.blockMs = options.blockMs ?? 1000;
    this.readCount = options.readCount ?? 500;
    this.index = new InvalidationIndex({ maxEntries: options.maxEntries });
    this.syncedOnce = new Promise((resolve) => (this.markSynced = resolve));
  }

  get view(): InvalidationView {
    return this.index;
  }

  /** Start the loop. Does not wait for the store: a node starts and serves even when Redis is away. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run();
  }

  /** Resolves after the first complete sync with the store (or when `timeoutMs` passes: false). */
  async synced(timeoutMs = 10_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([this.syncedOnce.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeBackoff?.();
    // Ends a blocked in-process read at once; a Redis XREAD ends when its store closes, at the latest after blockMs.
    this.stopping.abort();
    await this.loop;
  }

  status(): SubscriberStatus {
    return {
      nodeId: this.options.nodeId,
      epoch: this.epoch,
      lastId: this.lastId,
      appliedSequence: this.index.appliedSequence(),
      connected: this.connected,
      synced: this.needResync === undefined,
    };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.step();
        if (!this.connected) this.logger.info({ lastId: this.lastId }, 'metadata store reachable: following the invalidation stream');
        this.connected = true;
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        failures++;
        if (this.connected || failures === 1) {
          this.logger.warn({ err: describe(err) }, 'metadata store unavailable: serving with the purges applied so far, retrying');
        }
        this.connected = false;
        this.checkEpoch = true;
        this.metrics.storeErrors.inc({ node: this.options.nodeId, operation: 'follow' });
        await this.backoff(Math.min(50 * 2 ** Math.min(failures, 5), 1000));
      }
    }
  }

  private async step(): Promise<void> {
    if (this.checkEpoch && this.needResync === undefined) {
      const epoch = await this.store.epoch();
      if (epoch !== this.epoch) this.needResync = 'epoch';
      this.checkEpoch = false;
    }
    if (this.needResync !== undefined) {
      await this.resync(this.needResync);
      this.needResync = undefined;
      this.checkEpoch = false;
      this.markSynced();
    }
    const batches = await this.store.read(this.lastId, { count: this.readCount, blockMs: this.blockMs, signal: this.stopping.signal });
    if (!this.running) return;
    if (batches.length === 0) {
      // Quiet stream: the moment to notice a store that lost its data without a disconnect.
      this.checkEpoch = true;
      return;
    }
    for (const batch of batches) {
      if (batch.corrupt) {
        this.logger.error({ id: batch.id }, 'unreadable invalidation stream entry (not written by Meridian): resetting and skipping it');
        await this.reset('corrupt');
        this.lastId = batch.id;
        continue;
      }
      const first = batch.events[0]?.sequence ?? Infinity;
      if (compareIds(batch.previousId, this.chainId) < 0 || first <= this.index.appliedSequence()) {
        this.logger.warn({ chainId: this.chainId, next: batch.id, prev: batch.previousId, first, applied: this.index.appliedSequence() }, 'invalidation stream forked behind this node (failover lost entries it applied): resetting');
        this.needResync = 'fork';
        break;
      }
      if (batch.previousId !== this.chainId) {
        this.logger.warn({ chainId: this.chainId, next: batch.id, expectedPrev: batch.previousId }, 'invalidation stream position trimmed away: rebuilding from versions');
        this.needResync = 'gap';
        break;
      }
      this.applyBatch(batch);
    }
    await this.acknowledge();
  }

  private applyBatch(batch: PurgeBatch): void {
    const now = Date.now();
    for (const event of batch.events) this.index.apply(event);
    this.lastId = batch.id;
    this.chainId = batch.id;
    const node = this.options.nodeId;
    const issuedAt = batch.events[0]?.issuedAt ?? now;
    this.metrics.applied.inc({ node }, batch.events.length);
    this.metrics.appliedSequence.set({ node }, this.index.appliedSequence());
    this.metrics.streamLag.set({ node }, Math.max(0, now - issuedAt) / 1000);
    this.metrics.applyLatency.observe({ node }, Math.max(0, now - issuedAt) / 1000);
  }

  /**
   * Rebuild from the versions snapshot: exact, as long as the epoch is the one we know.
   * A new epoch means purges may have been lost with the old data: reset.
   */
  private async resync(reason: ResyncReason): Promise<void> {
    let snapshot = await this.store.snapshot();
    const node = this.options.nodeId;
    const lostData = this.epoch !== undefined && snapshot.epoch !== this.epoch;
    const forked = !lostData && (reason === 'fork' || snapshot.sequence < this.index.appliedSequence() || compareIds(snapshot.lastId, this.chainId) < 0);
    if (lostData || forked) {
      await this.reset(lostData ? 'epoch' : 'fork');
      // Purges published between that snapshot and the reset carry sequences below it; read
      // after the stream they would look like another fork. A snapshot taken now holds them.
      snapshot = await this.store.snapshot();
    }
    const issuedAt = Date.now();
    if (snapshot.hardFloor > 0) this.index.merge({ kind: 'site', host: '*' }, snapshot.hardFloor, false, issuedAt);
    if (snapshot.softFloor > 0) this.index.merge({ kind: 'site', host: '*' }, snapshot.softFloor, true, issuedAt);
    // Oldest first, so the index's own compaction (if the snapshot exceeds it) drops the oldest.
    const versions = [
      ...snapshot.hard.map(([key, sequence]) => ({ key, sequence, soft: false })),
      ...snapshot.soft.map(([key, sequence]) => ({ key, sequence, soft: true })),
    ].sort((a, b) => a.sequence - b.sequence);
    for (const version of versions) {
      try {
        this.index.merge(parseScopeKey(version.key), version.sequence, version.soft, issuedAt);
      } catch {
        // An unreadable version could hide a purge: cover it with a fleet-wide one at its sequence.
        this.index.merge({ kind: 'site', host: '*' }, version.sequence, version.soft, issuedAt);
      }
    }
    this.index.advanceTo(snapshot.sequence);
    this.epoch = snapshot.epoch;
    // Never back over entries already handled (a skipped unreadable one), unless the store's history is new.
    if (lostData || forked || compareIds(snapshot.lastId, this.lastId) > 0) this.lastId = snapshot.lastId;
    this.chainId = snapshot.lastId;
    this.metrics.resyncs.inc({ node, reason });
    this.metrics.appliedSequence.set({ node }, this.index.appliedSequence());
    this.logger.info({ reason, versions: versions.length, lastId: this.lastId, sequence: snapshot.sequence }, 'invalidation index rebuilt from versions');
    await this.acknowledge();
  }

  /**
   * A hard purge of every site at a fresh fleet sequence: nothing fetched before it is trusted.
   * The sequence is above everything this node applied, even sequences the store lost.
   */
  private async reset(reason: 'epoch' | 'corrupt' | 'fork'): Promise<void> {
    const sequence = await this.store.reserveSequence(this.index.appliedSequence());
    this.index.reset(sequence, Date.now());
    this.metrics.resets.inc({ node: this.options.nodeId, reason });
    this.logger.warn({ reason, sequence }, 'cannot prove every purge was seen: everything cached before now is purged');
  }

  private async acknowledge(): Promise<void> {
    await this.store.ack({ nodeId: this.options.nodeId, sequence: this.index.appliedSequence(), streamId: this.lastId, at: Date.now() });
  }

  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeBackoff = undefined;
        resolve();
      }, ms);
      this.wakeBackoff = () => {
        clearTimeout(timer);
        this.wakeBackoff = undefined;
        resolve();
      };
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
}

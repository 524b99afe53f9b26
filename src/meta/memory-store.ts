import { EventEmitter } from 'node:events';
import type { InvalidationSnapshot, LoadReport, MetaStore, NodeInfo, NodeStatus, PurgeAck, PurgeBatch, PurgeRequest } from './types.js';
import { encodeRequests, publishedBatch } from './stream-entry.js';
import { MetaError, badPurge } from './errors.js';

interface StoredEntry {
  n: number;
  batch: PurgeBatch;
}

export interface MemoryStoreOptions {
  streamMaxLength?: number;
  maxVersions?: number;
}

/**
 * The in-process store for a fleet that lives in one process (the demo). Same semantics
 * as the Redis store, passed by the same contract suite: one shared instance serves every
 * node of the process. Sequences start at the clock in microseconds, as in Redis.
 */
export class MemoryMetaStore implements MetaStore {
  readonly kind = 'memory' as const;
  private readonly epochValue: string;
  private sequence: number;
  private entries: StoredEntry[] = [];
  private nextN = 1;
  private lastId = '0-0';
  private readonly hard = new Map<string, number>();
  private readonly soft = new Map<string, number>();
  private floors = { hard: 0, soft: 0 };
  private readonly nodes = new Map<string, NodeStatus>();
  private readonly ackRecords = new Map<string, PurgeAck>();
  private readonly appended = new EventEmitter();
  private closed = false;
  private readonly streamMaxLength: number;
  private readonly maxVersions: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.streamMaxLength = options.streamMaxLength ?? 100_000;
    this.maxVersions = options.maxVersions ?? 1_000_000;
    this.sequence = Date.now() * 1000;
    this.epochValue = String(this.sequence);
    this.appended.setMaxListeners(0);
  }

  async ready(): Promise<void> {
    this.check('ready');
  }

  async heartbeat(info: NodeInfo, load: LoadReport, ttlMs: number): Promise<void> {
    this.check('heartbeat');
    const now = Date.now();
    this.nodes.set(info.id, structuredClone({ ...info, load, updatedAt: now, expiresAt: now + ttlMs }));
  }

  async removeNode(id: string): Promise<void> {
    this.check('removeNode');
    this.nodes.delete(id);
  }

  async listNodes(): Promise<NodeStatus[]> {
    this.check('listNodes');
    const now = Date.now();
    for (const [id, node] of this.nodes) if (node.expiresAt <= now) this.nodes.delete(id);
    return [...this.nodes.values()].map((node) => structuredClone(node)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async publish(requests: readonly PurgeRequest[], issuedAt: number): Promise<PurgeBatch> {
    this.check('publish');
    if (requests.length === 0) throw badPurge('nothing to purge');
    const wire = encodeRequests(requests);
    const first = this.sequence + 1;
    this.sequence += wire.length;
    wire.forEach(([key, soft], i) => (soft ? this.soft : this.hard).set(key, first + i));
    const n = this.nextN++;
    const id = `0-${n}`;
    const batch = publishedBatch(id, this.lastId, first, requests, issuedAt);
    this.lastId = id;
    this.entries.push({ n, batch });
    if (this.entries.length > this.streamMaxLength) this.entries = this.entries.slice(-this.streamMaxLength);
    this.compact();
    this.appended.emit('entry');
    return batch;
  }

  async read(afterId: string, options: { count: number; blockMs: number; signal?: AbortSignal }): Promise<PurgeBatch[]> {
    if (this.closed) return [];
    const found = this.after(afterId, options.count);
    if (found.length > 0 || options.blockMs <= 0 || options.signal?.aborted) return found;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.appended.off('entry', done);
        this.appended.off('close', done);
        options.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, options.blockMs);
      this.appended.on('entry', done);
      this.appended.on('close', done);
      options.signal?.addEventListener('abort', done);
    });
    return this.closed || options.signal?.aborted ? [] : this.after(afterId, options.count);
  }

  async snapshot(): Promise<InvalidationSnapshot> {
    this.check('snapshot');
    return {
      epoch: this.epochValue,
      sequence: this.sequence,
      lastId: this.lastId,
      hard: [...this.hard],
      soft: [...this.soft],
      hardFloor: this.floors.hard,
      softFloor: this.floors.soft,
    };
  }

  async epoch(): Promise<string> {
    this.check('epoch');
    return this.epochValue;
  }

  async reserveSequence(above = 0): Promise<number> {
    this.check('reserveSequence');
    this.sequence = Math.max(this.sequence, above) + 1;
    return this.sequence;
  }

  async streamLength(): Promise<number> {
    this.check('streamLength');
    return this.entries.length;
  }

  async ack(ack: PurgeAck): Promise<void> {
    this.check('ack');
    this.ackRecords.set(ack.nodeId, { ...ack });
  }

  async acks(): Promise<Map<string, PurgeAck>> {
    this.check('acks');
    return new Map([...this.ackRecords].map(([id, ack]) => [id, { ...ack }]));
  }

  async trim(maxLength: number): Promise<number> {
    this.check('trim');
    const removed = Math.max(0, this.entries.length - maxLength);
    this.entries = this.entries.slice(removed);
    return removed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.appended.emit('close');
  }

  private after(afterId: string, count: number): PurgeBatch[] {
    const afterN = Number(afterId.split('-')[1] ?? 0) || 0;
    const out: PurgeBatch[] = [];
    for (const entry of this.entries) {
      if (entry.n > afterN) out.push(entry.batch);
      if (out.length >= count) break;
    }
    return out;
  }

  /** Same rule as the Redis script: past maxVersions, drop the oldest tenth into a floor. */
  private compact(): void {
    for (const kind of ['hard', 'soft'] as const) {
      const versions = this[kind];
      if (versions.size <= this.maxVersions) continue;
      const sorted = [...versions].sort((a, b) => a[1] - b[1]);
      const drop = sorted.slice(0, versions.size - Math.floor(this.maxVersions * 0.9));
      for (const [key] of drop) versions.delete(key);
      this.floors[kind] = Math.max(this.floors[kind], drop[drop.length - 1]![1]);
    }
  }

  private check(operation: string): void {
    if (this.closed) throw new MetaError('MERIDIAN_E_META_CLOSED', `metadata store closed before ${operation}`);
  }
}

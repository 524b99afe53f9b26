import { Pool, type Dispatcher } from 'undici';
import { Readable } from 'node:stream';
import { CircuitBreaker } from '../resilience/index.js';
import { CacheError, CacheErrorCode } from './errors.js';
import { rendezvousOrder } from './rendezvous.js';
import type { CacheMetrics } from './metrics.js';
import type { StoredHeaders } from './types.js';

export interface UpstreamTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Readable | Buffer;
  /** Interim (1xx) responses from the upstream, for passing on to the client. */
  onInterim?: (status: number, headers: StoredHeaders) => void;
}

export interface UpstreamResponse {
  status: number;
  headers: StoredHeaders;
  body: Dispatcher.ResponseData['body'];
  /** Which upstream answered: 'origin' or the parent URL. */
  upstream: string;
  kind: 'parent' | 'origin';
}

/** One candidate in failover order. */
export interface UpstreamTarget {
  kind: 'parent' | 'origin';
  /** scheme://host:port */
  origin: string;
  /** Path prefix of the origin URL ('' for parents). */
  basePath: string;
  label: string;
}

/** Parent answers that mean "try the next one" rather than "this is the answer". */
const PARENT_FAILURE_STATUSES = new Set([502, 503, 504]);

/**
 * The node's upstreams: one undici Pool (keep-alive) and one circuit breaker per
 * upstream origin, every call bounded by connect/headers/body timeouts. `send` walks the
 * candidates in order, skipping open circuits, and returns the first real answer.
 */
export class Upstreams {
  private readonly pools = new Map<string, Pool>();
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly timeouts: UpstreamTimeouts,
    private readonly breakerOptions: { failureThreshold: number; openMs: number },
    private readonly metrics: CacheMetrics,
  ) {}

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 128,
        connect: { timeout: this.timeouts.connectMs },
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
        keepAliveTimeout: 4000,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  breaker(origin: string): CircuitBreaker {
    let breaker = this.breakers.get(origin);
    if (!breaker) {
      breaker = new CircuitBreaker(this.breakerOptions);
      this.breakers.set(origin, breaker);
    }
    return breaker;
  }

  /** Candidates for a key: healthy parents by rendezvous order, then the origin if allowed. */
  candidates(key: string, parents: readonly string[], origin: UpstreamTarget, fallbackToOrigin: boolean): UpstreamTarget[] {
    if (parents.length === 0) return [origin];
    const available = parents.filter((parent) => this.breaker(new URL(parent).origin).isAvailable());
    const ordered = rendezvousOrder(key, available.length ? available : parents);
    const targets: UpstreamTarget[] = ordered.map((parent) => ({ kind: 'parent', origin: new URL(parent).origin, basePath: '', label: parent }));
    if (fallbackToOrigin) targets.push(origin);
    return targets;
  }

  /**
   * Send to the first candidate that answers. A request with a streamed body can only be
   * sent once, so it gets one candidate. Throws CacheError(UPSTREAM_FAILED) when none did.
   */
  async send(targets: readonly UpstreamTarget[], request: UpstreamRequest, onTarget?: (target: UpstreamTarget) => void): Promise<UpstreamResponse> {
    let lastError: unknown;
    const attempts = request.body && !Buffer.isBuffer(request.body) ? targets.slice(0, 1) : targets;
    for (let i = 0; i < attempts.length; i++) {
      const target = attempts[i]!;
      const breaker = this.breaker(target.origin);
      const isLast = i === attempts.length - 1;
      if (!breaker.canRequest() && !isLast) continue;
      onTarget?.(target);
      const started = performance.now();
      try {
        const response = await this.pool(target.origin).request({
          method: request.method as Dispatcher.HttpMethod,
          path: target.basePath + request.path,
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: this.timeouts.headersMs,
          bodyTimeout: this.timeouts.bodyMs,
          onInfo: request.onInterim ? ({ statusCode, headers }) => request.onInterim!(statusCode, headers as StoredHeaders) : undefined,
        });
        const seconds = (performance.now() - started) / 1000;
        if (target.kind === 'parent' && PARENT_FAILURE_STATUSES.has(response.statusCode) && !isLast) {
          this.metrics.upstreamDuration.observe({ kind: target.kind, outcome: 'failed' }, seconds);
          breaker.failure();
          response.body.resume();
          lastError = new Error(`parent ${target.label} answered ${response.statusCode}`);
          continue;
        }
        this.metrics.upstreamDuration.observe({ kind: target.kind, outcome: 'ok' }, seconds);
        breaker.success();
        return { status: response.statusCode, headers: response.headers as StoredHeaders, body: response.body, upstream: target.label, kind: target.kind };
      } catch (err) {
        this.metrics.upstreamDuration.observe({ kind: target.kind, outcome: 'error' }, (performance.now() - started) / 1000);
        breaker.failure();
        lastError = err;
      }
    }
    throw new CacheError(CacheErrorCode.UPSTREAM_FAILED, `no upstream answered (${targets.map((t) => t.label).join(', ')})`, {
      cause: lastError,
      hint: 'check that the origin/parents are up; see meridian_cache_upstream_duration_seconds{outcome="error"}',
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close().catch(() => pool.destroy())));
  }
}

export type BodyRead = { complete: true; body: Buffer } | { complete: false; head: Buffer[]; rest: Readable };

/**
 * Buffer a body up to `limit` bytes. Beyond that, hand back what was read and the rest
 * of the stream, so a large response is streamed through instead of held in memory.
 */
export async function readBody(body: Readable, limit: number): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let total = 0;
  const iterator = body[Symbol.asyncIterator]();
  for (;;) {
    const { value, done } = await iterator.next();
    if (done) break;
    const chunk = value as Buffer;
    chunks.push(chunk);
    total += chunk.length;
    if (total > limit) return { complete: false, head: chunks, rest: Readable.from({ [Symbol.asyncIterator]: () => iterator }) };
  }
  return { complete: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
}

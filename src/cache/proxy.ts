import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import CachePolicy from 'http-cache-semantics';
import type { InvalidationView } from '../meta/index.js';
import { continueTrace, type Logger, type TraceContext } from '../telemetry/index.js';
import { ConcurrencyLimiter, TokenBucketLimiter } from '../resilience/index.js';
import { createVaryNormaliser, hostOf, pathOf, primaryKey, secondaryKey, variantKey, varyFields } from './cache-key.js';
import { appendCacheStatus, formatMember, type CacheStatusMember } from './cache-status.js';
import { Coalescer, waitAtMost } from './coalescer.js';
import type { CacheNodeConfig, SiteConfig } from './config.js';
import { copyHeaders, parseDirectives, responseTags, singleValue, withoutHopByHop } from './http-headers.js';
import type { CacheMetrics } from './metrics.js';
import { allowsStaleIfError, allowsStaleOnDisconnect, createPolicy, directivesOf, evaluateFreshness, isStorable, policyRequest, policyView, retentionMs, type Freshness } from './policy.js';
import { interimTo, writeFullResponse, type InterimSink } from './respond.js';
import type { StoreChain } from './stores/store-chain.js';
import { readBody, type UpstreamTarget, type Upstreams } from './upstream.js';
import type { StoredHeaders, StoredObject, StoreEntry, VaryMarker } from './types.js';
import { WARM_TOKEN_HEADER } from './warmup.js';
import { compileRules, linkPrefetchPaths, rulePaths, type CompiledRule, type Prefetcher } from './prefetch.js';

/** Served on the data listener for any Host, without touching the cache. */
export const HEALTH_PATH = '/_meridian/health';
/** Edge → parent: the sender's applied purge sequence; a parent must not serve a copy fetched before it. */
export const MIN_SEQUENCE_HEADER = 'meridian-min-sequence';
/** Parent → edge: the purge sequence at which the parent's copy was fetched. */
export const FETCH_SEQUENCE_HEADER = 'meridian-fetch-sequence';

/** Client conditionals and ranges are answered here, so a cache fill always asks upstream for the full object. */
const CLIENT_ONLY_FIELDS = new Set(['if-none-match', 'if-modified-since', 'if-range', 'range', 'expect', MIN_SEQUENCE_HEADER, WARM_TOKEN_HEADER]);
const PASS_FIELDS = new Set(['expect', MIN_SEQUENCE_HEADER, WARM_TOKEN_HEADER]);
/** Stored-response fields recomputed per response rather than replayed. */
const RECOMPUTED_FIELDS = new Set(['age', 'content-length', FETCH_SEQUENCE_HEADER]);
/** Fields only Meridian tiers need; the edge removes them before answering a client. */
const INTERNAL_FIELDS = ['meridian-cache-control', FETCH_SEQUENCE_HEADER, 'surrogate-key', 'cache-tag'];
/** A 304 never replaces these stored fields (they describe the stored body). */
const NOT_UPDATED_BY_304 = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'content-range']);

type FillOutcome =
  | { kind: 'object'; object: StoredObject; stored: boolean; fwdStatus: number; fwdMember?: string }
  | { kind: 'stale'; object: StoredObject; fwdStatus?: number; detail: string }
  | { kind: 'response'; status: number; headers: StoredHeaders; body: Buffer }
  | { kind: 'stream'; status: number; headers: StoredHeaders; head: Buffer[]; rest: Readable };

interface Lookup {
  object?: StoredObject;
  /** Key the object lives under (primary or variant), for deletion. */
  key?: string;
  /** Variant key to fill when the Vary marker is known. */
  variant?: string;
  miss: 'uri-miss' | 'vary-miss' | 'miss';
  softPurged: boolean;
  /** Soft-purged below the requester's min sequence: never serve it stale, only revalidate it. */
  mustRevalidate?: boolean;
}

class UpstreamBusyError extends Error {}

export interface ProxyDeps {
  config: CacheNodeConfig;
  stores: StoreChain;
  upstreams: Upstreams;
  metrics: CacheMetrics;
  logger: Logger;
  invalidation: InvalidationView | undefined;
  isDraining: () => boolean;
  /** True while start-up warming runs: health is 503 until the node is warm. */
  isWarming: () => boolean;
  /** Value of WARM_TOKEN_HEADER on the node's own warm-up requests (exempt from the rate limit). */
  warmToken: string;
  prefetcher: Prefetcher | undefined;
}

interface Site {
  config: SiteConfig;
  origin: UpstreamTarget;
  rateLimiter: TokenBucketLimiter | undefined;
  policyOptions: { heuristicFraction: number; allowSetCookie: boolean };
  prefetchRules: CompiledRule[];
}

/**
 * The serving listener's request handler: protection (sites, limits, rate), the cache
 * lookup and RFC 9111 decisions, coalesced upstream fills, and the answer with Age and
 * Cache-Status. One instance per node.
 */
export class CacheProxy {
  private readonly sitesByHost = new Map<string, Site>();
  private readonly wildcardSite: Site | undefined;
  private readonly fills = new Coalescer<FillOutcome>();
  /** Vary'd request values → their normalised form in the secondary key. */
  private readonly normaliseVary = createVaryNormaliser();
  readonly upstreamSlots: ConcurrencyLimiter;
  private readonly statusName: string;
  private readonly isEdge: boolean;
  private readonly via: string;
  /** Label children bound once (hits themselves are tallied, see metrics.ts). */
  private readonly counters: Record<'miss' | 'stale' | 'revalidated' | 'pass' | 'error' | 'rejected', { inc(value?: number): void }>;
  private readonly upstreamBytes: { inc(value?: number): void };
  /** Each request's trace context (W3C), read when its upstream headers are built. */
  private readonly traces = new WeakMap<IncomingMessage, TraceContext>();
  /** The Cache-Status each response was sent with (node:http keeps no copy of writeHead's headers), for the access log. */
  private readonly sentStatus = new WeakMap<ServerResponse, string>();
  private readonly accessLog: Logger;
  private requestCount = 0;

  constructor(private readonly deps: ProxyDeps) {
    const { config } = deps;
    this.statusName = `meridian-${config.id}`;
    this.via = `1.1 meridian-${config.id}`;
    this.isEdge = config.tier === 'edge';
    this.upstreamSlots = new ConcurrencyLimiter(config.limits.upstreamConcurrency);
    const requests = deps.metrics.requests;
    this.counters = {
      miss: requests.labels({ status: 'miss' }),
      stale: requests.labels({ status: 'stale' }),
      revalidated: requests.labels({ status: 'revalidated' }),
      pass: requests.labels({ status: 'pass' }),
      error: requests.labels({ status: 'error' }),
      rejected: requests.labels({ status: 'rejected' }),
    };
    this.upstreamBytes = deps.metrics.bytes.labels({ source: 'upstream' });
    this.accessLog = deps.logger.child({ log: 'access' });
    let wildcard: Site | undefined;
    for (const siteConfig of config.sites) {
      const originUrl = new URL(siteConfig.origin);
      const limit = siteConfig.rateLimit ?? config.rateLimit;
      const site: Site = {
        config: siteConfig,
        origin: { kind: 'origin', origin: originUrl.origin, basePath: originUrl.pathname.replace(/\/$/, ''), label: 'origin' },
        rateLimiter: this.isEdge && limit ? new TokenBucketLimiter({ ratePerSecond: limit.requestsPerSecond, burst: limit.burst }) : undefined,
        policyOptions: { heuristicFraction: config.heuristicFraction, allowSetCookie: siteConfig.allowSetCookie },
        prefetchRules: compileRules(siteConfig.prefetch.rules),
      };
      for (const host of siteConfig.hosts) {
        if (host === '*') wildcard ??= site;
        else this.sitesByHost.set(host.toLowerCase(), site);
      }
    }
    this.wildcardSite = wildcard;
  }

  private get applied(): number {
    return this.deps.invalidation?.appliedSequence() ?? 0;
  }

  /** 200 while the node can serve; 503 while warming, draining or with every upstream slot taken. */
  healthy(): boolean {
    return !this.deps.isDraining() && !this.deps.isWarming() && !this.upstreamSlots.saturated;
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    // Health probes come every second from every DNS server; a line each would drown the real traffic.
    if (req.url !== HEALTH_PATH && this.accessLog.isLevelEnabled('info')) this.logWhenDone(req, res, this.traceOf(req));
    try {
      this.route(req, res);
    } catch (err) {
      // Whatever a hostile request or a broken upstream header does, it costs this response, not the process.
      this.fail(req, res, err);
    }
  };

  /**
   * This hop's trace context: the client's trace continued with a span of its own, sent upstream
   * as the next hop's parent. Made on first use, so an unlogged hit pays nothing for it.
   */
  private traceOf(req: IncomingMessage): TraceContext {
    let trace = this.traces.get(req);
    if (!trace) {
      trace = continueTrace(req.headers.traceparent);
      this.traces.set(req, trace);
    }
    return trace;
  }

  /** One access-log line per request, when its response is finished or the connection dropped. */
  private logWhenDone(req: IncomingMessage, res: ServerResponse, trace: TraceContext): void {
    const started = performance.now();
    const reqId = `${this.deps.config.id}-${(++this.requestCount).toString(36)}`;
    res.once('close', () => {
      this.accessLog.info({
        reqId,
        traceId: trace.traceId,
        spanId: trace.spanId,
        method: req.method,
        host: req.headers.host,
        path: req.url,
        status: res.statusCode,
        cacheStatus: this.ownMember(this.sentStatus.get(res)),
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        ...(req.headers[WARM_TOKEN_HEADER] === this.deps.warmToken ? { internal: 'warm-or-prefetch' } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
  }

  /** This node's member of a Cache-Status field (without its name), or undefined when it added none. */
  private ownMember(field: string | undefined): string | undefined {
    if (field === undefined) return undefined;
    const at = field.lastIndexOf(this.statusName);
    if (at === -1) return undefined;
    const member = field.slice(at + this.statusName.length);
    return member.startsWith(';') ? member.slice(1).trim() : undefined;
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url.length > this.deps.config.limits.maxUrlBytes) return this.refuse(res, 414, 'uri-too-long', 'request target too long');
    if (url === HEALTH_PATH || url.startsWith(`${HEALTH_PATH}?`)) return this.health(res);
    const host = hostOf(req.headers.host);
    const site = this.sitesByHost.get(host) ?? this.wildcardSite;
    if (!site) return this.refuse(res, 421, 'unknown-host', `no site is configured for host "${host}" on this node`);
    const via = req.headers.via;
    if (via !== undefined && via.includes(this.via)) return this.refuse(res, 508, 'loop', 'request loop detected (this node is already in Via)');
    const path = pathOf(url);
    const ownWarmup = req.headers[WARM_TOKEN_HEADER] === this.deps.warmToken;
    if (site.rateLimiter && !ownWarmup && !site.config.priorityPaths.some((prefix) => path.startsWith(prefix))) {
      const decision = site.rateLimiter.take(req.socket.remoteAddress ?? 'unknown');
      if (!decision.allowed) return this.refuse(res, 429, 'rate-limited', 'too many requests', decision.retryAfterSeconds);
    }
    const method = req.method ?? 'GET';
    const passThrough = site.config.passThroughPrefixes.some((prefix) => path.startsWith(prefix));
    if ((method === 'GET' || method === 'HEAD') && !passThrough) {
      const key = primaryKey(host, path);
      const first = this.deps.stores.get(key);
      // Hit fast path: a synchronous store answer for a fresh object is served without a promise in sight.
      if (first !== undefined && !(first instanceof Promise) && first.kind === 'object' && this.serveFreshHit(req, res, first.object, host, path)) {
        if (site.prefetchRules.length > 0) this.prefetchAfter(req, res, site, host, path, undefined);
        return;
      }
      this.serveCacheable(req, res, site, host, path, key, first)
        .then((link) => this.prefetchAfter(req, res, site, host, path, link))
        .catch((err: unknown) => this.fail(req, res, err));
      return;
    }
    this.passThrough(req, res, site, host, path, method).catch((err: unknown) => this.fail(req, res, err));
  }

  /**
   * Background prefetch of what the site's rules name after `path`, and of the `Link: rel=prefetch`
   * targets of a response just stored. The node's own warm-up and prefetch requests never chain.
   */
  private prefetchAfter(req: IncomingMessage, res: ServerResponse, site: Site, host: string, path: string, link: string | string[] | undefined): void {
    const prefetcher = this.deps.prefetcher;
    // After an error (a missing segment, an unreachable upstream) the next object is not worth guessing at.
    if (!prefetcher || res.statusCode >= 400 || req.headers[WARM_TOKEN_HEADER] === this.deps.warmToken) return;
    const paths = rulePaths(site.prefetchRules, path);
    if (link !== undefined && site.config.prefetch.hints) paths.push(...linkPrefetchPaths(link, host, path));
    if (paths.length > 0) prefetcher.consider(host, paths);
  }

  /** Stored in memory or being fetched: nothing to prefetch. */
  present(host: string, path: string): boolean {
    const key = primaryKey(host, path);
    return this.fills.has(key) || this.deps.stores.holds(key);
  }

  private health(res: ServerResponse): void {
    const ok = this.healthy();
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    res.end(ok ? 'ok\n' : this.deps.isDraining() ? 'draining\n' : this.deps.isWarming() ? 'warming\n' : 'overloaded\n');
  }

  private refuse(res: ServerResponse, status: number, reason: string, message: string, retryAfter?: number): void {
    this.deps.metrics.rejected.inc({ reason });
    this.counters.rejected.inc();
    // No Cache-Status member: RFC 9211 2 says an intermediary should not add one to a response it generates
    // locally; the reason is in the body, the log and meridian_cache_rejected_total{reason}.
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    res.writeHead(status, headers);
    res.end(`meridian: ${message}\n`);
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (err instanceof UpstreamBusyError) return this.refuse(res, 503, 'upstream-saturated', 'too many upstream fetches in flight, retry shortly', 1);
    this.counters.error.inc();
    const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
    const timeout = /TIMEOUT/.test(code);
    this.deps.logger.warn({ err, url: req.url, host: req.headers.host }, 'upstream request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const cacheStatus = formatMember(this.statusName, { fwd: 'miss', detail: timeout ? 'upstream-timeout' : 'upstream-error' });
    this.sentStatus.set(res, cacheStatus);
    res.writeHead(timeout ? 504 : 502, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'cache-status': cacheStatus });
    res.end(`meridian: ${timeout ? 'upstream timed out' : 'upstream unavailable'}\n`);
  }

  // ---- cacheable requests (GET, HEAD) ----

  /** True when a fresh, unpurged object answered the request; false sends it down the full path. */
  private serveFreshHit(req: IncomingMessage, res: ServerResponse, object: StoredObject, host: string, path: string): boolean {
    if (!this.isEdge && object.meta.fetchSequence < (Number(req.headers[MIN_SEQUENCE_HEADER] ?? 0) || 0)) return false;
    const invalidation = this.deps.invalidation;
    if (invalidation) {
      const purge = invalidation.newestPurge({ host, path, tags: object.meta.tags }, object.meta.fetchSequence);
      if (purge && purge.sequence > object.meta.fetchSequence) return false;
    }
    const runtime = this.runtime(object);
    let age: number;
    let ttl: number;
    if (req.headers['cache-control'] === undefined) {
      // No request directives: freshness is plain arithmetic on per-object constants.
      age = (Date.now() - runtime.bornAt) / 1000;
      ttl = runtime.maxAge - age;
      if (ttl <= 0) return false;
    } else {
      const freshness = evaluateFreshness(runtime.policy, req.headers, false);
      if (freshness.use !== 'fresh') return false;
      ({ age, ttl } = freshness);
    }
    this.deps.metrics.tallies.hits++;
    const headers = copyHeaders(runtime.downstream);
    headers.age = String(Math.floor(age));
    this.sendBody(req, res, object.meta.status, headers, object.body, runtime.hitStatus + Math.floor(ttl), true);
    return true;
  }

  /** Resolves with the Link field of an object this request fetched and stored (for prefetch hints). */
  private async serveCacheable(req: IncomingMessage, res: ServerResponse, site: Site, host: string, path: string, key: string, first: StoreEntry | undefined | Promise<StoreEntry | undefined>): Promise<string | string[] | undefined> {
    const minSequence = this.isEdge ? 0 : Number(req.headers[MIN_SEQUENCE_HEADER] ?? 0) || 0;
    const found = await this.lookup(key, first, req.headers, host, path, minSequence);
    let fwd: CacheStatusMember['fwd'] = found.miss;
    if (found.object) {
      const { policy } = this.runtime(found.object);
      const freshness: Freshness = found.mustRevalidate
        ? { use: 'revalidate', reason: 'stale' }
        : found.softPurged
        ? directivesOf(policy).has('stale-while-revalidate') ? { use: 'stale-while-revalidate', ttl: 0 } : { use: 'revalidate', reason: 'stale' }
        : evaluateFreshness(policy, req.headers, false);
      if (freshness.use === 'fresh') {
        this.deps.metrics.tallies.hits++;
        this.sendObject(req, res, found.object, { hit: true, ttl: freshness.ttl });
        return undefined;
      }
      if (freshness.use === 'stale-while-revalidate') {
        this.deps.metrics.stale.inc();
        this.counters.stale.inc();
        this.sendObject(req, res, found.object, { hit: true, ttl: freshness.ttl, detail: found.softPurged ? 'soft-purged' : 'stale-while-revalidate' });
        const stale = found.object;
        this.fills
          .run(found.variant ?? key, () => this.fill(req, site, host, path, key, stale))
          .result.catch((err: unknown) => this.deps.logger.warn({ err, host, path }, 'background revalidation failed'));
        return;
      }
      fwd = freshness.reason === 'request' ? 'request' : 'stale';
    }
    // RFC 9111 5.2.1.7: the client wants no upstream contact; without a usable stored response, 504.
    if (req.headers['cache-control'] !== undefined && parseDirectives(singleValue(req.headers['cache-control'])).has('only-if-cached')) {
      this.refuse(res, 504, 'only-if-cached', 'not in cache (request Cache-Control: only-if-cached)');
      return undefined;
    }
    this.deps.metrics.misses.inc();
    const { leader, result } = this.fills.run(found.variant ?? key, () => this.fill(req, site, host, path, key, found.object, interimTo(res)));
    let outcome: FillOutcome | undefined;
    let collapsed = false;
    if (leader) {
      outcome = await result;
    } else {
      collapsed = true;
      this.deps.metrics.coalescedWaits.inc();
      outcome = await waitAtMost(result, this.deps.config.timeouts.coalesceWaitMs);
      if (!outcome) this.deps.metrics.coalesceTimeouts.inc();
      if (!outcome || !this.shareable(outcome, req.headers, minSequence)) {
        outcome = await this.fill(req, site, host, path, key, found.object);
        collapsed = false;
      }
    }
    this.counters[outcome.kind === 'stale' ? 'stale' : fwd === 'stale' ? 'revalidated' : 'miss'].inc();
    this.sendOutcome(req, res, outcome, fwd, collapsed);
    return outcome.kind === 'object' && outcome.stored && outcome.fwdStatus !== 304 && !collapsed ? outcome.object.meta.headers.link : undefined;
  }

  private shareable(outcome: FillOutcome, headers: IncomingHttpHeaders, minSequence: number): boolean {
    if (outcome.kind !== 'object' && outcome.kind !== 'stale') return false;
    const meta = outcome.object.meta;
    if (meta.fetchSequence < minSequence) return false;
    const fields = varyFields(singleValue(meta.headers.vary));
    if (fields.length === 0) return true;
    const leaderRequest = (meta.policy as unknown as { reqh: IncomingHttpHeaders }).reqh;
    return secondaryKey(fields, headers, this.normaliseVary) === secondaryKey(fields, leaderRequest, this.normaliseVary);
  }

  private async lookup(key: string, first: StoreEntry | undefined | Promise<StoreEntry | undefined>, headers: IncomingHttpHeaders, host: string, path: string, minSequence: number): Promise<Lookup> {
    let entry: StoreEntry | undefined = first instanceof Promise ? await first : first;
    if (!entry) return { miss: 'uri-miss', softPurged: false };
    let objectKey = key;
    let variant: string | undefined;
    if (entry.kind === 'vary') {
      variant = variantKey(key, entry.marker.epoch, secondaryKey(entry.marker.vary, headers, this.normaliseVary));
      const second = this.deps.stores.get(variant);
      entry = second instanceof Promise ? await second : second;
      if (!entry || entry.kind !== 'object') return { miss: 'vary-miss', variant, softPurged: false };
      objectKey = variant;
    }
    const object = entry.object;
    let softPurged = false;
    const invalidation = this.deps.invalidation;
    if (invalidation) {
      // With the fetch sequence the verdict is exact: a hard purge newer than the fetch wins over a later soft one.
      const purge = invalidation.newestPurge({ host, path, tags: object.meta.tags }, object.meta.fetchSequence);
      if (purge && purge.sequence > object.meta.fetchSequence) {
        if (!purge.soft) {
          await this.deps.stores.delete(objectKey);
          return { miss: 'miss', variant, softPurged: false };
        }
        softPurged = true;
      }
    }
    if (object.meta.fetchSequence < minSequence) {
      // The edge has applied purges up to minSequence. When this node has applied them too and the newest one
      // covering the copy is soft, its validators still identify it: revalidate instead of fetching it whole.
      // Otherwise an unseen hard purge may cover it, so it is treated as absent.
      if (softPurged && this.applied >= minSequence) return { object, key: objectKey, variant, miss: 'miss', softPurged, mustRevalidate: true };
      return { miss: 'miss', variant, softPurged: false };
    }
    return { object, key: objectKey, variant, miss: 'miss', softPurged };
  }

  /** The live policy and downstream headers of an object, built once per object in memory. */
  private runtime(object: StoredObject): NonNullable<StoredObject['runtime']> {
    if (!object.runtime) {
      object.runtime = this.newRuntime(CachePolicy.fromObject(object.meta.policy), object.meta.headers, object.meta.fetchSequence);
    }
    return object.runtime;
  }

  private newRuntime(policy: CachePolicy, headers: StoredHeaders, fetchSequence: number): NonNullable<StoredObject['runtime']> {
    const downstream = this.downstreamHeaders(headers, fetchSequence);
    return {
      policy,
      downstream,
      hitStatus: appendCacheStatus(downstream['cache-status'], `${this.statusName}; hit; ttl=`),
      maxAge: policy.maxAge(),
      bornAt: Date.now() - policy.age() * 1000,
    };
  }

  /** Headers for the client or the next tier: recomputed fields dropped; internal ones stripped at the edge. */
  private downstreamHeaders(headers: StoredHeaders, fetchSequence: number | undefined): StoredHeaders {
    const out: StoredHeaders = {};
    for (const name in headers) if (!RECOMPUTED_FIELDS.has(name)) out[name] = headers[name]!;
    if (this.isEdge) for (const name of INTERNAL_FIELDS) delete out[name];
    else if (fetchSequence !== undefined) out[FETCH_SEQUENCE_HEADER] = String(fetchSequence);
    return out;
  }

  /**
   * Fetch from upstream (revalidating `stale` when given), store when allowed, and
   * describe the result. Runs once per coalesced group.
   */
  private async fill(req: IncomingMessage, site: Site, host: string, path: string, key: string, stale: StoredObject | undefined, onInterim?: InterimSink): Promise<FillOutcome> {
    const release = this.upstreamSlots.tryAcquire();
    if (!release) throw new UpstreamBusyError('upstream concurrency limit reached');
    this.deps.metrics.upstreamInFlight.inc();
    try {
      return await this.fillWithSlot(req, site, host, path, key, stale, onInterim);
    } finally {
      this.deps.metrics.upstreamInFlight.dec();
      release();
    }
  }

  private async fillWithSlot(req: IncomingMessage, site: Site, host: string, path: string, key: string, stale: StoredObject | undefined, onInterim?: InterimSink): Promise<FillOutcome> {
    // A regional node fetching for an edge that has applied purges up to n fetches after those purges
    // were issued, so its copy counts as fetched at n even when its own view lags behind.
    const requested = this.isEdge ? 0 : Number(req.headers[MIN_SEQUENCE_HEADER] ?? 0) || 0;
    const startSequence = Math.max(this.applied, requested);
    const headers = this.upstreamHeaders(req, CLIENT_ONLY_FIELDS);
    if (stale) {
      const etag = singleValue(stale.meta.headers.etag);
      const lastModified = singleValue(stale.meta.headers['last-modified']);
      if (etag) headers['if-none-match'] = etag;
      if (lastModified) headers['if-modified-since'] = lastModified;
    }
    const targets = this.deps.upstreams.candidates(key, this.deps.config.parents, site.origin, this.deps.config.fallbackToOrigin);
    let response;
    try {
      response = await this.deps.upstreams.send(targets, { method: 'GET', path, headers, onInterim }, (target) => {
        if (target.kind === 'parent') headers[MIN_SEQUENCE_HEADER] = String(startSequence);
        else delete headers[MIN_SEQUENCE_HEADER];
      });
    } catch (err) {
      if (stale && (allowsStaleIfError(this.runtime(stale).policy) || allowsStaleOnDisconnect(this.runtime(stale).policy))) {
        this.deps.logger.warn({ err, host, path }, 'upstream unreachable; serving stale');
        return { kind: 'stale', object: stale, detail: 'stale-on-disconnect' };
      }
      throw err;
    }
    const upstreamHeaders = withoutHopByHop(response.headers);
    const status = response.status;

    if (stale && status >= 500 && allowsStaleIfError(this.runtime(stale).policy)) {
      response.body.resume();
      return { kind: 'stale', object: stale, fwdStatus: status, detail: 'stale-if-error' };
    }
    if (stale && status === 304) {
      response.body.resume();
      const updated = this.revalidated(stale, upstreamHeaders, req.headers, site, host, path, startSequence);
      if (updated) {
        const stored = await this.store(key, updated, req.headers);
        return { kind: 'object', object: updated, stored, fwdStatus: 304 };
      }
      return this.fillWithSlot(req, site, host, path, key, undefined);
    }

    const declaredLength = Number(singleValue(upstreamHeaders['content-length']) ?? NaN);
    if (declaredLength > this.deps.config.limits.maxBufferedBytes) {
      return { kind: 'stream', status, headers: upstreamHeaders, head: [], rest: response.body };
    }
    const read = await readBody(response.body, this.deps.config.limits.maxBufferedBytes);
    if (!read.complete) return { kind: 'stream', status, headers: upstreamHeaders, head: read.head, rest: read.rest };

    const object = this.buildObject(status, upstreamHeaders, read.body, req.headers, site, host, path, startSequence);
    if (!object) return { kind: 'response', status, headers: upstreamHeaders, body: read.body };
    const parentSequence = Number(singleValue(upstreamHeaders[FETCH_SEQUENCE_HEADER]) ?? NaN);
    const refusedAsOld = response.kind === 'parent' && parentSequence < startSequence;
    const stored = !refusedAsOld && !this.purgedSince(object) && (await this.store(key, object, req.headers));
    if (stale && !stored) await this.deps.stores.delete(key);
    return { kind: 'object', object, stored, fwdStatus: status };
  }

  /** Upstream request headers: hop-by-hop and `skip` fields dropped, Via and X-Forwarded-For added. */
  private upstreamHeaders(req: IncomingMessage, skip: ReadonlySet<string>): Record<string, string | string[]> {
    const headers = withoutHopByHop(req.headers, skip);
    headers.traceparent = this.traceOf(req).traceparent;
    headers.via = req.headers.via ? `${req.headers.via}, ${this.via}` : this.via;
    const client = req.socket.remoteAddress ?? 'unknown';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client;
    return headers;
  }

  private buildObject(status: number, headers: StoredHeaders, body: Buffer, request: IncomingHttpHeaders, site: Site, host: string, path: string, fetchSequence: number): StoredObject | undefined {
    const view = policyView(status, headers, site.policyOptions);
    const policyReq = policyRequest(host, path, request, varyFields(singleValue(view.headers.vary)));
    const policy = createPolicy(policyReq, view, site.policyOptions);
    if (!isStorable(policy, view, headers, site.policyOptions)) return undefined;
    const now = Date.now();
    return {
      meta: {
        status,
        headers,
        policy: policy.toObject(),
        fetchSequence,
        tags: responseTags(headers),
        host,
        path,
        expiresAt: now + retentionMs(policy, this.deps.config.staleRetentionSeconds),
      },
      body,
      runtime: this.newRuntime(policy, headers, fetchSequence),
    };
  }

  /** RFC 9111 4.3.4: update the stored response with the 304's fields. Undefined when the 304 does not match it. */
  private revalidated(stale: StoredObject, notModified: StoredHeaders, request: IncomingHttpHeaders, site: Site, host: string, path: string, fetchSequence: number): StoredObject | undefined {
    const merged = copyHeaders(stale.meta.headers);
    for (const name in notModified) if (!NOT_UPDATED_BY_304.has(name)) merged[name] = notModified[name]!;
    const { policy } = this.runtime(stale);
    const view304 = policyView(304, notModified, site.policyOptions);
    const revalidation = policy.revalidatedPolicy(policyRequest(host, path, request, varyFields(singleValue(view304.headers.vary ?? stale.meta.headers.vary))), view304);
    if (revalidation.modified) return undefined;
    return this.buildObject(stale.meta.status, merged, stale.body, request, site, host, path, fetchSequence);
  }

  private purgedSince(object: StoredObject): boolean {
    const purge = this.deps.invalidation?.newestPurge({ host: object.meta.host, path: object.meta.path, tags: object.meta.tags }, object.meta.fetchSequence);
    return purge !== undefined && purge.sequence > object.meta.fetchSequence;
  }

  /** Store under the primary key, or under a variant key behind a Vary marker. */
  private async store(key: string, object: StoredObject, request: IncomingHttpHeaders): Promise<boolean> {
    const fields = varyFields(singleValue(object.meta.headers.vary));
    if (fields.length === 0) return this.deps.stores.put(key, { kind: 'object', object });
    const existing = await this.deps.stores.get(key);
    let marker: VaryMarker;
    if (existing?.kind === 'vary' && existing.marker.vary.join(',') === fields.join(',')) {
      marker = existing.marker;
      if (marker.expiresAt < object.meta.expiresAt) {
        marker = { ...marker, expiresAt: object.meta.expiresAt };
        await this.deps.stores.put(key, { kind: 'vary', marker });
      }
    } else {
      marker = { vary: fields, epoch: randomBytes(6).toString('hex'), expiresAt: object.meta.expiresAt };
      // A variant behind a marker that was not kept (admission, size) would be unreachable: do not store it.
      if (!(await this.deps.stores.put(key, { kind: 'vary', marker }))) return false;
    }
    return this.deps.stores.put(variantKey(key, marker.epoch, secondaryKey(fields, request, this.normaliseVary)), { kind: 'object', object });
  }

  // ---- answering ----

  private sendOutcome(req: IncomingMessage, res: ServerResponse, outcome: FillOutcome, fwd: CacheStatusMember['fwd'], collapsed: boolean): void {
    switch (outcome.kind) {
      case 'object':
        return this.sendObject(req, res, outcome.object, { fwd, fwdStatus: outcome.fwdStatus, stored: outcome.stored, collapsed, ttl: this.runtime(outcome.object).policy.timeToLive() / 1000 });
      case 'stale':
        this.deps.metrics.stale.inc();
        return this.sendObject(req, res, outcome.object, { fwd: 'stale', fwdStatus: outcome.fwdStatus, collapsed, detail: outcome.detail });
      case 'response': {
        const headers = this.downstreamHeaders(outcome.headers, undefined);
        const age = outcome.headers.age;
        if (age !== undefined) headers.age = age;
        return this.sendBody(req, res, outcome.status, headers, outcome.body, appendCacheStatus(headers['cache-status'], formatMember(this.statusName, { fwd, fwdStatus: outcome.status, collapsed })), false);
      }
      case 'stream': {
        const headers = this.downstreamHeaders(outcome.headers, undefined);
        if (outcome.headers['content-length'] !== undefined) headers['content-length'] = outcome.headers['content-length'];
        headers['cache-status'] = appendCacheStatus(headers['cache-status'], formatMember(this.statusName, { fwd, fwdStatus: outcome.status, detail: 'too-large-to-store' }));
        this.sentStatus.set(res, headers['cache-status']);
        res.writeHead(outcome.status, headers);
        for (const chunk of outcome.head) res.write(chunk);
        this.upstreamBytes.inc(outcome.head.reduce((sum, chunk) => sum + chunk.length, 0));
        pipeline(outcome.rest, res).catch(() => res.destroy());
        return;
      }
    }
  }

  /** Hit path: keep it lean (no parsing; one header copy). */
  private sendObject(req: IncomingMessage, res: ServerResponse, object: StoredObject, member: CacheStatusMember): void {
    const { policy, downstream } = this.runtime(object);
    const headers = copyHeaders(downstream);
    headers.age = String(Math.floor(policy.age()));
    this.sendBody(req, res, object.meta.status, headers, object.body, appendCacheStatus(downstream['cache-status'], formatMember(this.statusName, member)), member.hit === true);
  }

  /** Answer with a full body (see respond.ts) and count the bytes. */
  private sendBody(req: IncomingMessage, res: ServerResponse, status: number, headers: StoredHeaders, body: Buffer, cacheStatus: string, fromCache: boolean): void {
    this.sentStatus.set(res, cacheStatus);
    const sent = writeFullResponse(req, res, status, headers, body, cacheStatus);
    if (sent === 0) return;
    if (fromCache) this.deps.metrics.tallies.bytes += sent;
    else this.upstreamBytes.inc(sent);
  }

  // ---- everything else: unsafe methods and pass-through prefixes ----

  private async passThrough(req: IncomingMessage, res: ServerResponse, site: Site, host: string, path: string, method: string): Promise<void> {
    const release = this.upstreamSlots.tryAcquire();
    if (!release) throw new UpstreamBusyError('upstream concurrency limit reached');
    try {
      const key = primaryKey(host, path);
      const headers = this.upstreamHeaders(req, PASS_FIELDS);
      const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
      const targets = this.deps.upstreams.candidates(key, this.deps.config.parents, site.origin, this.deps.config.fallbackToOrigin);
      const response = await this.deps.upstreams.send(targets, { method, path, headers, body: hasBody ? req : undefined, onInterim: interimTo(res) });
      const unsafe = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && method !== 'TRACE';
      // RFC 9111 4.4: a non-error response to an unsafe method invalidates the target URI and Location/Content-Location on the same host.
      if (unsafe && response.status < 400) await this.invalidateAfterUnsafe(host, path, response.headers);
      const out = this.downstreamHeaders(withoutHopByHop(response.headers), undefined);
      if (response.headers['content-length'] !== undefined) out['content-length'] = response.headers['content-length'];
      if (response.headers.age !== undefined) out.age = response.headers.age;
      const cacheStatus = appendCacheStatus(out['cache-status'], formatMember(this.statusName, { fwd: unsafe ? 'method' : 'bypass', fwdStatus: response.status }));
      out['cache-status'] = cacheStatus;
      this.counters.pass.inc();
      this.sentStatus.set(res, cacheStatus);
      res.writeHead(response.status, out);
      await pipeline(response.body, res).catch(() => res.destroy());
    } finally {
      release();
    }
  }

  private async invalidateAfterUnsafe(host: string, path: string, headers: StoredHeaders): Promise<void> {
    const paths = new Set([path]);
    for (const field of ['location', 'content-location']) {
      const value = singleValue(headers[field]);
      if (!value || !URL.canParse(value, `http://${host}${path}`)) continue;
      const target = new URL(value, `http://${host}${path}`);
      if (target.hostname.toLowerCase() === host) paths.add(target.pathname + target.search);
    }
    await Promise.all([...paths].map((p) => this.deps.stores.delete(primaryKey(host, p))));
  }

  /** Drop an object and its variants (the Vary marker goes, so its variants become unreachable). */
  async deleteObject(host: string, path: string): Promise<void> {
    await this.deps.stores.delete(primaryKey(host.toLowerCase(), path));
  }
}

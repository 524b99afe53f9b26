import type CachePolicy from 'http-cache-semantics';
import type { Logger } from '../telemetry/index.js';
import type { Registry } from '../telemetry/index.js';
import type { InvalidationView } from '../meta/index.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type { CacheNodeConfig, SiteConfig, StoreConfig } from './config.js';

/** Response headers as stored: lower-case names; repeated fields (Set-Cookie) as arrays. */
export type StoredHeaders = Record<string, string | string[]>;

/** What a cache entry remembers besides its body. JSON-serialisable, so every store can keep it. */
export interface StoredMeta {
  status: number;
  headers: StoredHeaders;
  /** http-cache-semantics policy (`toObject()`), built from the headers Meridian obeys (see policy.ts). */
  policy: CachePolicy.CachePolicyObject;
  /** appliedSequence() of the invalidation view when the upstream fetch started (or the parent's, if lower). */
  fetchSequence: number;
  /** Surrogate keys from Surrogate-Key / Cache-Tag. */
  tags: string[];
  host: string;
  path: string;
  /** Wall-clock ms after which the entry is useless even for revalidation; stores may drop it. */
  expiresAt: number;
}

/**
 * A Vary marker sits at the primary key when the response varies: it names the request
 * fields that select a variant and an epoch, so variants stored under an older marker
 * become unreachable when the marker is invalidated.
 */
export interface VaryMarker {
  vary: string[];
  epoch: string;
  expiresAt: number;
}

export interface StoredObject {
  meta: StoredMeta;
  body: Buffer;
  /** Runtime only, never serialised: the live policy and the headers sent downstream, built once per object in memory. */
  runtime?: {
    policy: CachePolicy;
    downstream: StoredHeaders;
    hitStatus: string;
    /** Freshness lifetime (s) and the wall-clock ms at which the object's Age was 0: constant per policy. */
    maxAge: number;
    bornAt: number;
  };
}

export type StoreEntry = { kind: 'object'; object: StoredObject } | { kind: 'vary'; marker: VaryMarker };

/**
 * The one store interface (undici's shape: get, put, delete). `get` may answer
 * synchronously (memory) or with a promise (disk, Redis). Every store runs the same
 * contract suite in test/cache/store-contract.ts.
 */
export interface CacheStore {
  readonly name: string;
  get(key: string): StoreEntry | undefined | Promise<StoreEntry | undefined>;
  /** Store or replace. Returns false when the store declined (too large, unavailable). */
  put(key: string, entry: StoreEntry): boolean | Promise<boolean>;
  delete(key: string): void | Promise<void>;
  close(): Promise<void>;
}

/** Counters a store reports through; the node wires them to Prometheus. */
export interface StoreEvents {
  evicted(store: string, count?: number): void;
  expired(store: string, count?: number): void;
  /** A put the admission policy refused (the object was served, not stored). */
  declined(store: string, count?: number): void;
}

/** A request handler on the admin listener (the purge endpoint registers here). */
export type AdminHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

export interface AdminRoute {
  method: string;
  path: string;
  handler: AdminHandler;
}

/** A node of the registry, as warm-up needs it: who it is and where its admin listener answers. */
export interface WarmupPeer {
  id: string;
  region: string;
  tier: 'edge' | 'regional';
  /** `http://host:port` of its admin listener (serves `GET /hot-keys`). */
  adminUrl: string;
}

export interface CacheNodeDeps {
  logger?: Logger;
  registry?: Registry;
  invalidation?: InvalidationView;
  /** Routes to mount on the admin listener from the start (e.g. POST /purge from src/meta). */
  adminRoutes?: AdminRoute[];
  /**
   * The node registry's members (src/meta `listNodes()` with their admin URLs). At start the node
   * asks those of its region and tier for their hottest keys and rehydrates them before health is 200.
   */
  peers?: () => Promise<readonly WarmupPeer[]>;
}

export interface CacheNode {
  readonly id: string;
  /** Serving addresses as `http://host:port` or `https://host:port`. */
  readonly addresses: string[];
  /** Admin listener address (`http://host:port`), when configured. */
  readonly adminAddress: string | undefined;
  readonly registry: Registry;
  /** Mount an admin route (bearer-token auth applies to it). */
  registerAdminRoute(route: AdminRoute): void;
  /** Stop accepting, report 503 on health, finish in-flight requests (up to drainMs), close stores. */
  close(): Promise<void>;
  /**
   * Graceful shutdown (SIGTERM): health answers 503 for `timeouts.healthDrainMs` while requests are
   * still served, so DNS health checks steer clients away first; then `close()`.
   */
  drain(): Promise<void>;
  /** Settles when start-up warming is over (at once without peers); health reports 200 from then on. */
  readonly warmedUp: Promise<WarmupSummary>;
  /** Drop an object (all variants) by host and path; used by purge handlers. */
  deleteObject(host: string, path: string): Promise<void>;
}

/** What start-up warming did. */
export interface WarmupSummary {
  peers: number;
  keys: number;
  fetched: number;
  hits: number;
  failures: number;
  skipped: number;
  bytes: number;
  durationMs: number;
}

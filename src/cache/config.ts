import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CacheError, CacheErrorCode } from './errors.js';
import { formatConfigIssues } from '../config/index.js';

/**
 * The cache node's configuration: one schema, unknown keys rejected, defaults here and
 * nowhere else. `loadCacheConfig` reads YAML or JSON, applies command-line overrides,
 * validates once and freezes the result.
 */

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'must be HOST:PORT (IPv6 in brackets)');

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http:// or https:// URL');

const tlsSchema = z.strictObject({ cert: z.string().min(1), key: z.string().min(1) });

const listenSchema = z.union([hostPort, z.strictObject({ address: hostPort, tls: tlsSchema.optional() })]);

const rateLimitSchema = z.strictObject({
  requestsPerSecond: z.number().positive(),
  burst: z.number().int().min(1),
});

const siteSchema = z.strictObject({
  /** Host names served by this site (without port); "*" serves every Host. */
  hosts: z.array(z.string().min(1)).min(1),
  origin: httpUrl,
  /** Store responses carrying Set-Cookie (off by default: a shared cache would hand one user's cookie to all). */
  allowSetCookie: z.boolean().default(false),
  /** Per-client rate limit at the edge; overrides the node's. `false` disables it for the site. */
  rateLimit: z.union([rateLimitSchema, z.literal(false)]).optional(),
  /** Path prefixes never rate limited (critical paths such as login or checkout). */
  priorityPaths: z.array(z.string().startsWith('/')).default([]),
  /** Path prefixes proxied without caching (e.g. the conformance suite's /state/ and /config/). */
  passThroughPrefixes: z.array(z.string().startsWith('/')).default([]),
  /** Background prefetch after a request: configured rules (next media segment) and origin `Link: rel=prefetch` hints. */
  prefetch: z
    .strictObject({
      /** `match`: a regular expression on the path; `next`: what the matched part becomes (`{n+1}`: capture 1 plus one). */
      rules: z.array(z.strictObject({ match: z.string().min(1).refine(compiles, 'must be a valid regular expression'), next: z.string().min(1) })).default([]),
      /** Follow `Link: <...>; rel=prefetch` on stored responses (same host only). */
      hints: z.boolean().default(true),
    })
    .prefault({}),
});

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const storeSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('memory'),
    maxBytes: z.number().int().positive().default(256 * 1024 * 1024),
    maxObjectBytes: z.number().int().positive().default(16 * 1024 * 1024),
    /** TinyLFU (src/cache/admission): a miss is stored only if it is worth more than what it would evict. */
    admission: z.enum(['tinylfu', 'none']).default('tinylfu'),
  }),
  z.strictObject({ type: z.literal('disk'), path: z.string().min(1), maxBytes: z.number().int().positive().default(4 * 1024 * 1024 * 1024), maxObjectBytes: z.number().int().positive().default(64 * 1024 * 1024) }),
  z.strictObject({ type: z.literal('redis'), url: httpUrlOrRedis(), keyPrefix: z.string().default('meridian:cache:'), maxObjectBytes: z.number().int().positive().default(256 * 1024) }),
]);

function httpUrlOrRedis() {
  return z
    .string()
    .refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), 'must be a redis:// or rediss:// URL')
    .optional();
}

export const cacheConfigSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore').default('cache-1'),
  region: z.string().default('default'),
  tier: z.enum(['edge', 'regional']).default('edge'),
  location: z.strictObject({ name: z.string().optional(), latitude: z.number().min(-90).max(90).optional(), longitude: z.number().min(-180).max(180).optional() }).optional(),
  listen: z.array(listenSchema).min(1).default(['127.0.0.1:8080']),
  admin: z.strictObject({ listen: hostPort, token: z.string().min(1).optional() }).optional(),
  sites: z.array(siteSchema).min(1),
  /** Parent (shield) nodes, chosen per object by rendezvous hashing. */
  parents: z.array(httpUrl).default([]),
  /** When every parent failed, go to the origin directly. */
  fallbackToOrigin: z.boolean().default(true),
  /** Shared Redis (used by Redis stores without their own url, and by the metadata room). */
  redis: httpUrlOrRedis(),
  /** Stores tried in order on lookup and all written on store (small, fast ones first). */
  stores: z.array(storeSchema).min(1).default([{ type: 'memory', maxBytes: 256 * 1024 * 1024, maxObjectBytes: 16 * 1024 * 1024, admission: 'tinylfu' }]),
  rateLimit: rateLimitSchema.optional(),
  limits: z
    .strictObject({
      maxUrlBytes: z.number().int().min(256).default(8192),
      maxHeaderBytes: z.number().int().min(1024).default(16384),
      /** Concurrent upstream fetches; beyond it new misses get 503 + Retry-After. */
      upstreamConcurrency: z.number().int().min(1).default(512),
      /** Largest response buffered for caching; bigger ones stream through uncached. */
      maxBufferedBytes: z.number().int().positive().default(64 * 1024 * 1024),
    })
    .prefault({}),
  timeouts: z
    .strictObject({
      connectMs: z.number().int().positive().default(3000),
      headersMs: z.number().int().positive().default(15000),
      bodyMs: z.number().int().positive().default(30000),
      /** How long a coalesced request waits for the leader's fetch before fetching on its own. */
      coalesceWaitMs: z.number().int().positive().default(15000),
      /** Graceful drain on close/SIGTERM: how long in-flight requests may finish once listeners stop accepting. */
      drainMs: z.number().int().nonnegative().default(10000),
      /**
       * On SIGTERM (`drain()`), how long health answers 503 while traffic is still served before listeners
       * stop accepting: DNS health checks move clients away first. 0 in tests.
       */
      healthDrainMs: z.number().int().nonnegative().default(2000),
    })
    .prefault({}),
  breaker: z.strictObject({ failureThreshold: z.number().int().min(1).default(5), openMs: z.number().int().positive().default(10000) }).prefault({}),
  /**
   * Rehydration at start: ask region peers (same region and tier, from the node registry, plus
   * `peers`) for their hottest keys and fetch them before health reports 200.
   */
  warmup: z
    .strictObject({
      /** Give up warming (and report healthy) after this long. */
      maxSeconds: z.number().nonnegative().default(30),
      /** Body bytes fetched at most while warming. */
      maxBytes: z.number().int().nonnegative().default(256 * 1024 * 1024),
      /** Warm-up fetches in flight at once. */
      concurrency: z.number().int().min(1).max(256).default(8),
      /** Hot keys asked of each peer. */
      keys: z.number().int().min(1).max(10000).default(1000),
      /** Admin URLs of peers to ask besides the registry's (same fleet: the admin token is shared). */
      peers: z.array(httpUrl).default([]),
    })
    .prefault({}),
  /** Limits for background prefetch (per node). */
  prefetch: z
    .strictObject({
      /** Prefetches in flight at most. */
      maxConcurrent: z.number().int().min(0).default(4),
      /** Skip prefetch while this share of limits.upstreamConcurrency is in use: client fills come first. */
      busyFraction: z.number().min(0).max(1).default(0.5),
      /** Candidates taken from one response at most. */
      maxPerResponse: z.number().int().min(0).default(4),
    })
    .prefault({}),
  /** The node's log level (access lines are `info`); default: the process logger's. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Fraction of (Date - Last-Modified) used as heuristic freshness (RFC 9111 4.2.2). */
  heuristicFraction: z.number().min(0).max(1).default(0.1),
  /** How long an entry is kept after it stops being fresh: for revalidation, and to serve stale while the upstream is unreachable. */
  staleRetentionSeconds: z.number().int().nonnegative().default(86400),
});

export type CacheNodeConfig = Readonly<z.infer<typeof cacheConfigSchema>>;
export type SiteConfig = CacheNodeConfig['sites'][number];
export type StoreConfig = CacheNodeConfig['stores'][number];
export type CacheConfigInput = z.input<typeof cacheConfigSchema>;

/** Command-line settings; each one set replaces the file's value. */
export interface CacheFlags {
  config?: string;
  listen?: string[];
  origin?: string;
  id?: string;
  region?: string;
  tier?: string;
  parent?: string[];
  redis?: string;
  admin?: string;
  adminToken?: string;
  /** timeouts.healthDrainMs, in milliseconds (validated with the rest). */
  healthDrainMs?: string;
}

function formatIssues(source: string, error: z.ZodError): string {
  return formatConfigIssues(error.issues)
    .map((line) => `${source}: ${line}`)
    .join('\n');
}

/** Validate an in-memory config (programmatic use, tests, the demo). */
export function parseCacheConfig(input: unknown, source = 'config'): CacheNodeConfig {
  const result = cacheConfigSchema.safeParse(input);
  if (!result.success) {
    throw new CacheError(CacheErrorCode.CONFIG_INVALID, formatIssues(source, result.error), { hint: 'fix the listed fields; src/cache/README.md documents every option' });
  }
  return deepFreeze(result.data);
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CacheError(CacheErrorCode.CONFIG_UNREADABLE, `cannot read ${path}`, { cause: err, hint: 'check the --config path' });
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CacheError(CacheErrorCode.CONFIG_INVALID, `${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CacheError(CacheErrorCode.CONFIG_INVALID, `${path}: (root): must be a mapping of settings`);
  }
  return value as Record<string, unknown>;
}

/** File (optional) + flags + environment → a validated, frozen config. */
export function loadCacheConfig(flags: CacheFlags, env: NodeJS.ProcessEnv = process.env): CacheNodeConfig {
  const raw: Record<string, unknown> = flags.config ? readConfigFile(flags.config) : {};
  if (flags.listen?.length) raw.listen = flags.listen;
  if (flags.origin) raw.sites = [{ hosts: ['*'], origin: flags.origin }];
  if (flags.id) raw.id = flags.id;
  if (flags.region) raw.region = flags.region;
  if (flags.tier) raw.tier = flags.tier;
  if (flags.parent?.length) raw.parents = flags.parent;
  if (flags.redis) raw.redis = flags.redis;
  if (flags.healthDrainMs !== undefined) {
    const value = flags.healthDrainMs.trim() === '' ? NaN : Number(flags.healthDrainMs);
    raw.timeouts = { ...((raw.timeouts as Record<string, unknown> | undefined) ?? {}), healthDrainMs: value };
  }
  const token = flags.adminToken ?? env.MERIDIAN_ADMIN_TOKEN;
  if (flags.admin || token) {
    const admin = { ...((raw.admin as Record<string, unknown> | undefined) ?? {}) };
    if (flags.admin) admin.listen = flags.admin;
    if (token) admin.token = token;
    raw.admin = admin;
  }
  if (raw.sites === undefined) {
    throw new CacheError(CacheErrorCode.CONFIG_INVALID, `${flags.config ?? 'flags'}: sites: nothing to serve`, { hint: 'pass --origin URL or list sites in the --config file' });
  }
  return parseCacheConfig(raw, flags.config ?? 'flags');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

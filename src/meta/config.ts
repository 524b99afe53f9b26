import { z } from 'zod';
import { formatConfigIssues } from '../config/index.js';
import { MetaError } from './errors.js';

const hostPort = z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });

const redisSchema = z
  .strictObject({
    /** Standalone: redis://[:password@]host:port[/db] or rediss:// for TLS. */
    url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
    sentinel: z
      .strictObject({
        sentinels: z.array(hostPort).min(1),
        name: z.string().min(1),
        password: z.string().optional(),
        sentinelPassword: z.string().optional(),
      })
      .optional(),
    cluster: z.strictObject({ nodes: z.array(hostPort).min(1), password: z.string().optional() }).optional(),
    connectTimeoutMs: z.number().int().min(100).max(60_000).default(2000),
    /**
     * A purge is reported done only once this many replicas hold it (Redis WAIT), capped at
     * the replicas attached to the primary when it was written. Default: 1 with Sentinel (a
     * failover promotes a replica, which must not lack a purge already reported done), else 0.
     */
    waitReplicas: z.number().int().min(0).max(16).optional(),
    /** How long a purge waits for its replicas before it is refused (MERIDIAN_E_META_NOT_REPLICATED); default 1000. */
    waitTimeoutMs: z.number().int().min(10).max(60_000).optional(),
  })
  .refine((value) => [value.url, value.sentinel, value.cluster].filter((item) => item !== undefined).length === 1, {
    message: 'give exactly one of url, sentinel or cluster',
  })
  .refine((value) => !(value.cluster && (value.waitReplicas ?? 0) > 0), {
    message: 'waitReplicas is not supported with cluster (WAIT must reach the node holding the {inv} slot)',
    path: ['waitReplicas'],
  });

export const metaConfigSchema = z.strictObject({
  /** 'memory' is the single-process fleet (the demo); 'redis' the shared store. */
  backend: z.enum(['memory', 'redis']).default('memory'),
  redis: redisSchema.optional(),
  /** Every key lives under it; the parts that must share a Cluster slot carry a hash tag after it. */
  keyPrefix: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits and : _ . - only').default('meridian:'),
  stream: z
    .strictObject({
      /** Approximate stream length kept (XADD MAXLEN ~); a node further behind rebuilds from the versions. */
      maxLength: z.number().int().min(100).max(10_000_000).default(100_000),
      blockMs: z.number().int().min(10).max(60_000).default(1000),
      readCount: z.number().int().min(1).max(10_000).default(500),
    })
    .prefault({}),
  batch: z
    .strictObject({
      /** Coalescing window for bursts of purges: one stream entry per window or per maxItems. */
      windowMs: z.number().min(0).max(1000).default(5),
      maxItems: z.number().int().min(1).max(10_000).default(500),
    })
    .prefault({}),
  registry: z
    .strictObject({
      heartbeatMs: z.number().int().min(50).max(60_000).default(1000),
      ttlMs: z.number().int().min(100).max(600_000).default(3000),
    })
    .prefault({}),
  /** Bound on per-scope versions kept in the store and in each node's index (oldest fold into a fleet-wide floor). */
  maxVersions: z.number().int().min(16).max(100_000_000).default(1_000_000),
});

export type MetaConfig = Readonly<z.infer<typeof metaConfigSchema>>;
export type MetaConfigInput = z.input<typeof metaConfigSchema>;
export type RedisConnectionConfig = NonNullable<MetaConfig['redis']>;

/** Validate once at the edge; errors name the path (`meta.redis.url: ...`). The result is frozen. */
export function parseMetaConfig(input: unknown, where = 'meta'): MetaConfig {
  const result = metaConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = formatConfigIssues(result.error.issues.map((issue) => ({ path: [where, ...issue.path], message: issue.message })));
    throw new MetaError('MERIDIAN_E_META_CONFIG', lines.join('; '), { hint: 'see src/meta/README.md, "Config"' });
  }
  if (result.data.backend === 'redis' && !result.data.redis) {
    throw new MetaError('MERIDIAN_E_META_CONFIG', `${where}.redis: required when backend is redis`, { hint: 'set meta.redis.url (or sentinel, or cluster)' });
  }
  return deepFreeze(result.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

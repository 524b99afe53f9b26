import { after, type TestContext } from 'node:test';
import { randomUUID } from 'node:crypto';
import { startRedis, type RedisProcess } from '../helpers/redis.js';
import { RedisMetaStore } from '../../src/meta/index.js';

/** One redis-server per test file, started on first use and stopped after the file. */
export function sharedRedis(): () => Promise<RedisProcess> {
  let started: Promise<RedisProcess> | undefined;
  after(async () => {
    if (started) await (await started).stop();
  });
  return () => (started ??= startRedis());
}

/** A store under its own key prefix, so tests sharing one server do not see each other. */
export function redisStore(
  t: TestContext | undefined,
  redis: RedisProcess,
  options: { maxVersions?: number; keyPrefix?: string; streamMaxLength?: number; reconnect?: boolean } = {},
): RedisMetaStore {
  const store = new RedisMetaStore({
    redis: { url: redis.url, connectTimeoutMs: 2000 },
    keyPrefix: options.keyPrefix ?? `test-${randomUUID().slice(0, 8)}:`,
    streamMaxLength: options.streamMaxLength ?? 100_000,
    maxVersions: options.maxVersions ?? 1_000_000,
    reconnect: options.reconnect ?? true,
  });
  t?.after(() => store.close());
  return store;
}

/**
 * One bench node in its own process: a cache node (edge, memory store) whose invalidation
 * view follows the stream of the bench's Redis. It reports to the parent over IPC when
 * its index applies a purge, with a wall-clock time comparable across processes.
 *
 * env: BENCH_REDIS_URL, BENCH_KEY_PREFIX, BENCH_ORIGIN, BENCH_NODE_ID
 */
import { performance } from 'node:perf_hooks';
import { createSilentLogger } from '../../src/telemetry/index.js';
import { InvalidationSubscriber, RedisMetaStore, startHeartbeat, LoadMeter } from '../../src/meta/index.js';
import { parseCacheConfig, startCacheNode } from '../../src/cache/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const now = (): number => performance.timeOrigin + performance.now();
const id = env('BENCH_NODE_ID');
const logger = createSilentLogger();
const store = new RedisMetaStore({ redis: { url: env('BENCH_REDIS_URL'), connectTimeoutMs: 2000 }, keyPrefix: env('BENCH_KEY_PREFIX'), streamMaxLength: 100_000, maxVersions: 1_000_000 });
const subscriber = new InvalidationSubscriber({ store, nodeId: id, logger, blockMs: 1000, readCount: 1000 });

/** 'each': report every purge; a number: report once when that sequence is applied. */
let mode: 'each' | number = 'each';
/** CPU used by this process since the watch began: what applying a burst costs, apart from waiting for a core. */
let cpuAtWatch = process.cpuUsage();
subscriber.view.onPurge((event) => {
  if (mode === 'each') process.send!({ type: 'applied', sequence: event.sequence, at: now() });
  else if (event.sequence >= mode) {
    const cpu = process.cpuUsage(cpuAtWatch);
    process.send!({ type: 'applied', sequence: event.sequence, at: now(), cpuMs: (cpu.user + cpu.system) / 1000 });
    mode = Number.POSITIVE_INFINITY;
  }
});
process.on('message', (message: { type: string; sequence?: number }) => {
  if (message.type === 'each') mode = 'each';
  if (message.type === 'watch') {
    mode = message.sequence!;
    cpuAtWatch = process.cpuUsage();
  }
  if (message.type === 'stop') void shutdown();
});

subscriber.start();
await subscriber.synced();
const meter = new LoadMeter();
const heartbeat = startHeartbeat({ store, info: { id, region: 'bench', tier: 'edge', addresses: ['127.0.0.1'], location: { lat: 0, lon: 0 }, capacity: { requestsPerSecond: 0, bytesPerSecond: 0, connections: 0 } }, load: () => meter.sample(), logger });
const node = await startCacheNode(parseCacheConfig({ id, listen: ['127.0.0.1:0'], sites: [{ hosts: ['*'], origin: env('BENCH_ORIGIN') }] }), { invalidation: subscriber.view, logger });
process.send!({ type: 'ready', address: node.addresses[0] });

async function shutdown(): Promise<void> {
  await node.close();
  await heartbeat.stop();
  await subscriber.stop();
  await store.close();
  process.exit(0);
}

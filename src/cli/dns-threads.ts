/**
 * Extra UDP answering threads for `meridian dns --udp-threads N` (N - 1 of them; the main
 * thread answers too). Each thread binds the main thread's addresses again with SO_REUSEPORT,
 * so the kernel spreads resolvers over the threads by their address and port. What must exist
 * once per process stays in the main thread: TCP, the HTTP API and status page, health probes
 * and the Redis load feed. Threads get health and load as snapshots (on every health change and
 * twice a second) and SIGHUP as a message; their DNS metrics join the main /metrics.
 */
import { Worker } from 'node:worker_threads';
import type { HealthTracker, LoadBoard } from '../fleet/index.js';
import type { Logger, MetricsSnapshot } from '../telemetry/index.js';
import type { DnsThreadData, FromThread, HealthSnapshot, LoadSnapshot, ToThread } from './dns-thread-protocol.js';

const SNAPSHOT_EVERY_MS = 500;
const METRICS_TIMEOUT_MS = 2_000;
const CLOSE_TIMEOUT_MS = 3_000;
const RESPAWN_DELAY_MS = 1_000;

export type DnsThreadSettings = Omit<DnsThreadData, 'index' | 'health' | 'load'>;

export interface DnsThreads {
  /** SIGHUP for every thread. */
  reload(): void;
  /** Each running thread's DNS metrics (a thread that does not answer within two seconds is left out). */
  metrics(): Promise<MetricsSnapshot[]>;
  close(): Promise<void>;
}

interface Sources {
  health: HealthTracker;
  load: LoadBoard | undefined;
  logger: Logger;
}

function healthSnapshot(health: HealthTracker): HealthSnapshot {
  const snapshot: HealthSnapshot = [];
  for (const id of health.targets()) {
    const state = health.state(id);
    if (state !== undefined) snapshot.push([id, { up: state.up, changing: state.changing }]);
  }
  return snapshot;
}

/** Starts `count - 1` threads and resolves once every one answers; rejects with the first failure. */
export async function startDnsThreads(count: number, settings: DnsThreadSettings, sources: Sources): Promise<DnsThreads> {
  const { health, load, logger } = sources;
  const loadSnapshot = (): LoadSnapshot => load?.snapshot() ?? [];
  const threads = new Map<number, Worker>();
  const pendingMetrics = new Map<number, (snapshot: MetricsSnapshot) => void>();
  let nextRequest = 0;
  let closing = false;

  const broadcast = (message: ToThread): void => {
    for (const worker of threads.values()) worker.postMessage(message);
  };

  const spawn = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const data: DnsThreadData = { ...settings, index, health: healthSnapshot(health), load: loadSnapshot() };
      const worker = new Worker(new URL('./dns-thread-main.js', import.meta.url), { workerData: data });
      let ready = false;
      worker.on('message', (message: FromThread) => {
        if (message.type === 'ready') {
          ready = true;
          threads.set(index, worker);
          resolve();
        } else if (message.type === 'failed') {
          reject(new Error(`udp thread ${index}: ${message.message}`));
          // Whatever it opened before failing (watchers, sockets) must not keep the process up.
          void worker.terminate();
        } else {
          pendingMetrics.get(message.requestId)?.(message.snapshot);
        }
      });
      worker.on('error', (err) => {
        logger.error({ err, thread: index }, `udp thread ${index} failed`);
        if (!ready) reject(err);
      });
      worker.on('exit', (code) => {
        threads.delete(index);
        if (!ready) reject(new Error(`udp thread ${index} exited (${code}) before it answered`));
        if (ready && !closing) {
          // Its share of resolvers lands on the other sockets meanwhile (the kernel rehashes).
          logger.error({ thread: index, code }, `udp thread ${index} stopped; starting it again`);
          setTimeout(() => {
            if (!closing) spawn(index).catch((err: unknown) => logger.error({ err, thread: index }, `udp thread ${index} could not start again`));
          }, RESPAWN_DELAY_MS).unref();
        }
      });
    });

  const stopAll = async (): Promise<void> => {
    closing = true;
    await Promise.all(
      [...threads.values()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.postMessage({ type: 'close' } satisfies ToThread);
          }),
      ),
    );
  };

  try {
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => spawn(i + 1)));
  } catch (err) {
    await stopAll();
    throw err;
  }

  const unsubscribe = health.onChange(() => broadcast({ type: 'health', health: healthSnapshot(health) }));
  const timer = setInterval(() => {
    broadcast({ type: 'health', health: healthSnapshot(health) });
    broadcast({ type: 'load', load: loadSnapshot() });
  }, SNAPSHOT_EVERY_MS).unref();

  return {
    reload: () => broadcast({ type: 'reload' }),
    metrics: () =>
      Promise.all(
        [...threads.values()].map(
          (worker) =>
            new Promise<MetricsSnapshot | undefined>((resolve) => {
              const requestId = ++nextRequest;
              const timeout = setTimeout(() => {
                pendingMetrics.delete(requestId);
                resolve(undefined);
              }, METRICS_TIMEOUT_MS);
              pendingMetrics.set(requestId, (snapshot) => {
                clearTimeout(timeout);
                pendingMetrics.delete(requestId);
                resolve(snapshot);
              });
              worker.postMessage({ type: 'metrics', requestId } satisfies ToThread);
            }),
        ),
      ).then((snapshots) => snapshots.filter((s): s is MetricsSnapshot => s !== undefined)),
    async close() {
      unsubscribe();
      clearInterval(timer);
      await stopAll();
    },
  };
}

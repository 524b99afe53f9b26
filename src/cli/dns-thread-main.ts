/**
 * An extra answering thread of `meridian dns --udp-threads N` (started by dns-threads.ts): its own
 * zone store and routing engine on the same files, batched UDP sockets with SO_REUSEPORT on the
 * main thread's addresses. Health and load arrive as snapshots from the main thread, which runs
 * the probes and the Redis feed; SIGHUP arrives as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDnsServer } from '../dns/index.js';
import { describeError } from '../errors/index.js';
import { startRoutingService } from '../routing/index.js';
import { createLogger, createMetricsRegistry } from '../telemetry/index.js';
import { ZoneStore } from '../zone/index.js';
import type { DnsThreadData, FromThread, ToThread } from './dns-thread-protocol.js';
import { ReplicaHealth, ReplicaLoad } from './dns-thread-replicas.js';

async function run(port: NonNullable<typeof parentPort>, data: DnsThreadData): Promise<void> {
  const send = (message: FromThread): void => port.postMessage(message);
  // The main thread logs zone and routing events once for the process; a thread speaks up only when it must.
  const logger = createLogger({ level: 'warn' }).child({ thread: data.index });
  // Zone and routing metrics are the main thread's to report; only this thread's DNS numbers are merged.
  const quiet = createMetricsRegistry();
  const dnsRegistry = createMetricsRegistry();
  const store = new ZoneStore({ logger, registry: quiet });
  await store.loadDirectory(data.zonesDir);
  if (data.watch) store.watch();
  const health = new ReplicaHealth(data.health);
  const load = new ReplicaLoad(data.load);
  const routing = await startRoutingService({ zonesDir: data.zonesDir, geoip: data.geoip, watch: data.watch, logger, registry: quiet, replicaHealth: health, load });
  const server = createDnsServer(
    {
      listen: data.listen,
      udpIo: data.udpIo,
      reusePort: true,
      udpOnly: true,
      ednsPayload: data.ednsPayload,
      cookieSecret: data.cookieSecret,
      ...(data.nsid === undefined ? {} : { nsid: data.nsid }),
    },
    { zones: store, registry: dnsRegistry, logger, dynamic: routing.engine },
  );
  await server.start();

  port.on('message', (message: ToThread) => {
    switch (message.type) {
      case 'health':
        health.update(message.health);
        break;
      case 'load':
        load.update(message.load);
        break;
      case 'reload':
        store.reloadAll().catch((err: unknown) => logger.error({ err }, 'zone reload failed'));
        routing.reloadAll().catch((err: unknown) => logger.error({ err }, 'routing reload failed'));
        break;
      case 'metrics':
        dnsRegistry.getMetricsAsJSON().then(
          (snapshot) => send({ type: 'metrics', requestId: message.requestId, snapshot }),
          (err: unknown) => logger.error({ err }, 'metrics snapshot failed'),
        );
        break;
      case 'close':
        store.close();
        Promise.all([server.close(), routing.close()]).finally(() => port.close());
        break;
    }
  });
  send({ type: 'ready' });
}

if (parentPort !== null) {
  const port = parentPort;
  run(port, workerData as DnsThreadData).catch((err: unknown) => {
    port.postMessage({ type: 'failed', message: describeError(err) } satisfies FromThread);
    port.close();
  });
}

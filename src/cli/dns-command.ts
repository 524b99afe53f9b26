import { InvalidArgumentError, Option, type Command } from 'commander';
import { randomBytes } from 'node:crypto';
import type { HttpApi } from '../dns/index.js';
import type { LoadBoard } from '../fleet/index.js';
import type { LoadFeed, MetaStore } from '../meta/index.js';
import type { Logger } from '../telemetry/index.js';
// Only the mode names, not the room's door: every `meridian` command would pay for loading the DNS room.
import { UDP_IO_MODES, type UdpIoMode } from '../dns/udp-io-modes.js';

interface DnsCommandOptions {
  zones: string;
  listen: string[];
  http?: string;
  redis?: string;
  geoip?: string;
  ednsPayload: string;
  nsid?: string;
  cookieSecret?: string;
  watch: boolean;
  udpIo: UdpIoMode;
  udpThreads: number;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** More threads than cores only adds switching; 64 is far beyond any machine this runs on. */
const MAX_UDP_THREADS = 64;

function threadCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_UDP_THREADS) throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_UDP_THREADS}`);
  return value;
}

export function registerDnsCommand(program: Command): void {
  program
    .command('dns')
    .description('serve zone files as an authoritative DNS server (UDP and TCP)')
    .requiredOption('--zones <dir>', 'folder of <zone>.zone master files')
    .option('--listen <host:port>', 'address to answer on, UDP and TCP (repeatable; [::1]:53 for IPv6)', collect, [])
    .option('--http <host:port>', 'serve the status page (GET /), /v1/status, /v1/route, /healthz and /metrics here')
    .option('--redis <url>', 'Redis with the node registry and load reports for routed names (default $REDIS_URL)')
    .option('--geoip <path|geolite2>', 'MaxMind database for routed names')
    .option('--edns-payload <bytes>', 'EDNS UDP payload size to advertise (512-4096)', '1232')
    .option('--nsid <text>', 'server identifier returned to NSID queries (RFC 5001)')
    .option('--cookie-secret <hex>', 'secret for DNS cookies shared across an anycast set: 32 hex digits (RFC 9018, interoperable) up to 128; default: random per process')
    .addOption(new Option('--udp-io <mode>', 'UDP path: batched (native recvmmsg/sendmmsg), dgram (node:dgram) or auto (batched when its addon is built)').choices(UDP_IO_MODES).default('auto'))
    .option('--udp-threads <n>', 'threads answering UDP on every --listen address (SO_REUSEPORT; needs batched UDP); TCP, HTTP and probes stay on the main one', threadCount, 1)
    .option('--no-watch', 'do not reload zone files when they change (SIGHUP still reloads)')
    .action(async (options: DnsCommandOptions) => {
      await runDns(options);
    });
}

/**
 * The node registry in Redis feeds a LoadBoard for load shedding (and the status page).
 * Redis down, at start or later, never stops DNS: the store reconnects by itself, the feed
 * keeps the last values (too old ones read as unknown) and logs once per outage.
 */
async function connectMeta(url: string, logger: Logger): Promise<{ store: MetaStore; feed: LoadFeed; board: LoadBoard; close(): Promise<void> }> {
  const [{ createMetaStore, parseMetaConfig, startLoadFeed }, fleet, { describeError }] = await Promise.all([
    import('../meta/index.js'),
    import('../fleet/index.js'),
    import('../errors/index.js'),
  ]);
  const store = createMetaStore(parseMetaConfig({ backend: 'redis', redis: { url } }));
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  let closed = false;
  let warned = false;
  let retry: NodeJS.Timeout | undefined;
  // Say once that Redis is missing, and once that it is back (the store reconnects by itself meanwhile).
  const connect = (): void => {
    store.ready().then(
      () => logger.info({ redis: shown }, 'node registry connected: load shedding uses live reports'),
      (err: unknown) => {
        if (closed) return;
        if (!warned) logger.error({ redis: shown }, `Redis unavailable, answering without live load reports until it returns: ${describeError(err)}`);
        warned = true;
        retry = setTimeout(connect, 2000).unref();
      },
    );
  };
  connect();
  const board = new fleet.LoadBoard();
  const feed = startLoadFeed({ store, sink: board, logger });
  return {
    store,
    feed,
    board,
    close: async () => {
      closed = true;
      clearTimeout(retry);
      feed.stop();
      await store.close();
    },
  };
}

async function runDns(options: DnsCommandOptions): Promise<void> {
  const [
    { createDnsServer, createHttpApi, parseListenAddress, DnsError, DnsErrorCode },
    { createLogger, createMetricsRegistry, aggregateMetrics },
    { ZoneStore },
    { startRoutingService },
    { createFleetStatusSource, createStatusRoutes, RecentBuffer },
  ] = await Promise.all([
    import('../dns/index.js'),
    import('../telemetry/index.js'),
    import('../zone/index.js'),
    import('../routing/index.js'),
    import('../status/index.js'),
  ]);
  if (options.udpThreads > 1 && options.udpIo === 'dgram') {
    throw new DnsError(DnsErrorCode.CONFIG, '--udp-threads above 1 needs batched UDP: node:dgram cannot share a port between threads on Node 20', {
      hint: 'drop --udp-io dgram, or use --udp-threads 1',
    });
  }
  const logger = createLogger();
  const registry = createMetricsRegistry({ defaultMetrics: true });
  const listen = (options.listen.length > 0 ? options.listen : ['127.0.0.1:5353']).map(parseListenAddress);
  const ednsPayload = Number(options.ednsPayload);
  const redisUrl = options.redis ?? (process.env.REDIS_URL || undefined);
  const meta = redisUrl === undefined ? undefined : await connectMeta(redisUrl, logger);

  const store = new ZoneStore({ logger, registry });
  const summary = await store.loadDirectory(options.zones).catch((err: unknown) => {
    throw new DnsError(DnsErrorCode.ZONES, `cannot load zones from ${options.zones}: ${err instanceof Error ? err.message : String(err)}`, { cause: err, hint: 'check the --zones path' });
  });
  // The store has logged each problem with file:line; a broken file never stops the others.
  if (summary.failed) logger.warn({ zones: options.zones }, 'some zone files were rejected');
  if (store.zones().length === 0) logger.warn({ zones: options.zones }, 'no zone loaded: every query will be REFUSED');
  if (options.watch) store.watch();
  // Routed names: <zone>.yaml files of the same folder, GeoIP + geo-data/coverage.yaml, health probes.
  const routing = await startRoutingService({ zonesDir: options.zones, geoip: options.geoip, watch: options.watch, logger, registry, ...(meta ? { load: meta.board } : {}) });

  const threaded = options.udpThreads > 1;
  // Every thread hands out cookies a resolver can bring back to any other: one secret per process.
  const cookieSecret = options.cookieSecret ?? randomBytes(16).toString('hex');
  const server = createDnsServer(
    {
      listen,
      ednsPayload,
      udpIo: options.udpIo,
      reusePort: threaded,
      cookieSecret,
      ...(options.nsid === undefined ? {} : { nsid: options.nsid }),
    },
    { zones: store, registry, logger, dynamic: routing.engine },
  );
  const bound = await server.start();
  const threads = threaded
    ? await (await import('./dns-threads.js')).startDnsThreads(
        options.udpThreads,
        { zonesDir: options.zones, geoip: options.geoip, watch: options.watch, listen: bound, udpIo: options.udpIo, ednsPayload, nsid: options.nsid, cookieSecret },
        { health: routing.health, load: meta?.board, logger },
      ).catch(async (err: unknown) => {
        await server.close();
        throw err;
      })
    : undefined;
  if (threads) logger.info({ udpThreads: options.udpThreads }, `answering UDP on ${options.udpThreads} threads`);
  let http: HttpApi | undefined;
  let status: { close(): void } | undefined;
  if (options.http !== undefined) {
    const source = createFleetStatusSource({ engine: routing.engine, health: routing.health, load: meta?.board, meta: meta?.store, decisions: new RecentBuffer(200), logger });
    const routes = createStatusRoutes(source, { logger, registry });
    status = {
      close() {
        routes.close();
        source.close();
      },
    };
    http = createHttpApi({
      registry,
      logger,
      routes: [...routes.routes, { method: 'GET', path: '/v1/route', handler: routing.routeHandler }],
      ...(threads ? { metrics: async () => aggregateMetrics([await registry.getMetricsAsJSON(), ...(await threads.metrics())]) } : {}),
    });
    await http.listen(parseListenAddress(options.http));
    logger.info({ http: options.http, status: `http://${options.http}/` }, 'http api and status page listening');
  }

  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading every zone');
    store.reloadAll().catch((err: unknown) => logger.error({ err }, 'zone reload failed'));
    routing.reloadAll().catch((err: unknown) => logger.error({ err }, 'routing reload failed'));
    threads?.reload();
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.info('shutting down');
  store.close();
  // Event streams of the status page stay open forever: end them before the server waits for its connections.
  status?.close();
  await Promise.all([server.close(), http?.close(), routing.close(), meta?.close(), threads?.close()]);
}

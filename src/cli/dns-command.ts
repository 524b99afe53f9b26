import type { Command } from 'commander';
import { createDnsServer, createHttpApi, parseListenAddress, DnsError, DnsErrorCode, type HttpApi } from '../dns/index.js';
import { createLogger, createMetricsRegistry } from '../telemetry/index.js';
import { ZoneStore } from '../zone/index.js';
import { startRoutingService } from '../routing/index.js';

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
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerDnsCommand(program: Command): void {
  program
    .command('dns')
    .description('serve zone files as an authoritative DNS server (UDP and TCP)')
    .requiredOption('--zones <dir>', 'folder of <zone>.zone master files')
    .option('--listen <host:port>', 'address to answer on, UDP and TCP (repeatable; [::1]:53 for IPv6)', collect, [])
    .option('--http <host:port>', 'serve GET /healthz and GET /metrics here')
    .option('--redis <url>', 'Redis with node state for routed names')
    .option('--geoip <path|geolite2>', 'MaxMind database for routed names')
    .option('--edns-payload <bytes>', 'EDNS UDP payload size to advertise (512-4096)', '1232')
    .option('--nsid <text>', 'server identifier returned to NSID queries (RFC 5001)')
    .option('--cookie-secret <hex>', 'shared secret for DNS cookies (RFC 7873) across an anycast set; default: random per process')
    .option('--no-watch', 'do not reload zone files when they change (SIGHUP still reloads)')
    .action(async (options: DnsCommandOptions) => {
      await runDns(options);
    });
}

async function runDns(options: DnsCommandOptions): Promise<void> {
  const logger = createLogger();
  const registry = createMetricsRegistry({ defaultMetrics: true });
  const listen = (options.listen.length > 0 ? options.listen : ['127.0.0.1:5353']).map(parseListenAddress);
  const ednsPayload = Number(options.ednsPayload);
  if (options.redis !== undefined) {
    logger.warn({ redis: options.redis }, 'load reports from Redis are not wired yet: --redis is accepted and ignored');
  }

  const store = new ZoneStore({ logger, registry });
  const summary = await store.loadDirectory(options.zones).catch((err: unknown) => {
    throw new DnsError(DnsErrorCode.ZONES, `cannot load zones from ${options.zones}: ${err instanceof Error ? err.message : String(err)}`, { cause: err, hint: 'check the --zones path' });
  });
  // The store has logged each problem with file:line; a broken file never stops the others.
  if (summary.failed) logger.warn({ zones: options.zones }, 'some zone files were rejected');
  if (store.zones().length === 0) logger.warn({ zones: options.zones }, 'no zone loaded: every query will be REFUSED');
  if (options.watch) store.watch();
  // Routed names: <zone>.yaml files of the same folder, GeoIP + geo-data/coverage.yaml, health probes.
  const routing = await startRoutingService({ zonesDir: options.zones, geoip: options.geoip, watch: options.watch, logger, registry });

  const server = createDnsServer(
    {
      listen,
      ednsPayload,
      ...(options.nsid === undefined ? {} : { nsid: options.nsid }),
      ...(options.cookieSecret === undefined ? {} : { cookieSecret: options.cookieSecret }),
    },
    { zones: store, registry, logger, dynamic: routing.engine },
  );
  await server.start();
  let http: HttpApi | undefined;
  if (options.http !== undefined) {
    http = createHttpApi({ registry, logger, routes: [{ method: 'GET', path: '/v1/route', handler: routing.routeHandler }] });
    await http.listen(parseListenAddress(options.http));
    logger.info({ http: options.http }, 'http api listening');
  }

  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading every zone');
    store.reloadAll().catch((err: unknown) => logger.error({ err }, 'zone reload failed'));
    routing.reloadAll().catch((err: unknown) => logger.error({ err }, 'routing reload failed'));
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.info('shutting down');
  store.close();
  await Promise.all([server.close(), http?.close(), routing.close()]);
}

import type { Command } from 'commander';

interface DemoCommandOptions {
  zones?: string;
  dns?: string;
  http?: string;
  origin?: string;
  edgePort?: string;
  adminPort?: string;
  geoip?: string;
  coverage?: string;
  redis?: string;
  settle?: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a whole fleet on this machine: DNS, an origin, two edges (EU, NA) and a regional node')
    .option('--zones <dir>', 'example zones to serve', 'zones')
    .option('--dns <host:port>', 'DNS listener (UDP and TCP)', '127.0.0.1:5300')
    .option('--http <host:port>', 'DNS HTTP API: the status page (/), /v1/status, /v1/route, /healthz, /metrics', '127.0.0.1:8053')
    .option('--origin <host:port>', 'demo origin', '127.0.0.1:8000')
    .option('--edge-port <port>', 'serving port of the nodes on 127.0.1.1 (edge-eu), 127.0.2.1 (edge-na), 127.0.5.1 (regional)', '8080')
    .option('--admin-port <port>', 'admin port (health, metrics, POST /purge) on each node address', '9090')
    .option('--geoip <path|geolite2>', 'GeoIP database', 'geo-data/test-city.mmdb')
    .option('--coverage <file>', 'coverage map (default geo-data/coverage.yaml)')
    .option('--redis <url>', 'share a Redis for metadata and purges (default $REDIS_URL; none = in-process)')
    .option('--settle <ms>', 'wait up to this long for health checks before printing instructions', '8000')
    .action(async (options: DemoCommandOptions) => {
      const [{ formatInstructions, parseDemoOptions, startDemo }, { createLogger }] = await Promise.all([import('../demo/index.js'), import('../telemetry/index.js')]);
      const config = parseDemoOptions({
        zonesDir: options.zones,
        dns: options.dns,
        http: options.http,
        origin: options.origin,
        edgePort: options.edgePort,
        adminPort: options.adminPort,
        geoip: options.geoip,
        coverageFile: options.coverage,
        redis: options.redis ?? (process.env.REDIS_URL || undefined),
        adminToken: process.env.MERIDIAN_ADMIN_TOKEN || undefined,
        settleMs: options.settle,
      });
      const logger = createLogger();
      const demo = await startDemo(config, { logger });
      // Start-up lines first (pretty printing runs in a worker), then the instructions, so they stay in view.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 100));
      process.stdout.write(`${formatInstructions(demo.info)}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      logger.info('demo: stopping');
      // A second Ctrl-C while draining means "now".
      process.once('SIGINT', () => process.exit(130));
      await demo.close();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      process.stdout.write('Meridian demo stopped.\n');
    });
}

import type { Command } from 'commander';
import type { CacheFlags } from '../cache/index.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerCacheCommand(program: Command): void {
  program
    .command('cache')
    .description('Run a tiered HTTP cache node (edge or regional)')
    .option('--config <file>', 'YAML or JSON config file (flags override it)')
    .option('--listen <host:port>', 'serving address (repeatable)', collect)
    .option('--origin <url>', 'serve every Host from this origin')
    .option('--id <id>', 'node id (named in Cache-Status as meridian-<id>)')
    .option('--region <region>', 'region name')
    .option('--tier <tier>', 'edge or regional')
    .option('--parent <url>', 'parent (shield) node URL (repeatable)', collect)
    .option('--redis <url>', 'shared Redis URL')
    .option('--admin <host:port>', 'admin listener (health, metrics, purge)')
    .option('--admin-token <token>', 'bearer token for the admin listener (or MERIDIAN_ADMIN_TOKEN)')
    .option('--health-drain-ms <ms>', 'on SIGTERM, answer health with 503 this long while still serving (default 2000)')
    .action(async (options: CacheFlags) => {
      // Rooms load here, not at start-up, so `meridian --help` and the other commands stay quick.
      const [{ loadCacheConfig }, { startFleetNode }, { createLogger }] = await Promise.all([
        import('../cache/index.js'),
        import('../demo/index.js'),
        import('../telemetry/index.js'),
      ]);
      const config = loadCacheConfig(options);
      const logger = createLogger();
      // The node with its metadata wiring: invalidation stream, POST /purge, registry heartbeat.
      const member = await startFleetNode(config, { logger });
      const node = member.cache;
      process.stdout.write(`meridian cache ${config.id} (${config.tier}) serving on ${node.addresses.join(', ')}${node.adminAddress ? `, admin on ${node.adminAddress}` : ''}\n`);
      // SIGTERM (orchestrators): health turns 503 first so DNS moves clients away while traffic is still
      // served, then the node closes. SIGINT (an operator's Ctrl-C): close at once.
      const stop = (signal: string, drain: boolean): void => {
        logger.info({ signal }, drain ? 'draining' : 'closing');
        (drain ? node.drain() : Promise.resolve())
          .then(() => member.close())
          .then(
            () => process.exit(0),
            (err: unknown) => {
              logger.error({ err }, 'error while closing');
              process.exit(1);
            },
          );
      };
      process.once('SIGTERM', () => stop('SIGTERM', true));
      process.once('SIGINT', () => stop('SIGINT', false));
    });
}

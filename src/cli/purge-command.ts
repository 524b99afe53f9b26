import type { Command } from 'commander';

interface PurgeOptions {
  tag: string[];
  prefix: string[];
  all?: string;
  host?: string;
  soft?: boolean;
  wait?: boolean;
  timeout: string;
  redis?: string;
  keyPrefix: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Exit status when the purge was accepted but not every live node acknowledged it in time. */
const EXIT_NOT_ACKNOWLEDGED = 3;

export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description('purge cached content on every node: by URL, tag, prefix or whole site (hard, or --soft)')
    .argument('[urls...]', 'full URLs to purge (https://host/path?query)')
    .option('--tag <tag>', 'purge a surrogate key (Surrogate-Key / Cache-Tag); repeatable', collect, [])
    .option('--prefix <url>', 'purge a URL prefix, e.g. https://host/img/; repeatable', collect, [])
    .option('--all <host>', 'purge everything of a site')
    .option('--host <host>', 'limit --tag purges to one site (default: every site)')
    .option('--soft', 'mark stale (serve while revalidating) instead of removing')
    .option('--wait', 'wait until every live node has applied the purge')
    .option('--timeout <ms>', 'how long --wait waits', '5000')
    .option('--redis <url>', 'Redis URL (default: $REDIS_URL)')
    .option('--key-prefix <prefix>', 'Redis key prefix of the fleet', 'meridian:')
    .addHelpText('after', `\nExit status: 0 purged (and acknowledged, with --wait); 1 refused or failed (nothing purged);\n${EXIT_NOT_ACKNOWLEDGED} purged but some live nodes did not acknowledge within --timeout.\n`)
    .action(async (urls: string[], options: PurgeOptions) => {
      process.exitCode = await purge(urls, options);
    });
}

async function purge(urls: string[], options: PurgeOptions): Promise<number> {
  const { MetaError, PurgePublisher, RedisMetaStore, describeScope, parseMetaConfig, purgeRequestsFromSpec, waitForAcks } = await import('../meta/index.js');
  const requests = purgeRequestsFromSpec({
    urls,
    tags: options.tag,
    prefixes: options.prefix,
    all: options.all,
    host: options.host,
    soft: options.soft === true,
  });
  const timeoutMs = Number(options.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new MetaError('MERIDIAN_E_META_CONFIG', `--timeout: ${JSON.stringify(options.timeout)} is not a number of milliseconds`);
  }
  const url = options.redis ?? process.env.REDIS_URL;
  if (!url) {
    throw new MetaError('MERIDIAN_E_META_CONFIG', 'no Redis to purge through', {
      hint: 'pass --redis redis://host:6379 or set REDIS_URL; purges reach the fleet through its shared Redis',
    });
  }
  const config = parseMetaConfig({ backend: 'redis', redis: { url }, keyPrefix: options.keyPrefix });
  const store = new RedisMetaStore({
    redis: config.redis!,
    keyPrefix: config.keyPrefix,
    streamMaxLength: config.stream.maxLength,
    maxVersions: config.maxVersions,
    reconnect: false,
  });
  try {
    await store.ready();
    const publisher = new PurgePublisher({ store, windowMs: 0, maxItems: config.batch.maxItems });
    const events = await publisher.purge(requests);
    for (const event of events) {
      process.stdout.write(`purged ${describeScope(event.scope)} (${event.soft ? 'soft' : 'hard'}) sequence ${event.sequence}\n`);
    }
    if (!options.wait) return 0;
    const sequence = events[events.length - 1]!.sequence;
    const result = await waitForAcks(store, sequence, { timeoutMs });
    if (result.acked.length > 0) process.stdout.write(`acknowledged by ${result.acked.length} node(s): ${result.acked.join(', ')}\n`);
    if (result.complete) {
      if (result.acked.length === 0) process.stdout.write('no live nodes registered\n');
      return 0;
    }
    const lines = result.missing.map((node) => `  ${node.id} (applied up to ${node.applied || 'nothing'})`);
    process.stderr.write(`meridian: MERIDIAN_E_META_WAIT_TIMEOUT: not acknowledged within ${timeoutMs} ms by ${result.missing.length} node(s):\n${lines.join('\n')}\n`);
    return EXIT_NOT_ACKNOWLEDGED;
  } finally {
    await store.close();
  }
}

import type { Command } from 'commander';

interface WarmCommandOptions {
  node: string[];
  urls: string;
  concurrency: string;
  host?: string;
  timeout: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerWarmCommand(program: Command): void {
  program
    .command('warm')
    .description('load a URL list into chosen cache nodes (GET through each node) and report hits, misses and failures per node')
    .requiredOption('--node <url>', 'serving address of a node, http://host:port (repeatable)', collect, [])
    .requiredOption('--urls <file>', 'one URL (https://host/path) or /path per line; # comments')
    .option('--concurrency <n>', 'requests in flight per node', '8')
    .option('--host <host>', 'Host for /path lines (and overriding the host of full URLs)')
    .option('--timeout <ms>', 'per-request timeout', '30000')
    .option('--json', 'print the per-node reports as JSON')
    .addHelpText('after', '\nExit status: 0 every object loaded; 1 bad input; 2 some requests failed.\n')
    .action(async (options: WarmCommandOptions) => {
      // The cache room loads here, not at start-up, so the other commands stay quick.
      const { CacheError, CacheErrorCode, readWarmList, warmThrough } = await import('../cache/index.js');
      const concurrency = Number(options.concurrency);
      const timeoutMs = Number(options.timeout);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
        throw new CacheError(CacheErrorCode.WARM_INPUT_INVALID, `--concurrency: ${JSON.stringify(options.concurrency)} must be an integer 1-1024`);
      }
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new CacheError(CacheErrorCode.WARM_INPUT_INVALID, `--timeout: ${JSON.stringify(options.timeout)} must be a positive number of milliseconds`);
      for (const node of options.node) {
        if (!URL.canParse(node) || !/^https?:$/.test(new URL(node).protocol)) throw new CacheError(CacheErrorCode.WARM_INPUT_INVALID, `--node: ${JSON.stringify(node)} must be an http:// or https:// URL`);
      }
      const targets = readWarmList(options.urls, options.host);
      const reports = await Promise.all(options.node.map((node) => warmThrough(node, targets, { concurrency, timeoutMs })));
      if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      else {
        process.stdout.write(`${targets.length} URLs\n`);
        for (const r of reports) process.stdout.write(`${r.node}: ${r.hits} hits, ${r.misses} misses, ${r.failures} failures, ${r.bytes} bytes\n`);
      }
      process.exitCode = reports.some((r) => r.failures > 0) ? 2 : 0;
    });
}

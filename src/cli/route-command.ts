import type { Command } from 'commander';

interface ExplainOptions {
  zones: string;
  client: string;
  name: string;
  type: string;
  ecs?: string;
  geoip?: string;
  coverage?: string;
}

/**
 * `meridian route explain`: the routing decision for one client and name, with every
 * step's reason, as JSON. Health is not probed here: `obey` values count as up.
 */
export function registerRouteCommand(program: Command): void {
  const route = program.command('route').description('inspect routing decisions');
  route
    .command('explain')
    .description('print the routing decision for a client and name, with every step\'s reason, as JSON')
    .requiredOption('--zones <dir>', 'folder of zone files and <zone>.yaml routing records')
    .requiredOption('--client <ip>', 'client (or resolver) address')
    .requiredOption('--name <name>', 'routed name, e.g. edge.cdn.example.com')
    .option('--type <type>', 'A, AAAA or CNAME', 'A')
    .option('--ecs <cidr>', 'EDNS Client Subnet source network the resolver sends, e.g. 81.2.3.0/24')
    .option('--geoip <path|geolite2>', 'GeoIP2/GeoLite2 City or Country .mmdb, or geolite2 to download it')
    .option('--coverage <file>', 'coverage map (default geo-data/coverage.yaml when present)')
    .action(async (options: ExplainOptions) => {
      const { explainQuery, loadRoutingDirectory, openRoutingLocator, RoutingEngine } = await import('../routing/index.js');
      const { zones } = await loadRoutingDirectory(options.zones);
      const locator = await openRoutingLocator({ geoip: options.geoip, coverageFile: options.coverage });
      try {
        const engine = new RoutingEngine({ zones, geo: locator.geo });
        const decision = explainQuery(engine, { name: options.name, client: options.client, type: options.type, ecs: options.ecs });
        process.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
      } finally {
        locator.close();
      }
    });
}

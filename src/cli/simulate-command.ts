import { InvalidArgumentError, Option, type Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import type { PolicyName, SimulationResult } from '../simulate/index.js';
// Only the defaults, not the room's door: the room loads routing and the cache room, which every
// other `meridian` command would pay for at start-up. The action imports the room itself.
import { DEFAULT_POLICY, GENERATOR_DEFAULTS, POLICY_NAMES } from '../simulate/defaults.js';

interface SimulateOptions {
  trace?: string;
  writeTrace?: string;
  fleet?: string;
  zones: string;
  geoip?: string;
  coverage?: string;
  policy: PolicyName;
  regional: boolean;
  parents: 'hash' | 'random';
  comparePolicies?: boolean;
  budgetShare: number;
  budgetBytes?: number;
  tiering?: boolean;
  restart?: { node: string; atSeconds: number };
  format: 'table' | 'json';
  svg?: string;
  requests: number;
  objects: number;
  zipf: number;
  sizes: 'lognormal' | 'pareto';
  sizeScale: number;
  sizeShape: number;
  clients: number;
  days: number;
  seed: number;
}

const integer = (min: number) => (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
  return value;
};
const positive = (text: string): number => {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError('must be a positive number');
  return value;
};
const share = (text: string): number => {
  const value = Number(text);
  if (!(value > 0 && value <= 1)) throw new InvalidArgumentError('must be in (0, 1], e.g. 0.01 for 1%');
  return value;
};

const restartAt = (text: string): { node: string; atSeconds: number } => {
  const match = /^(.+)@(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) throw new InvalidArgumentError('must be NODE@HOURS, e.g. fra-1@12');
  return { node: match[1]!, atSeconds: Number(match[2]) * 3600 };
};

/**
 * `meridian simulate`: replay a trace (CSV or generated) through the real routing engine and the
 * stores' lru-cache configuration, and print what reaches the origin. See src/simulate/README.md.
 */
export function registerSimulateCommand(program: Command): void {
  const d = GENERATOR_DEFAULTS;
  program
    .command('simulate')
    .description('replay a request trace through the fleet (routing + caches, virtual clock) and report hit ratios, origin offload and latency')
    .option('--trace <file.csv>', 'CSV trace: time,client,url,size per line (default: a generated trace)')
    .option('--write-trace <file.csv>', 'also write the trace replayed (e.g. the generated one) as CSV')
    .option('--fleet <file>', 'fleet file (nodes: id, region, tier, address, capacity, location); without it only --compare-policies runs')
    .option('--zones <dir>', 'routing records for the fleet\'s name', 'zones')
    .option('--geoip <path|geolite2>', 'GeoIP2 City .mmdb (default geo-data/test-city.mmdb when present)')
    .option('--coverage <file>', 'coverage map checked before GeoIP')
    .addOption(new Option('--policy <name>', 'cache policy of every node').choices(POLICY_NAMES).default(DEFAULT_POLICY))
    .option('--no-regional', 'edges go straight to the origin')
    .addOption(new Option('--parents <how>', 'parent selection on an edge miss').choices(['hash', 'random']).default('hash'))
    .option('--compare-policies', 'every policy on one cache of --budget-share of the catalogue (default when there is no --fleet)')
    .option('--budget-share <fraction>', 'cache size for --compare-policies, as a share of the catalogue bytes', share, 0.01)
    .option('--budget-bytes <bytes>', 'cache size for --compare-policies, in bytes (overrides --budget-share)', integer(1))
    .option('--tiering', 'also run the fleet without the regional tier and with random parents')
    .option('--restart <node@hours>', 'also compare NODE restarting HOURS into the trace: not restarted, cold, warmed from its region\'s peers', restartAt)
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json']).default('table'))
    .option('--svg <file>', 'write a plot of the results')
    .option('--requests <n>', 'generated: requests', integer(1), d.requests)
    .option('--objects <n>', 'generated: catalogue size (objects)', integer(1), d.objects)
    .option('--zipf <exponent>', 'generated: Zipf exponent of popularity', Number, d.zipfExponent)
    .addOption(new Option('--sizes <distribution>', 'generated: object sizes').choices(['lognormal', 'pareto']).default(d.sizeDistribution))
    .option('--size-scale <bytes>', 'generated: lognormal median / Pareto minimum', positive, d.sizeScaleBytes)
    .option('--size-shape <x>', 'generated: lognormal sigma / Pareto alpha', positive, d.sizeShape)
    .option('--clients <n>', 'generated: distinct clients', integer(1), d.clients)
    .option('--days <n>', 'generated: length of the trace in days', positive, d.days)
    .option('--seed <n>', 'generated: seed (same seed, same trace)', integer(0), d.seed)
    .action(async (options: SimulateOptions) => {
      const { formatCsvTrace, renderPlot, runSimulation } = await import('../simulate/index.js');
      const { result, trace } = await runSimulation({
        traceFile: options.trace,
        generator: {
          requests: options.requests,
          objects: options.objects,
          zipfExponent: options.zipf,
          sizeDistribution: options.sizes,
          sizeScaleBytes: options.sizeScale,
          sizeShape: options.sizeShape,
          clients: options.clients,
          days: options.days,
          seed: options.seed,
        },
        fleetFile: options.fleet,
        zonesDir: options.zones,
        geoip: options.geoip,
        coverageFile: options.coverage,
        policy: options.policy,
        regionalTier: options.regional,
        parents: options.parents,
        comparePolicies: options.comparePolicies,
        budgetShare: options.budgetShare,
        budgetBytes: options.budgetBytes,
        tiering: options.tiering,
        restart: options.restart,
      });
      if (options.writeTrace) await writeFile(options.writeTrace, formatCsvTrace(trace));
      if (options.svg) await writeFile(options.svg, renderPlot({ title: plotTitle(result), comparison: result.comparison, fleet: result.fleet, tiering: result.tiering, warming: result.warming }));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${await formatResult(result)}\n`);
    });
}

function plotTitle(result: SimulationResult): string {
  const g = result.trace.generator;
  const source = g ? `Zipf ${g.zipfExponent}, ${g.sizeDistribution} sizes, seed ${g.seed}` : result.trace.source;
  return `meridian simulate: ${result.trace.requests} requests, ${result.trace.objects} objects (${source})`;
}

async function formatResult(result: SimulationResult): Promise<string> {
  const { formatComparison, formatFleetReport, formatTiering, formatWarming } = await import('../simulate/index.js');
  const parts = [plotTitle(result)];
  if (result.comparison) parts.push(`\nPolicies on one cache\n${formatComparison(result.comparison)}`);
  if (result.fleet) parts.push(`\nFleet\n${formatFleetReport(result.fleet)}`);
  if (result.tiering) parts.push(`\nTiering\n${formatTiering(result.tiering)}`);
  if (result.warming) parts.push(`\nWarming\n${formatWarming(result.warming)}`);
  return parts.join('\n');
}

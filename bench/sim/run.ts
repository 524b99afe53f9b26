/**
 * Cache policy benchmark: every policy on one cache of 1% of the catalogue (by bytes), replaying a
 * generated Zipf 0.8 trace with lognormal sizes, and the target: the default policy must close at
 * least half of the byte-hit-ratio gap between LRU and Belady. The same on other seeds and on Pareto
 * sizes (robustness), then tiering, LRU vs the default across the fleet, and a node restart
 * (cold vs warmed from its peers) on the example fleet (bench/sim/fleet.yaml).
 * Writes bench/results/sim.json and bench/results/sim.svg.
 *
 *   npm run bench:sim      (SIM_REQUESTS=1000000 SIM_OBJECTS=100000 by default)
 */
import { join } from 'node:path';
import {
  comparePolicies,
  DEFAULT_POLICY,
  formatComparison,
  formatTiering,
  formatWarming,
  generateTrace,
  renderPlot,
  runSimulation,
  type GeneratorOptions,
  type PolicyComparison,
} from '../../src/simulate/index.js';
import { repoRoot } from '../../test/helpers/paths.js';
import { runContext, writeResult } from '../support/results.js';

const REQUESTS = Number(process.env.SIM_REQUESTS ?? 1_000_000);
const OBJECTS = Number(process.env.SIM_OBJECTS ?? 100_000);
const TARGET_GAP = 0.5;

interface Scenario {
  label: string;
  generator: Partial<GeneratorOptions>;
}

const MAIN: Scenario = { label: 'Zipf 0.8, lognormal sizes (median 32 KiB, sigma 1.5), seed 1', generator: { seed: 1 } };
const ROBUSTNESS: Scenario[] = [
  { label: 'Zipf 0.8, lognormal sizes, seed 2', generator: { seed: 2 } },
  { label: 'Zipf 0.8, lognormal sizes, seed 3', generator: { seed: 3 } },
  { label: 'Zipf 0.8, Pareto sizes (min 8 KiB, alpha 1.2), seed 1', generator: { seed: 1, sizeDistribution: 'pareto', sizeScaleBytes: 8192, sizeShape: 1.2 } },
];

function run(scenario: Scenario): { label: string; seconds: number; comparison: PolicyComparison } {
  const started = performance.now();
  const trace = generateTrace({ requests: REQUESTS, objects: OBJECTS, zipfExponent: 0.8, ...scenario.generator });
  const comparison = comparePolicies(trace, { budgetShare: 0.01 });
  return { label: scenario.label, seconds: (performance.now() - started) / 1000, comparison };
}

function gapOf(c: PolicyComparison): number {
  return c.results.find((r) => r.policy === DEFAULT_POLICY)?.byteGapClosed ?? 0;
}

const root = repoRoot();
process.stdout.write(`Policies on one cache of 1% of the catalogue; ${REQUESTS} requests over ${OBJECTS} objects\n\n`);
const main = run(MAIN);
process.stdout.write(`${MAIN.label}\n${formatComparison(main.comparison)}\n\n`);
const robustness = ROBUSTNESS.map((s) => {
  const r = run(s);
  process.stdout.write(`${s.label}\n${formatComparison(r.comparison)}\n\n`);
  return r;
});

/** The example fleet on a shorter trace (a fleet run replays it through every tier). */
const exampleFleet = {
  fleetFile: join(root, 'bench', 'sim', 'fleet.yaml'),
  zonesDir: join(root, 'zones'),
  geoip: join(root, 'geo-data', 'test-city.mmdb'),
  generator: { requests: Math.min(REQUESTS, 300_000), objects: Math.min(OBJECTS, 30_000), seed: 1 },
};
const { result: fleetRun } = await runSimulation({ ...exampleFleet, tiering: true, restart: { node: 'fra-1', atSeconds: 12 * 3600 } });
process.stdout.write(`Tiering on bench/sim/fleet.yaml (edges 1%, regionals 3% of the catalogue each; policy ${DEFAULT_POLICY})\n${formatTiering(fleetRun.tiering!)}\n\n`);
const { result: lruRun } = await runSimulation({ ...exampleFleet, policy: 'lru' });
const fleetPolicies = [
  { label: 'fleet with lru', report: lruRun.fleet! },
  { label: `fleet with ${DEFAULT_POLICY}`, report: fleetRun.fleet! },
];
process.stdout.write(`The same fleet (regional tier, hashed parents), LRU vs the default policy\n${formatTiering(fleetPolicies)}\n\n`);
process.stdout.write(`Warming: fra-1 restarts 12 h into the trace (its peer in eu: fra-2)\n${formatWarming(fleetRun.warming!)}\n\n`);

const gaps = [main, ...robustness].map((r) => ({ scenario: r.label, byteGapClosed: gapOf(r.comparison) }));
const met = gapOf(main.comparison) >= TARGET_GAP;
process.stdout.write(`target: ${DEFAULT_POLICY} closes >= ${TARGET_GAP * 100}% of the LRU-Belady byte-hit-ratio gap on the main trace: ${(gapOf(main.comparison) * 100).toFixed(1)}% -> ${met ? 'MET' : 'NOT MET'}\n`);
process.stdout.write(`other traces: ${gaps.slice(1).map((g) => `${(g.byteGapClosed * 100).toFixed(1)}%`).join(', ')}\n`);

const jsonFile = writeResult('sim.json', {
  ...runContext(),
  defaultPolicy: DEFAULT_POLICY,
  target: { byteGapClosed: TARGET_GAP, measured: gapOf(main.comparison), met },
  main: { scenario: main.label, seconds: main.seconds, ...main.comparison },
  robustness: robustness.map((r) => ({ scenario: r.label, seconds: r.seconds, ...r.comparison })),
  tiering: fleetRun.tiering!.map((t) => ({ setup: t.label, origin: t.report.origin, regional: t.report.tiers.regional, edge: t.report.tiers.edge, latency: t.report.latency })),
  fleet: { routing: fleetRun.fleet!.routing, latency: fleetRun.fleet!.latency },
  warming: fleetRun.warming!.map((w) => ({ setup: w.label, restart: w.report.restart, origin: w.report.origin })),
  fleetPolicies: fleetPolicies.map((p) => ({ setup: p.label, origin: p.report.origin, edge: p.report.tiers.edge, regional: p.report.tiers.regional, latency: p.report.latency })),
});
const svgFile = writeResult('sim.svg', renderPlot({ title: `Cache policies (Zipf 0.8, 1% cache) and tiering`, comparison: main.comparison, fleet: fleetRun.fleet, tiering: fleetRun.tiering, warming: fleetRun.warming }));
process.stdout.write(`wrote ${jsonFile} and ${svgFile}\n`);

import { existsSync } from 'node:fs';
import { createGeoLocator, loadCoverageFile, openGeoIp, type GeoIpSource } from '../geo/index.js';
import { loadRoutingDirectory, RoutingEngine } from '../routing/index.js';
import { DEFAULT_POLICY, GENERATOR_DEFAULTS } from './defaults.js';
import { comparePolicies } from './compare.js';
import { readCsvTrace } from './csv-trace.js';
import { readFleet } from './fleet-config.js';
import { simulateFleet } from './fleet-sim.js';
import { generateTrace } from './generate.js';
import type { TieringRow } from './report-table.js';
import { compareTiering } from './tiering.js';
import { catalogueBytes } from './trace-builder.js';
import { compareWarming, type WarmingRow } from './warming.js';
import type { FleetReport, GeneratorOptions, ParentSelection, PolicyComparison, PolicyName, Trace } from './types.js';

export interface SimulationRequest {
  /** A CSV trace; without it a trace is generated from `generator`. */
  traceFile?: string;
  generator?: Partial<GeneratorOptions>;
  /** The fleet run needs all three; without `fleetFile` only the policy comparison runs. */
  fleetFile?: string;
  zonesDir: string;
  /** `--geoip PATH|geolite2`; default geo-data/test-city.mmdb when present. */
  geoip?: string;
  coverageFile?: string;
  policy?: PolicyName;
  regionalTier?: boolean;
  parents?: ParentSelection;
  comparePolicies?: boolean;
  budgetShare?: number;
  budgetBytes?: number;
  tiering?: boolean;
  /** Also compare one node restarting at a time: not restarted, cold, warmed from its peers. */
  restart?: { node: string; atSeconds: number };
}

export interface SimulationResult {
  trace: { source: string; requests: number; objects: number; clients: number; catalogueBytes: number; generator?: GeneratorOptions };
  comparison?: PolicyComparison;
  fleet?: FleetReport;
  tiering?: TieringRow[];
  warming?: WarmingRow[];
}

export const DEFAULT_GEOIP = 'geo-data/test-city.mmdb';

/** `meridian simulate` without the terminal: load, replay, return every result asked for. */
export async function runSimulation(request: SimulationRequest): Promise<{ result: SimulationResult; trace: Trace }> {
  const generator = request.traceFile ? undefined : { ...GENERATOR_DEFAULTS, ...request.generator };
  const trace = request.traceFile ? await readCsvTrace(request.traceFile) : generateTrace(generator);
  const catalogue = catalogueBytes(trace);
  const result: SimulationResult = {
    trace: { source: request.traceFile ?? 'generated', requests: trace.length, objects: trace.urls.length, clients: trace.clients.length, catalogueBytes: catalogue, ...(generator ? { generator } : {}) },
  };
  if (request.comparePolicies || !request.fleetFile) {
    result.comparison = comparePolicies(trace, { budgetShare: request.budgetShare, budgetBytes: request.budgetBytes });
  }
  if (request.fleetFile) {
    const fleet = await readFleet(request.fleetFile, catalogue);
    const { zones } = await loadRoutingDirectory(request.zonesDir);
    const coverage = request.coverageFile ? await loadCoverageFile(request.coverageFile) : undefined;
    const geoipSpec = request.geoip ?? (existsSync(DEFAULT_GEOIP) ? DEFAULT_GEOIP : undefined);
    const geoip: GeoIpSource | undefined = geoipSpec ? await openGeoIp(geoipSpec) : undefined;
    try {
      const locator = coverage || geoip ? createGeoLocator({ coverage, geoip }) : undefined;
      const sim = { trace, fleet, engine: new RoutingEngine({ zones, geo: locator }), locator };
      const policy = request.policy ?? DEFAULT_POLICY;
      const seed = generator?.seed ?? 1;
      result.fleet = simulateFleet(sim, { policy, regionalTier: request.regionalTier ?? true, parents: request.parents ?? 'hash', seed });
      if (request.tiering) result.tiering = compareTiering(sim, policy, seed);
      if (request.restart) result.warming = compareWarming(sim, policy, seed, request.restart.node, request.restart.atSeconds);
    } finally {
      geoip?.close();
    }
  }
  return { result, trace };
}

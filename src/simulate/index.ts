/**
 * The simulator room: replays request traces through the real routing engine and the real
 * byte-bounded lru-cache configuration, on a virtual clock, to compare cache policies, tiering
 * and warming.
 */
export type * from './types.js';
export { SimulateError, SimulateErrorCode } from './errors.js';
export { createRandom } from './random.js';
export { GENERATOR_DEFAULTS, POLICY_NAMES, DEFAULT_POLICY } from './defaults.js';
export { generateTrace } from './generate.js';
export { parseCsvTrace, readCsvTrace, formatCsvTrace } from './csv-trace.js';
export { catalogueBytes } from './trace-builder.js';
export { createSimCache, nextUses, entryCost, ENTRY_OVERHEAD_BYTES, type SimCache } from './cache-models.js';
export { comparePolicies, type CompareOptions } from './compare.js';
export { parseFleet, readFleet, type FleetInput } from './fleet-config.js';
export { simulateFleet, type FleetSimulation } from './fleet-sim.js';
export { roundTripMs } from './latency.js';
export { formatComparison, formatFleetReport, formatTiering, formatTable, formatBytes, type TieringRow } from './report-table.js';
export { renderPlot, type PlotInput } from './report-svg.js';
export { compareTiering } from './tiering.js';
export { runSimulation, DEFAULT_GEOIP, type SimulationRequest, type SimulationResult } from './run.js';
export { compareWarming, formatWarming, type WarmingRow } from './warming.js';

/**
 * The simulator room: replays request traces through the real routing engine and the real
 * byte-bounded lru-cache configuration, on a virtual clock, to compare cache policies and tiering.
 */
export type * from './types.js';
export { SimulateError, SimulateErrorCode } from './errors.js';
export { createRandom } from './random.js';
export { generateTrace, GENERATOR_DEFAULTS } from './generate.js';
export { parseCsvTrace, readCsvTrace, formatCsvTrace } from './csv-trace.js';
export { catalogueBytes } from './trace-builder.js';
export { createSimCache, nextUses, entryCost, ENTRY_OVERHEAD_BYTES, POLICY_NAMES, DEFAULT_POLICY, type SimCache } from './cache-models.js';
export { comparePolicies, type CompareOptions } from './compare.js';

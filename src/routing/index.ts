/**
 * The routing room: routing records (octoDNS YAML + `meridian:` extensions) → a decision
 * per query, made by a pipeline of small steps that each leave a line in the trace.
 */
export type {
  AllDownPolicy,
  CompiledPool,
  CompiledRecord,
  CompiledRule,
  CompiledValue,
  Decision,
  ProbeSpec,
  RoutingHealth,
  RoutingLoad,
  RoutingZone,
  SampledQuery,
  Selection,
  TraceLine,
  ValueStatus,
} from './types.js';
export { RoutingError, RoutingErrorCode } from './errors.js';
export { RoutingEngine, type RoutingEngineOptions } from './engine.js';
export { parseRoutingFile, readRoutingFile, listRoutingFiles, loadRoutingDirectory, routingFileChecker, ROUTING_FILE_EXTENSIONS, type RoutingFileResult } from './load.js';
export { RoutingReloader, type RoutingReloaderOptions, type RoutingReloadOutcome } from './reloader.js';
export { createRouteHttpHandler, type RouteHttpHandler } from './http-handler.js';
export { explainQuery, type ExplainQuery } from './explain.js';
export { ROUTING_STEPS, type RoutingStep } from './pipeline.js';
export { PROBE_DEFAULTS } from './probes.js';
export { syncProbes, toProbeTarget, type ProbeTargetSink } from './probe-sync.js';
export { startRoutingService, openRoutingLocator, type RoutingService, type RoutingServiceOptions, type RoutingLocator } from './service.js';
export { formatProblem } from './source-map.js';

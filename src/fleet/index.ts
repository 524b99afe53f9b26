/**
 * The fleet room: health and load of cache nodes, gdnsd style — monitors report raw
 * results, the HealthTracker applies hysteresis and holds state, routing reads views.
 */
export type {
  HealthState,
  HealthChange,
  HealthView,
  LoadView,
  HysteresisOptions,
  HealthReport,
  ProbeTarget,
  ResolvedProbeTarget,
  ProbeOutcome,
} from './types.js';
export { FleetError, FleetErrorCode } from './errors.js';
export { HealthTracker, HYSTERESIS_DEFAULTS, type HealthTrackerOptions } from './health-tracker.js';
export { LoadBoard, type LoadBoardOptions } from './load-board.js';
export { ProbeManager, type ProbeManagerOptions } from './probe-manager.js';
export { PROBE_DEFAULTS, resolveProbeTarget } from './probe-target.js';
export { probeHttp, createProbeAgent } from './http-probe.js';

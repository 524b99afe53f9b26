/**
 * Hands the probes the routing records ask for to the fleet's prober, now and after every
 * reload. Routing never probes itself: it only reads the fleet's HealthView.
 */
import type { ProbeTarget } from '../fleet/index.js';
import type { RoutingEngine } from './engine.js';
import type { ProbeSpec } from './types.js';

/** What routing needs of the fleet's ProbeManager. */
export interface ProbeTargetSink {
  setTargets(targets: readonly ProbeTarget[]): void;
}

export function toProbeTarget(spec: ProbeSpec): ProbeTarget {
  const target: ProbeTarget = {
    id: spec.id,
    url: spec.url,
    expectStatus: spec.expectStatus,
    intervalMs: spec.intervalMs,
    timeoutMs: spec.timeoutMs,
    upThreshold: spec.upThreshold,
    downThreshold: spec.downThreshold,
  };
  if (spec.host !== undefined) target.host = spec.host;
  if (spec.bodyMatch !== undefined) target.bodyMatch = spec.bodyMatch;
  return target;
}

/**
 * Keep `sink` probing exactly the engine's probe set. Returns the unsubscribe function.
 * A target set the prober refuses is reported to `onError`; the previous probes keep running.
 */
export function syncProbes(engine: RoutingEngine, sink: ProbeTargetSink, onError: (err: unknown) => void = () => {}): () => void {
  const apply = (): void => {
    try {
      sink.setTargets(engine.probes().map(toProbeTarget));
    } catch (err) {
      onError(err);
    }
  };
  apply();
  return engine.onChange(apply);
}

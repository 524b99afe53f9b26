import { createSilentLogger, type Logger, type Registry } from '../telemetry/index.js';
import { createFleetMetrics, type FleetMetrics } from './metrics.js';
import type { HealthChange, HealthReport, HealthState, HealthView, HysteresisOptions } from './types.js';

/** CDN defaults: with 2 s probes a dead node is down after 3 failures (~6-9 s), back after 2 successes. */
export const HYSTERESIS_DEFAULTS: Readonly<HysteresisOptions> = Object.freeze({ upThreshold: 2, downThreshold: 3, initial: 'up' });

export interface HealthTrackerOptions {
  logger?: Logger;
  registry?: Registry;
  /** Thresholds for targets tracked without their own (including those first seen through report()). */
  defaults?: Partial<HysteresisOptions>;
  /** How long a disagreeing result keeps `changing` true. Default 30000 ms. */
  changingWindowMs?: number;
}

interface Tracked {
  options: HysteresisOptions;
  up: boolean;
  since: number;
  /** Consecutive results that disagree with `up` (successes while down, failures while up). */
  streak: number;
  lastDisagreeAt: number | undefined;
  lastFailure: string | undefined;
}

/**
 * The one place that turns raw results (probes, heartbeats) into up/down with gdnsd-style
 * hysteresis, and holds that state. Monitors call report(); routing reads state().
 */
export class HealthTracker implements HealthView {
  private readonly targetsById = new Map<string, Tracked>();
  private readonly listeners = new Set<(change: HealthChange) => void>();
  private readonly logger: Logger;
  private readonly metrics: FleetMetrics;
  private readonly defaults: HysteresisOptions;
  private readonly changingWindowMs: number;

  constructor(options: HealthTrackerOptions = {}) {
    this.logger = (options.logger ?? createSilentLogger()).child({ module: 'fleet' });
    this.metrics = createFleetMetrics(options.registry);
    this.defaults = { ...HYSTERESIS_DEFAULTS, ...options.defaults };
    this.changingWindowMs = options.changingWindowMs ?? 30_000;
  }

  /**
   * Start tracking a target, or change its thresholds. Re-tracking keeps the current
   * state, so a config reload does not reset health.
   */
  track(targetId: string, options: Partial<HysteresisOptions> = {}): void {
    const resolved = { ...this.defaults, ...options };
    const existing = this.targetsById.get(targetId);
    if (existing) {
      existing.options = resolved;
      return;
    }
    const up = resolved.initial === 'up';
    this.targetsById.set(targetId, { options: resolved, up, since: Date.now(), streak: 0, lastDisagreeAt: undefined, lastFailure: undefined });
    this.metrics.healthState.set({ target: targetId }, up ? 1 : 0);
  }

  untrack(targetId: string): void {
    if (!this.targetsById.delete(targetId)) return;
    this.metrics.healthState.remove({ target: targetId });
  }

  /** Feed one raw result. Unknown targets are tracked with the defaults first. */
  report(targetId: string, result: boolean | HealthReport): void {
    const { ok, reason } = typeof result === 'boolean' ? { ok: result, reason: undefined } : result;
    if (!this.targetsById.has(targetId)) this.track(targetId);
    const t = this.targetsById.get(targetId) as Tracked;
    const now = Date.now();
    if (!ok) t.lastFailure = reason ?? 'failed';
    if (ok === t.up) {
      t.streak = 0;
      return;
    }
    t.streak++;
    t.lastDisagreeAt = now;
    const threshold = t.up ? t.options.downThreshold : t.options.upThreshold;
    if (t.streak < threshold) return;
    t.up = ok;
    t.since = now;
    t.streak = 0;
    const change: HealthChange = { targetId, up: ok, at: now, reason: ok ? 'ok' : reason ?? 'failed' };
    this.metrics.healthState.set({ target: targetId }, ok ? 1 : 0);
    this.metrics.transitions.inc({ target: targetId, to: ok ? 'up' : 'down' });
    this.logger[ok ? 'info' : 'warn']({ target: targetId, up: ok, reason: change.reason, threshold }, `target ${targetId} is now ${ok ? 'up' : 'down'}`);
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        // One broken listener must not stop the others or the monitor that reported.
        this.logger.error({ err, target: targetId }, 'health change listener threw');
      }
    }
  }

  state(targetId: string): HealthState | undefined {
    const t = this.targetsById.get(targetId);
    if (!t) return undefined;
    const changing = t.lastDisagreeAt !== undefined && Date.now() - t.lastDisagreeAt < this.changingWindowMs;
    const state: HealthState = { up: t.up, changing, since: t.since };
    if (t.lastFailure !== undefined) state.lastFailure = t.lastFailure;
    return state;
  }

  onChange(listener: (change: HealthChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Ids of every tracked target. */
  targets(): string[] {
    return [...this.targetsById.keys()];
  }
}

import type { Agent } from 'undici';
import { createSilentLogger, type Logger, type Registry } from '../telemetry/index.js';
import { FleetError, FleetErrorCode } from './errors.js';
import type { HealthTracker } from './health-tracker.js';
import { createProbeAgent, probeHttp } from './http-probe.js';
import { createFleetMetrics, type FleetMetrics } from './metrics.js';
import { resolveProbeTarget, sameProbeTarget } from './probe-target.js';
import type { ProbeTarget, ResolvedProbeTarget } from './types.js';

export interface ProbeManagerOptions {
  /** Where raw results go. The manager tracks/untracks its targets there. */
  tracker: HealthTracker;
  logger?: Logger;
  registry?: Registry;
  /** Fraction of the interval by which each wait is randomly stretched or shrunk. Default 0.1. */
  jitter?: number;
}

/** One target's probe loop. A loop never overlaps itself: the next wait starts when a probe ends. */
class ProbeLoop {
  private timer: NodeJS.Timeout | undefined;
  private readonly stop = new AbortController();
  private inFlight: Promise<void> | undefined;

  constructor(
    readonly target: ResolvedProbeTarget,
    private readonly agent: Agent,
    private readonly onResult: (target: ResolvedProbeTarget, outcome: Awaited<ReturnType<typeof probeHttp>>) => void,
    private readonly jitter: number,
  ) {
    // The first probe comes within a fraction of the interval, spread so a fleet's probes do not fire together.
    this.schedule(Math.random() * Math.min(this.target.intervalMs, 1000) * 0.5);
  }

  private schedule(delayMs: number): void {
    if (this.stop.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.run();
    }, delayMs);
    // Probes alone must not keep a process alive; the server owning the manager does.
    this.timer.unref();
  }

  private async run(): Promise<void> {
    const outcome = await probeHttp(this.target, this.agent, this.stop.signal);
    if (this.stop.signal.aborted) return;
    this.onResult(this.target, outcome);
    const spread = 1 + (Math.random() * 2 - 1) * this.jitter;
    this.schedule(this.target.intervalMs * spread);
  }

  async close(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.timer);
    await this.inFlight;
    await this.agent.destroy();
  }
}

/**
 * Runs the active HTTP(S) probes of a changing set of targets and reports raw results to
 * the HealthTracker. setTargets() may be called on every config reload: unchanged targets
 * keep probing undisturbed, new ones start, removed ones stop, changed ones restart
 * (keeping their health state).
 */
export class ProbeManager {
  private readonly loops = new Map<string, ProbeLoop>();
  private readonly tracker: HealthTracker;
  private readonly logger: Logger;
  private readonly metrics: FleetMetrics;
  private readonly jitter: number;
  private closed = false;

  constructor(options: ProbeManagerOptions) {
    this.tracker = options.tracker;
    this.logger = (options.logger ?? createSilentLogger()).child({ module: 'fleet' });
    this.metrics = createFleetMetrics(options.registry);
    this.jitter = options.jitter ?? 0.1;
  }

  /**
   * Replace the set of probed targets. Validates every target first (throws
   * MERIDIAN_E_FLEET_TARGET_INVALID and changes nothing when one is bad).
   */
  setTargets(targets: readonly ProbeTarget[]): void {
    if (this.closed) return;
    const next = new Map<string, ResolvedProbeTarget>();
    targets.forEach((target, index) => {
      const resolved = resolveProbeTarget(target, `probe target [${index}]`);
      if (next.has(resolved.id)) {
        throw new FleetError(FleetErrorCode.TargetInvalid, `probe target [${index}]: id ${JSON.stringify(resolved.id)} is used twice`, {
          hint: 'give each health-checked target its own id',
        });
      }
      next.set(resolved.id, resolved);
    });
    for (const [id, loop] of this.loops) {
      const wanted = next.get(id);
      if (wanted && sameProbeTarget(wanted, loop.target)) continue;
      this.loops.delete(id);
      this.closeLoop(loop);
      if (!wanted) {
        this.tracker.untrack(id);
        this.logger.info({ target: id }, 'health probe removed');
      }
    }
    for (const [id, target] of next) {
      if (this.loops.has(id)) continue;
      this.tracker.track(id, { upThreshold: target.upThreshold, downThreshold: target.downThreshold, initial: target.initial });
      this.loops.set(id, new ProbeLoop(target, createProbeAgent(target), this.onResult, this.jitter));
      this.logger.info({ target: id, url: target.url, intervalMs: target.intervalMs }, 'health probe started');
    }
  }

  /** The targets being probed now, with defaults applied. */
  targets(): ResolvedProbeTarget[] {
    return [...this.loops.values()].map((loop) => loop.target);
  }

  /** Stop every probe and wait for in-flight ones to end. */
  async close(): Promise<void> {
    this.closed = true;
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((loop) => loop.close()));
  }

  private readonly onResult = (target: ResolvedProbeTarget, outcome: Awaited<ReturnType<typeof probeHttp>>): void => {
    this.metrics.probes.inc({ target: target.id, result: outcome.result });
    if (!outcome.ok) this.logger.debug({ target: target.id, reason: outcome.reason, durationMs: outcome.durationMs }, 'health probe failed');
    this.tracker.report(target.id, { ok: outcome.ok, reason: outcome.reason });
  };

  private closeLoop(loop: ProbeLoop): void {
    loop.close().catch((err: unknown) => this.logger.warn({ err, target: loop.target.id }, 'closing a health probe failed'));
  }
}

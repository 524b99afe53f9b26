import { FleetError, FleetErrorCode } from './errors.js';
import type { LoadView } from './types.js';

export interface LoadBoardOptions {
  /** A report older than this reads as unknown, so a node that stops reporting is not judged on old numbers. Default 30000 ms. */
  maxAgeMs?: number;
}

/** In-memory load reports (0..1 utilisation per target). The metadata store feeds it; routing reads it. */
export class LoadBoard implements LoadView {
  private readonly reports = new Map<string, { load: number; at: number }>();
  private readonly maxAgeMs: number;

  constructor(options: LoadBoardOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
  }

  /** Record a report; `at` is when it was measured (epoch ms), default now. */
  set(targetId: string, load: number, at: number = Date.now()): void {
    if (typeof load !== 'number' || !Number.isFinite(load) || load < 0 || load > 1) {
      throw new FleetError(FleetErrorCode.LoadInvalid, `load of ${targetId} must be a number in 0..1, got ${String(load)}`, {
        hint: 'report utilisation as a fraction: 0.75 for 75 %',
      });
    }
    this.reports.set(targetId, { load, at });
  }

  delete(targetId: string): void {
    this.reports.delete(targetId);
  }

  /** Every report held, for a copy in another thread. */
  snapshot(): Array<{ targetId: string; load: number; at: number }> {
    return [...this.reports].map(([targetId, { load, at }]) => ({ targetId, load, at }));
  }

  load(targetId: string): number | undefined {
    const report = this.reports.get(targetId);
    if (!report || Date.now() - report.at > this.maxAgeMs) return undefined;
    return report.load;
  }
}

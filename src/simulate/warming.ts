import { simulateFleet, type FleetSimulation } from './fleet-sim.js';
import { formatTable } from './report-table.js';
import type { FleetReport, PolicyName, WarmMode } from './types.js';

export interface WarmingRow {
  label: string;
  report: FleetReport;
}

const SETUPS: readonly [string, WarmMode][] = [
  ['no restart', 'keep'],
  ['restart, cold', 'none'],
  ['restart, warmed from peers', 'peers'],
];

/** One node at `atSeconds`: not restarted, back cold, back warmed from its region's peers (regional tier on, hashed parents). */
export function compareWarming(sim: FleetSimulation, policy: PolicyName, seed: number, node: string, atSeconds: number): WarmingRow[] {
  return SETUPS.map(([label, warm]) => ({
    label,
    report: simulateFleet(sim, { policy, regionalTier: true, parents: 'hash', seed, restart: { node, atSeconds, warm } }),
  }));
}

export function formatWarming(rows: readonly WarmingRow[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return formatTable(
    ['setup', 'node requests, hour after', 'node object hit', 'node byte hit', 'warmed objects', 'origin requests, whole run'],
    rows.map(({ label, report: r }) => [
      label,
      String(r.restart?.hourAfter.requests ?? 0),
      pct(r.restart?.hourAfter.objectHitRatio ?? 0),
      pct(r.restart?.hourAfter.byteHitRatio ?? 0),
      String(r.restart?.warmedObjects ?? 0),
      String(r.origin.requests),
    ]),
  );
}

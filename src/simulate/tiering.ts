import { simulateFleet, type FleetSimulation } from './fleet-sim.js';
import type { TieringRow } from './report-table.js';
import type { PolicyName } from './types.js';

/** The same trace and fleet three ways: edges straight to the origin, and behind the regional tier with hashed or random parents. */
export function compareTiering(sim: FleetSimulation, policy: PolicyName, seed: number): TieringRow[] {
  return [
    { label: 'edges only', report: simulateFleet(sim, { policy, regionalTier: false, parents: 'hash', seed }) },
    { label: 'regional tier, hashed parents', report: simulateFleet(sim, { policy, regionalTier: true, parents: 'hash', seed }) },
    { label: 'regional tier, random parents', report: simulateFleet(sim, { policy, regionalTier: true, parents: 'random', seed }) },
  ];
}

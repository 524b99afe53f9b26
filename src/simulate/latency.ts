import { greatCircleKm } from '../geo/index.js';

/** Light in fibre covers about 200 km per millisecond (two thirds of c). */
const FIBRE_KM_PER_MS = 200;
/** Real paths are longer than great circles; 1.5× is a common rule of thumb for inter-city routes. */
const ROUTE_INFLATION = 1.5;
/** Last mile, queueing and processing per hop, whatever the distance. */
const BASE_MS = 2;

/**
 * Estimated round trip between two points, milliseconds. A request costs one round trip per hop on
 * warm connections, so time to first byte ≈ client↔edge, + edge↔parent on an edge miss, + parent↔origin.
 */
export function roundTripMs(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return BASE_MS + (2 * greatCircleKm(lat1, lon1, lat2, lon2) * ROUTE_INFLATION) / FIBRE_KM_PER_MS;
}

/** p-quantile (0-1) of values, sorting a copy. */
export function quantile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

import { greatCircleKm } from '../../geo/index.js';
import { dependOn, note, type DecisionState, type RoutingEnv } from '../state.js';

/**
 * order: for `closest` pools, each candidate's great-circle distance from the client (values
 * without a location go last); for weighted pools every distance is 0 and the rendezvous
 * weights alone order them in the pick step. Equal distances (values of one site) tie, and
 * the weighted pick breaks the tie.
 */
export function orderCandidates(state: DecisionState, _env: RoutingEnv): void {
  const location = state.location;
  const closest = state.pool?.selection === 'closest';
  const lat = location?.latitude;
  const lon = location?.longitude;
  if (!closest || lat === undefined || lon === undefined) {
    state.distance.fill(0, 0, state.count);
    if (state.trace) note(state, 'order', closest ? 'closest selection, but the client has no coordinates: weighted' : 'weighted selection');
    return;
  }
  for (let i = 0; i < state.count; i++) {
    const value = state.candidates[i]!;
    state.distance[i] = Number.isNaN(value.lat) ? Number.POSITIVE_INFINITY : greatCircleKm(lat, lon, value.lat, value.lon);
  }
  dependOn(state, location?.networkPrefix || state.hashPrefix);
  if (state.trace) {
    const parts: string[] = [];
    for (let i = 0; i < state.count; i++) parts.push(`${state.candidates[i]!.value} ${Math.round(state.distance[i]!)} km`);
    note(state, 'order', `closest to ${lat},${lon}: ${parts.join(', ')}`);
  }
}

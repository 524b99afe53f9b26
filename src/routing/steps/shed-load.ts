import { note, type DecisionState, type RoutingEnv } from '../state.js';

/**
 * load: drop candidates whose reported load is above the pool's watermark. If that would
 * drop every candidate, keep them all: an overloaded node beats no answer, and shifting the
 * whole pool's traffic elsewhere is the fallback chain's job, driven by health.
 */
export function shedLoad(state: DecisionState, env: RoutingEnv): void {
  const pool = state.pool;
  const watermark = pool?.loadWatermark;
  if (watermark === undefined || env.load === undefined || state.count === 0) {
    if (state.trace) note(state, 'load', watermark === undefined ? 'no load watermark' : 'no load reports available');
    return;
  }
  let kept = 0;
  for (let i = 0; i < state.count; i++) {
    const load = env.load.load(state.candidates[i]!.value);
    if (load === undefined || load <= watermark) kept++;
  }
  if (kept === state.count || kept === 0) {
    if (state.trace) note(state, 'load', kept === 0 ? `every candidate is above watermark ${watermark}: keeping all` : `every candidate is at or below watermark ${watermark}`);
    return;
  }
  const shed: string[] | undefined = state.trace ? [] : undefined;
  let write = 0;
  for (let i = 0; i < state.count; i++) {
    const value = state.candidates[i]!;
    const load = env.load.load(value.value);
    if (load === undefined || load <= watermark) state.candidates[write++] = value;
    else shed?.push(`${value.value} (${load.toFixed(2)})`);
  }
  state.count = write;
  if (shed) note(state, 'load', `above watermark ${watermark}, shed: ${shed.join(', ')}`);
}

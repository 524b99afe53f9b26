import { note, type DecisionState, type RoutingEnv } from '../state.js';
import type { CompiledPool, CompiledValue } from '../types.js';

/** Is the value serving? Forced statuses win; `obey` reads the health view (unknown counts as up). */
function serving(value: CompiledValue, state: DecisionState, env: RoutingEnv): boolean {
  if (value.status === 'up') return true;
  if (value.status === 'down') return false;
  if (value.probeId === undefined || env.health === undefined) return true;
  const health = env.health.state(value.probeId);
  if (health === undefined) return true;
  if (health.changing) state.changing = true;
  return health.up;
}

function describe(pool: CompiledPool, env: RoutingEnv): string {
  return pool.values
    .map((v) => {
      if (v.status !== 'obey') return `${v.value} ${v.status} (status)`;
      if (v.probeId === undefined) return `${v.value} up (no health check)`;
      if (env.health === undefined) return `${v.value} up (health not tracked here)`;
      const health = env.health?.state(v.probeId);
      if (health === undefined) return `${v.value} up (no probe result yet)`;
      return `${v.value} ${health.up ? 'up' : 'down'}${health.changing ? ' (changing)' : ''}`;
    })
    .join(', ');
}

/**
 * health: keep the values of the rule's pool that serve; when none does, walk the pool's
 * fallback chain (octoDNS semantics). If the chain runs out, flag all-down and carry on with
 * the rule's pool minus administratively down values: the all-down policy decides at the end.
 */
export function filterHealth(state: DecisionState, env: RoutingEnv): void {
  const record = state.record;
  let pool = state.rulePool;
  // Validation rules out cycles; the bound keeps a bad compile from looping forever.
  for (let hops = 0; pool !== undefined && hops <= record.pools.length; hops++) {
    let count = 0;
    const values = pool.values;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (serving(value, state, env)) state.candidates[count++] = value;
    }
    if (state.trace) note(state, 'health', `pool ${pool.name}: ${describe(pool, env)}`);
    if (count > 0) {
      state.count = count;
      state.pool = pool;
      return;
    }
    const next: CompiledPool | undefined = pool.fallback >= 0 ? record.pools[pool.fallback] : undefined;
    if (state.trace) note(state, 'health', next ? `pool ${pool.name} has no serving value: fallback to pool ${next.name}` : `pool ${pool.name} has no serving value and no fallback`);
    pool = next;
  }
  state.allDown = true;
  state.pool = state.rulePool;
  let count = 0;
  const values = state.rulePool?.values ?? [];
  for (let i = 0; i < values.length; i++) {
    if (values[i]!.status !== 'down') state.candidates[count++] = values[i]!;
  }
  state.count = count;
  if (state.trace) note(state, 'health', `every pool in the chain is down: all-down policy '${record.allDown}' applies at the end`);
}

import { hashKey, rendezvousScore } from '../hash.js';
import { dependOn, note, type DecisionState, type RoutingEnv } from '../state.js';

/** Does candidate a go before candidate b? Nearer first, then the higher rendezvous score. */
function before(state: DecisionState, a: number, b: number): boolean {
  const da = state.distance[a]!;
  const db = state.distance[b]!;
  if (da !== db) return da < db;
  return state.score[a]! > state.score[b]!;
}

/**
 * pick: the pool's N answers by weighted rendezvous hashing on the client subnet. Each value
 * scores weight / -ln(hash(subnet, value)); the top N (after distance for closest pools) win.
 * A client keeps its node while the set is stable, and removing a value moves only the
 * clients it was winning.
 */
export function pickAnswers(state: DecisionState, _env: RoutingEnv): void {
  const count = state.count;
  const key = state.key;
  for (let i = 0; i < count; i++) {
    const value = state.candidates[i]!;
    state.score[i] = rendezvousScore(hashKey(value.seed, key[0]!, key[1]!, key[2]!, key[3]!), value.weight);
  }
  const n = Math.min(state.pool?.answers ?? 1, count);
  // Partial selection sort: N is small (1-16), so this beats sorting the whole pool.
  for (let k = 0; k < n; k++) {
    let best = k;
    for (let i = k + 1; i < count; i++) if (before(state, i, best)) best = i;
    if (best !== k) {
      const value = state.candidates[k]!;
      state.candidates[k] = state.candidates[best]!;
      state.candidates[best] = value;
      const d = state.distance[k]!;
      state.distance[k] = state.distance[best]!;
      state.distance[best] = d;
      const s = state.score[k]!;
      state.score[k] = state.score[best]!;
      state.score[best] = s;
    }
    state.answers[k] = state.candidates[k]!;
  }
  state.answerCount = n;
  if (count > n) dependOn(state, state.hashPrefix);
  if (state.trace) {
    const scores: string[] = [];
    for (let i = 0; i < count; i++) scores.push(`${state.candidates[i]!.value} w${state.candidates[i]!.weight} score ${state.score[i]!.toFixed(3)}`);
    note(state, 'pick', count > n
      ? `${n} of ${count} by rendezvous on client /${state.hashPrefix}: ${scores.join(', ')}`
      : `all ${count} candidate(s) answer (${n} wanted): ${scores.join(', ')}`);
  }
}

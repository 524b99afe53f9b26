import { note, type DecisionState, type RoutingEnv } from '../state.js';

/**
 * all-down policy, last: when the whole fallback chain is down, `all` keeps the answers
 * picked from the rule's pool as if every node were up (gdnsd and Route 53 do this: a
 * health-check outage must not take the name down); `fallback` answers the record's static
 * values; `empty` answers NODATA; `servfail` answers SERVFAIL.
 */
export function applyAllDownPolicy(state: DecisionState, _env: RoutingEnv): void {
  if (!state.allDown) {
    if (state.trace) note(state, 'all-down', 'not needed: a pool has serving values');
    return;
  }
  switch (state.record.allDown) {
    case 'all':
      if (state.trace) note(state, 'all-down', `policy all: answering from pool ${state.pool?.name} as if every node were up`);
      return;
    case 'fallback':
      state.useStatic = true;
      state.answerCount = 0;
      if (state.trace) note(state, 'all-down', 'policy fallback: answering the static values');
      return;
    case 'empty':
      state.answerCount = 0;
      if (state.trace) note(state, 'all-down', 'policy empty: NODATA');
      return;
    case 'servfail':
      state.answerCount = 0;
      state.rcode = 2;
      if (state.trace) note(state, 'all-down', 'policy servfail: SERVFAIL');
      return;
  }
}

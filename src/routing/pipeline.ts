/**
 * The order of the routing steps, in one place. Every step has the same signature and
 * leaves one or more lines in the trace when a trace is asked for.
 */
import type { DecisionState, RoutingEnv } from './state.js';
import { locate } from './steps/locate.js';
import { chooseRule } from './steps/choose-rule.js';
import { filterHealth } from './steps/filter-health.js';
import { shedLoad } from './steps/shed-load.js';
import { orderCandidates } from './steps/order.js';
import { pickAnswers } from './steps/pick.js';
import { applyAllDownPolicy } from './steps/all-down.js';

export type RoutingStep = (state: DecisionState, env: RoutingEnv) => void;

export const ROUTING_STEPS: readonly RoutingStep[] = Object.freeze([
  locate,
  chooseRule,
  filterHealth,
  shedLoad,
  orderCandidates,
  pickAnswers,
  applyAllDownPolicy,
]);

export function runPipeline(state: DecisionState, env: RoutingEnv): void {
  for (let i = 0; i < ROUTING_STEPS.length; i++) ROUTING_STEPS[i]!(state, env);
}

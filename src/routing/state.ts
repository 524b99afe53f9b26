/**
 * The working state of one decision, passed through every pipeline step. The engine owns
 * one and resets it per query: decisions are synchronous, so reusing it keeps the hot path
 * free of per-query allocations (candidate lists and scores live in preallocated arrays).
 */
import type { ClientSubnet } from '../dns/index.js';
import type { ClientLocation, GeoLocator } from '../geo/index.js';
import { createParsedAddress, type ParsedAddress } from './address.js';
import type { CompiledPool, CompiledRecord, CompiledRule, CompiledValue, RoutingHealth, RoutingLoad, TraceLine } from './types.js';

/** What steps may read besides the state: live facts about clients and nodes. */
export interface RoutingEnv {
  geo: GeoLocator | undefined;
  health: RoutingHealth | undefined;
  load: RoutingLoad | undefined;
}

export interface DecisionState {
  record: CompiledRecord;
  resolverAddress: string;
  ecs: ClientSubnet | undefined;

  /** locate */
  address: string;
  parsed: ParsedAddress;
  /** The query's ECS source prefix (0 without ECS): the cap on the scope we return. */
  sourcePrefix: number;
  /** Leading bits of the address the rendezvous hash uses (/24 IPv4, /56 IPv6, or fewer from ECS). */
  hashPrefix: number;
  /** The client subnet, masked to hashPrefix: the rendezvous key. */
  key: Uint32Array;
  location: ClientLocation | undefined;

  /** rule/pool */
  rule: CompiledRule | undefined;
  /** The pool the rule (or coverage map) chose. */
  rulePool: CompiledPool | undefined;
  /** The pool answers come from after the fallback chain. */
  pool: CompiledPool | undefined;
  ruleMask: Uint32Array;

  /** candidates[0..count) are in play; keys are per candidate index. */
  candidates: CompiledValue[];
  count: number;
  distance: Float64Array;
  score: Float64Array;
  /** answers[0..answerCount) are the decision. */
  answers: CompiledValue[];
  answerCount: number;

  allDown: boolean;
  /** Some candidate's health is in transition: answer with the short TTL. */
  changing: boolean;
  /** Longest prefix any client-dependent step relied on; -1 = nothing depended on the client. */
  dependsOnPrefix: number;
  useStatic: boolean;
  rcode: 0 | 2;
  /** Set only when a trace was asked for (explain): the DNS hot path builds no strings. */
  trace: TraceLine[] | undefined;
}

export function createDecisionState(capacity: number, ruleWords: number, record: CompiledRecord): DecisionState {
  return {
    record,
    resolverAddress: '',
    ecs: undefined,
    address: '',
    parsed: createParsedAddress(),
    sourcePrefix: 0,
    hashPrefix: 0,
    key: new Uint32Array(4),
    location: undefined,
    rule: undefined,
    rulePool: undefined,
    pool: undefined,
    ruleMask: new Uint32Array(ruleWords),
    candidates: new Array<CompiledValue>(capacity),
    count: 0,
    distance: new Float64Array(capacity),
    score: new Float64Array(capacity),
    answers: new Array<CompiledValue>(capacity),
    answerCount: 0,
    allDown: false,
    changing: false,
    dependsOnPrefix: -1,
    useStatic: false,
    rcode: 0,
    trace: undefined,
  };
}

export function resetState(
  state: DecisionState,
  record: CompiledRecord,
  resolverAddress: string,
  ecs: ClientSubnet | undefined,
  trace: TraceLine[] | undefined,
): void {
  state.record = record;
  state.resolverAddress = resolverAddress;
  state.ecs = ecs;
  state.address = resolverAddress;
  state.sourcePrefix = 0;
  state.hashPrefix = 0;
  state.location = undefined;
  state.rule = undefined;
  state.rulePool = undefined;
  state.pool = undefined;
  state.count = 0;
  state.answerCount = 0;
  state.allDown = false;
  state.changing = false;
  state.dependsOnPrefix = -1;
  state.useStatic = false;
  state.rcode = 0;
  state.trace = trace;
}

/** Records that the answer depends on the client's /prefix network. */
export function dependOn(state: DecisionState, prefix: number): void {
  if (prefix > state.dependsOnPrefix) state.dependsOnPrefix = prefix;
}

/** The ECS scope to return (RFC 7871 section 7.2.1): never longer than the query's source prefix. */
export function scopeOf(state: DecisionState): number {
  if (state.dependsOnPrefix < 0) return 0;
  return Math.min(state.dependsOnPrefix, state.sourcePrefix);
}

/** One trace line; call only under `if (state.trace)` so the hot path builds no strings. */
export function note(state: DecisionState, step: string, reason: string): void {
  state.trace?.push({ step, reason });
}

/**
 * RoutingEngine: the DNS server's DynamicResolver. It holds the compiled routing zones
 * (swapped whole on reload, so a query sees one version) and runs the pipeline per query.
 */
import type { ClientSubnet, DnsQuestionContext, DynamicAnswer, DynamicRecord, DynamicResolver } from '../dns/index.js';
import type { GeoLocator } from '../geo/index.js';
import { RoutingError, RoutingErrorCode } from './errors.js';
import { runPipeline } from './pipeline.js';
import { mergeProbes } from './probes.js';
import { createDecisionState, resetState, scopeOf, type DecisionState, type RoutingEnv } from './state.js';
import { ruleMaskWords } from './subnet-index.js';
import type { CompiledRecord, CompiledValue, Decision, ProbeSpec, RoutingHealth, RoutingLoad, RoutingZone, SampledQuery, TraceLine } from './types.js';

export interface RoutingEngineOptions {
  geo?: GeoLocator;
  health?: RoutingHealth;
  load?: RoutingLoad;
  zones?: readonly RoutingZone[];
}

interface DecisionSampler {
  listener: (query: SampledQuery) => void;
  /** Set by the timer; cleared when a query was handed over. */
  due: boolean;
  /** undefined for interval 0 (every query). */
  timer: NodeJS.Timeout | undefined;
}

const TYPE_NAMES: Record<number, string> = { 1: 'A', 28: 'AAAA', 5: 'CNAME' };
const EMPTY: readonly DynamicRecord[] = Object.freeze([]);

export class RoutingEngine implements DynamicResolver {
  readonly #env: RoutingEnv;
  /** Routing file → its zone; the merged name index is rebuilt from these on every change. */
  #zones = new Map<string, RoutingZone>();
  #names = new Map<string, readonly CompiledRecord[]>();
  #probes: ProbeSpec[] = [];
  #state: DecisionState | undefined;
  readonly #listeners = new Set<() => void>();
  /** Decision samplers; a timer per sampler raises `#sampleDue`, so the hot path checks one boolean. */
  #samplers: DecisionSampler[] = [];
  #sampleDue = false;

  constructor(options: RoutingEngineOptions = {}) {
    this.#env = { geo: options.geo, health: options.health, load: options.load };
    for (const zone of options.zones ?? []) this.#zones.set(zone.file, zone);
    this.#rebuild();
  }

  /** Serve a (new version of a) routing file; replaces the previous version of the same file. */
  setZone(zone: RoutingZone): void {
    this.#zones.set(zone.file, zone);
    this.#rebuild();
  }

  removeZone(file: string): void {
    if (this.#zones.delete(file)) this.#rebuild();
  }

  zones(): RoutingZone[] {
    return [...this.#zones.values()];
  }

  /** Every probe the current records need (deduplicated): hand these to the fleet's prober. */
  probes(): readonly ProbeSpec[] {
    return this.#probes;
  }

  /** Called after every change of the records (to rebuild the probe set). Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Sample routed queries for observers (the status page's recent decisions): the listener
   * gets at most one query every `intervalMs` (default 1000), synchronously, on the DNS hot
   * path, so it must only queue it; build the traced decision (`explain`) later, off that path.
   * A throwing listener never fails the query. Returns the unsubscribe function.
   */
  onDecision(listener: (query: SampledQuery) => void, options: { intervalMs?: number } = {}): () => void {
    const intervalMs = options.intervalMs ?? 1000;
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new RoutingError(RoutingErrorCode.badQuery, `decision sampling interval must be a number of ms >= 0, got ${String(intervalMs)}`);
    }
    const sampler: DecisionSampler = { listener, due: true, timer: undefined };
    if (intervalMs > 0) {
      sampler.timer = setInterval(() => {
        sampler.due = true;
        this.#sampleDue = true;
      }, intervalMs);
      sampler.timer.unref();
    }
    this.#samplers = [...this.#samplers, sampler];
    this.#sampleDue = true;
    return () => {
      clearInterval(sampler.timer);
      this.#samplers = this.#samplers.filter((s) => s !== sampler);
    };
  }

  #sample(question: DnsQuestionContext): void {
    let due = false;
    for (const sampler of this.#samplers) {
      if (!sampler.due) continue;
      // Interval 0 has no timer: it stays due and sees every query.
      sampler.due = sampler.timer === undefined;
      due ||= sampler.due;
      try {
        sampler.listener({ at: Date.now(), name: question.name, type: question.type, client: question.clientAddress, ecs: question.ecs });
      } catch {
        // An observer's bug must not turn answers into SERVFAIL; the sample is simply lost.
      }
    }
    this.#sampleDue = due;
  }

  /** Routed records of a name, or undefined when the name has none. */
  recordsOf(name: string): readonly CompiledRecord[] | undefined {
    return this.#names.get(name);
  }

  resolve(question: DnsQuestionContext): DynamicAnswer | undefined {
    const records = this.#names.get(question.name);
    if (records === undefined) return undefined;
    if (this.#sampleDue) this.#sample(question);
    const record = pickRecord(records, question.type);
    if (record === undefined) return { records: EMPTY as DynamicRecord[], ecsScopePrefix: 0 };
    if (record.pools.length === 0) return { records: record.staticValues.map((v) => v.recordMax), ecsScopePrefix: 0 };
    const state = this.#stateFor(record);
    resetState(state, record, question.clientAddress, question.ecs, undefined);
    runPipeline(state, this.#env);
    return { records: answerRecords(state), ecsScopePrefix: scopeOf(state), rcode: state.rcode };
  }

  /** The decision for a name with every step's reason: `route explain` and GET /v1/route. */
  explain(query: { name: string; type?: string | number; client: string; ecs?: ClientSubnet }): Decision {
    const name = query.name.toLowerCase().replace(/\.$/, '');
    const typeCode = typeof query.type === 'number' ? query.type : typeCodeOf(query.type ?? 'A');
    const records = this.#names.get(name);
    const base = { name, type: TYPE_NAMES[typeCode] ?? String(typeCode), locatedAddress: query.ecs?.sourcePrefix ? query.ecs.address : query.client };
    const trace: TraceLine[] = [];
    if (records === undefined) {
      throw new RoutingError(RoutingErrorCode.badQuery, `no routing record for ${name}`, {
        hint: `routed names: ${[...this.#names.keys()].sort().join(', ') || '(none)'}`,
      });
    }
    const record = pickRecord(records, typeCode);
    if (record === undefined) {
      trace.push({ step: 'record', reason: `${name} has routing records of type ${records.map((r) => r.typeName).join(', ')} only: NODATA` });
      return { ...base, answers: [], ttl: 0, ecsScopePrefix: 0, rcode: 0, rule: null, pool: null, trace };
    }
    trace.push({ step: 'record', reason: `${record.typeName} ${record.name} from ${record.file}:${record.line}` });
    if (record.pools.length === 0) {
      trace.push({ step: 'static', reason: 'no dynamic pools: the static values answer every client' });
      return { ...base, answers: record.staticValues.map((v) => v.value), ttl: record.ttl, ecsScopePrefix: 0, rcode: 0, rule: null, pool: null, trace };
    }
    const state = createDecisionState(record.maxCandidates, ruleMaskWords(record.rules.length), record);
    resetState(state, record, query.client, query.ecs, trace);
    runPipeline(state, this.#env);
    const answerSet = answerRecords(state);
    const answers = state.useStatic ? record.staticValues.map((v) => v.value) : state.answers.slice(0, state.answerCount).map((v) => v.value);
    return {
      ...base,
      locatedAddress: state.address,
      answers,
      ttl: answerSet[0]?.ttl ?? ttlOf(state),
      ecsScopePrefix: scopeOf(state),
      rcode: state.rcode,
      rule: state.rule?.index ?? null,
      pool: state.pool?.name ?? null,
      trace,
    };
  }

  #stateFor(record: CompiledRecord): DecisionState {
    // #rebuild sizes the shared state for the largest pool and rule list, so it always fits.
    this.#state ??= createDecisionState(record.maxCandidates, ruleMaskWords(record.rules.length), record);
    return this.#state;
  }

  #rebuild(): void {
    const names = new Map<string, readonly CompiledRecord[]>();
    let capacity = 8;
    let rules = 1;
    for (const zone of this.#zones.values()) {
      for (const [name, records] of zone.names) {
        names.set(name, records);
        for (const r of records) {
          capacity = Math.max(capacity, r.maxCandidates);
          rules = Math.max(rules, r.rules.length);
        }
      }
    }
    this.#names = names;
    this.#probes = mergeProbes([...this.#zones.values()].map((z) => z.probes));
    const first = names.values().next().value?.[0];
    // Sized for the largest pool and rule list, so queries never grow it.
    this.#state = first ? createDecisionState(capacity, ruleMaskWords(rules), first) : undefined;
    for (const listener of this.#listeners) listener();
  }
}

/** A CNAME answers every type (RFC 1034 section 3.6.2); otherwise the record of the asked type. */
function pickRecord(records: readonly CompiledRecord[], type: number): CompiledRecord | undefined {
  let match: CompiledRecord | undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.type === 5) return r;
    if (r.type === type) match = r;
  }
  return match;
}

function ttlOf(state: DecisionState): number {
  const short = state.changing || state.allDown;
  return short ? state.record.ttlMin : state.record.ttlMax;
}

function answerRecords(state: DecisionState): DynamicRecord[] {
  const short = state.changing || state.allDown;
  const source: readonly CompiledValue[] = state.useStatic ? state.record.staticValues : state.answers;
  const count = state.useStatic ? source.length : state.answerCount;
  const out = new Array<DynamicRecord>(count);
  for (let i = 0; i < count; i++) out[i] = short ? source[i]!.recordMin : source[i]!.recordMax;
  return out;
}

function typeCodeOf(type: string): number {
  const upper = type.toUpperCase();
  if (upper === 'A') return 1;
  if (upper === 'AAAA') return 28;
  if (upper === 'CNAME') return 5;
  throw new RoutingError(RoutingErrorCode.badQuery, `type ${type} is not routed`, { hint: 'use A, AAAA or CNAME' });
}

/**
 * The StatusSource of `meridian dns` and the demo, built from the real parts: the routing
 * engine's records (the nodes the operator wrote down), the HealthTracker and LoadBoard
 * (live health and load), the metadata store (registered nodes, purges and their acks) and
 * a sample of the engine's decisions. `snapshot()` only reads in-memory copies: the store is
 * polled in the background, decisions are traced off the DNS hot path.
 */
import type { ClientSubnet } from '../dns/index.js';
import { describeError } from '../errors/index.js';
import type { HealthChange, HealthState, LoadView } from '../fleet/index.js';
import { describeScope, loadScore, type MetaStore, type NodeStatus, type PurgeAck, type PurgeEvent } from '../meta/index.js';
import type { CompiledValue, RoutingEngine, SampledQuery } from '../routing/index.js';
import { createSilentLogger, type Logger } from '../telemetry/index.js';
import type { RecentBuffer } from './recent-buffer.js';
import type { StatusDecision, StatusNode, StatusPurge, StatusSnapshot, StatusSource } from './types.js';

/** What the source reads of the fleet's HealthTracker. */
export interface FleetHealth {
  state(targetId: string): HealthState | undefined;
  onChange(listener: (change: HealthChange) => void): () => void;
}

export interface FleetStatusSourceOptions {
  engine: RoutingEngine;
  health: FleetHealth;
  /** Load per value (the LoadBoard the metadata store feeds); none = load unknown for YAML nodes. */
  load?: LoadView | undefined;
  /** The metadata store: registered nodes, purges and acks. None = YAML nodes only, no purges. */
  meta?: MetaStore | undefined;
  /** Where sampled decisions go (the page shows the newest). */
  decisions: RecentBuffer<StatusDecision>;
  /** At most one decision traced per this many ms. Default 1000. */
  decisionIntervalMs?: number;
  /** How often the metadata store is read. Default 1000. */
  pollMs?: number;
  /** Purges kept for the page (in flight, or finished within `purgeLingerMs`). Default 100. */
  maxPurges?: number;
  /** How long a purge every live node acked stays listed, so the page shows it completing. Default 60000. */
  purgeLingerMs?: number;
  logger?: Logger;
}

export interface FleetStatusSource extends StatusSource {
  /** Read the metadata store now (the poller does this every `pollMs`). Never rejects. */
  refresh(): Promise<void>;
  /** Stop sampling and polling. */
  close(): void;
}

const MAX_PENDING_DECISIONS = 16;

export function createFleetStatusSource(options: FleetStatusSourceOptions): FleetStatusSource {
  const logger = (options.logger ?? createSilentLogger()).child({ module: 'status' });
  const { engine, health, load, meta, decisions } = options;
  const maxPurges = options.maxPurges ?? 100;
  const lingerMs = options.purgeLingerMs ?? 60_000;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        logger.warn({ err }, `status listener failed: ${describeError(err)}`);
      }
    }
  };

  // Decisions: the engine hands over a sampled query; the trace is built on the next turn of the loop.
  let decisionCount = 0;
  const pending: SampledQuery[] = [];
  let draining = false;
  const drain = (): void => {
    draining = false;
    for (const query of pending.splice(0)) {
      const decision = traceDecision(engine, query, `${query.at.toString(36)}-${(++decisionCount).toString(36)}`);
      if (decision) decisions.push(decision);
    }
    notify();
  };
  const stopSampling = engine.onDecision(
    (query) => {
      if (pending.length >= MAX_PENDING_DECISIONS) return;
      pending.push(query);
      if (!draining) {
        draining = true;
        setImmediate(drain);
      }
    },
    { intervalMs: options.decisionIntervalMs ?? 1000 },
  );
  const stopHealth = health.onChange(() => notify());

  // Metadata store: polled, never read by snapshot() directly.
  let registered: readonly NodeStatus[] = [];
  let acks = new Map<string, PurgeAck>();
  const purges: PurgeEvent[] = [];
  // Redis stream ids start with the ms they were written: begin a few minutes back, not at the
  // start of a 100k-entry stream. The in-process store numbers its entries from 0.
  let cursor = meta?.kind === 'redis' ? `${Date.now() - 10 * 60_000}-0` : '0-0';
  let failing = false;
  let refreshing: Promise<void> | undefined;
  // When each listed purge was first seen acked by every live node: the page's purge latency.
  const completions = new Map<number, number | undefined>();
  const seenPending = new Set<number>();
  let lastPollAt: number | undefined;
  const poll = async (store: MetaStore): Promise<void> => {
    const startedAt = Date.now();
    try {
      const [nodes, acked] = await Promise.all([store.listNodes(), store.acks()]);
      for (let page = 0; page < 20; page++) {
        const batches = await store.read(cursor, { count: 500, blockMs: 0 });
        for (const batch of batches) {
          purges.push(...batch.events);
          cursor = batch.id;
        }
        if (purges.length > maxPurges) purges.splice(0, purges.length - maxPurges);
        if (batches.length < 500) break;
      }
      const changed = nodes.length !== registered.length || acked.size !== acks.size || [...acked].some(([id, ack]) => acks.get(id)?.sequence !== ack.sequence);
      registered = nodes;
      acks = acked;
      trackCompletions(purges, nodes, acked, lastPollAt, Date.now(), completions, seenPending);
      lastPollAt = startedAt;
      if (failing) logger.info('metadata store readable again: status page shows live nodes and purges');
      failing = false;
      if (changed) notify();
    } catch (err) {
      if (!failing) logger.warn({ err: describeError(err) }, 'cannot read the metadata store; the status page keeps the last nodes and purges');
      failing = true;
    }
  };
  const refresh = (): Promise<void> => {
    if (!meta) return Promise.resolve();
    refreshing ??= poll(meta).finally(() => (refreshing = undefined));
    return refreshing;
  };
  let timer: NodeJS.Timeout | undefined;
  if (meta) {
    void refresh();
    timer = setInterval(() => void refresh(), options.pollMs ?? 1000);
    timer.unref();
  }

  return {
    snapshot(): StatusSnapshot {
      const now = Date.now();
      return {
        generatedAt: now,
        nodes: fleetNodes(engine, health, load, registered),
        decisions: decisions.newest(),
        purges: purgesInFlight(purges, registered, acks, completions, now, lingerMs),
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    close() {
      stopSampling();
      stopHealth();
      if (timer) clearInterval(timer);
      listeners.clear();
      pending.length = 0;
    },
  };
}

function clientText(client: string, ecs: ClientSubnet | undefined): string {
  return ecs && ecs.sourcePrefix > 0 ? `${ecs.address}/${ecs.sourcePrefix}` : client;
}

/** The sampled query with its full trace; undefined when it no longer routes (a reload removed the name). */
function traceDecision(engine: RoutingEngine, query: SampledQuery, id: string): StatusDecision | undefined {
  try {
    const decision = engine.explain({ name: query.name, type: query.type, client: query.client, ...(query.ecs ? { ecs: query.ecs } : {}) });
    return {
      at: query.at,
      id,
      name: decision.name,
      client: clientText(query.client, query.ecs),
      answers: decision.answers,
      trace: decision.trace.map((line) => `${line.step}: ${line.reason}`),
    };
  } catch {
    return undefined;
  }
}

function healthOf(value: CompiledValue, health: FleetHealth): Pick<StatusNode, 'health' | 'healthDetail'> {
  if (value.status === 'up') return { health: 'up', healthDetail: 'forced up in the routing file' };
  if (value.status === 'down') return { health: 'down', healthDetail: 'forced down in the routing file' };
  const state = value.probeId === undefined ? undefined : health.state(value.probeId);
  if (!state) return { health: 'unknown' };
  if (state.up) return { health: 'up' };
  return state.lastFailure === undefined ? { health: 'down' } : { health: 'down', healthDetail: state.lastFailure };
}

/**
 * The routing files' A/AAAA values (one node per address, first pool wins) merged with the
 * registry's nodes: a registered node whose address a value names becomes one node with the
 * registry's identity and the probe's health; registered nodes nobody routes to are listed too.
 */
function fleetNodes(engine: RoutingEngine, health: FleetHealth, load: LoadView | undefined, registered: readonly NodeStatus[]): StatusNode[] {
  const byAddress = new Map<string, StatusNode>();
  for (const zone of engine.zones()) {
    for (const records of zone.names.values()) {
      for (const record of records) {
        if (record.type === 5) continue;
        // Static values are answered whatever their health (status 'up' is their compiled default), so nobody checks them.
        const placed = [
          ...record.pools.flatMap((pool) => pool.values.map((value) => ({ value, region: pool.name, checked: true }))),
          ...record.staticValues.map((value) => ({ value, region: '', checked: false })),
        ];
        for (const { value, region, checked } of placed) {
          const known = byAddress.get(value.value);
          if (known) {
            if (known.region === '' && region !== '') known.region = region;
            continue;
          }
          byAddress.set(value.value, {
            id: value.value,
            region,
            tier: 'edge',
            address: value.value,
            location: Number.isFinite(value.lat) && Number.isFinite(value.lon) ? { lat: value.lat, lon: value.lon } : undefined,
            ...(checked ? healthOf(value, health) : { health: 'unknown' as const }),
            load: load?.load(value.value),
            hitRatio: undefined,
          });
        }
      }
    }
  }
  const nodes: StatusNode[] = [];
  for (const node of registered) {
    const routed = node.addresses.map((address) => byAddress.get(address)).find((n) => n !== undefined);
    for (const address of node.addresses) byAddress.delete(address);
    nodes.push({
      id: node.id,
      region: node.region,
      tier: node.tier,
      address: routed?.address ?? node.addresses[0] ?? '',
      location: node.location,
      // The registry lists only nodes heartbeating within their ttl; a probe, when there is one, knows better.
      health: routed && routed.health !== 'unknown' ? routed.health : 'up',
      ...(routed?.healthDetail === undefined ? {} : { healthDetail: routed.healthDetail }),
      load: loadScore(node),
      hitRatio: node.load.hitRatio,
      requestsPerSecond: node.load.requestsPerSecond,
    });
  }
  return [...nodes, ...byAddress.values()];
}

const pendingNodes = (event: PurgeEvent, nodes: readonly NodeStatus[], acks: ReadonlyMap<string, PurgeAck>): string[] =>
  nodes.filter((node) => (acks.get(node.id)?.sequence ?? 0) < event.sequence).map((node) => node.id);

/**
 * Note, after a poll, the purges every live node has now acked. The moment is the poll's
 * (exact to `pollMs`) when this source saw the purge pending before, or it was issued since
 * the previous poll; otherwise (already complete when first read) it is unknown: undefined.
 * Only listed purges are remembered.
 */
function trackCompletions(
  events: readonly PurgeEvent[],
  nodes: readonly NodeStatus[],
  acks: ReadonlyMap<string, PurgeAck>,
  lastPollAt: number | undefined,
  now: number,
  completions: Map<number, number | undefined>,
  seenPending: Set<number>,
): void {
  const listed = new Set<number>();
  for (const event of events) {
    listed.add(event.sequence);
    if (completions.has(event.sequence)) continue;
    if (pendingNodes(event, nodes, acks).length > 0) {
      seenPending.add(event.sequence);
      continue;
    }
    const timed = seenPending.delete(event.sequence) || (lastPollAt !== undefined && event.issuedAt >= lastPollAt);
    completions.set(event.sequence, timed ? now : undefined);
  }
  for (const sequence of completions.keys()) if (!listed.has(sequence)) completions.delete(sequence);
  for (const sequence of seenPending) if (!listed.has(sequence)) seenPending.delete(sequence);
}

/**
 * Purges some live node has not acknowledged yet, plus the ones every live node acked within
 * `lingerMs` (so the page shows a purge completing; counted from issue when the moment of
 * completion is unknown). A node's ack is its applied sequence.
 */
function purgesInFlight(
  events: readonly PurgeEvent[],
  nodes: readonly NodeStatus[],
  acks: ReadonlyMap<string, PurgeAck>,
  completions: ReadonlyMap<number, number | undefined>,
  now: number,
  lingerMs: number,
): StatusPurge[] {
  const out: StatusPurge[] = [];
  for (const event of events) {
    const pending = pendingNodes(event, nodes, acks);
    const completedAt = pending.length === 0 ? completions.get(event.sequence) : undefined;
    if (pending.length === 0 && now - (completedAt ?? event.issuedAt) > lingerMs) continue;
    out.push({
      sequence: event.sequence,
      scope: `${event.soft ? 'soft ' : ''}${describeScope(event.scope)}`,
      issuedAt: event.issuedAt,
      acked: nodes.length - pending.length,
      pending,
      ...(completedAt === undefined ? {} : { completedAt }),
    });
  }
  return out;
}

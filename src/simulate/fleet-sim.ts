import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { rendezvousOrder } from '../cache/index.js';
import { greatCircleKm, type GeoLocator } from '../geo/index.js';
import type { RoutingEngine } from '../routing/index.js';
import { createSimCache, nextUses, type SimCache } from './cache-models.js';
import { expectedEntriesFor, Tally } from './compare.js';
import { SimulateError, SimulateErrorCode } from './errors.js';
import { roundTripMs, quantile } from './latency.js';
import { createRandom } from './random.js';
import { catalogueBytes } from './trace-builder.js';
import type { Fleet, FleetNode, FleetReport, FleetRunOptions, HitCounts, NodeReport, NodeTier, RestartOptions, RestartReport, Trace } from './types.js';

export interface FleetSimulation {
  trace: Trace;
  fleet: Fleet;
  /** The real routing engine, loaded from the zone files; `obey` values count as up (nothing is probed). */
  engine: RoutingEngine;
  /** Locates clients for the nearest-region share and the latency estimate. */
  locator: GeoLocator | undefined;
}

const UNROUTED = -1;
const TYPE_A = 1;
const TYPE_AAAA = 28;

/**
 * Replays the trace through the fleet, one tier at a time: every request is routed (client → edge)
 * by the routing engine, each edge's stream runs through its cache, the edges' misses go to a parent
 * (rendezvous hash of the key, as the cache node picks it, or a random one) and each regional's
 * stream through its cache; what is left goes to the origin. Tier by tier is exact here because
 * nothing flows back down (no expiry, no coalescing), and it gives Belady every cache's future.
 */
export function simulateFleet(sim: FleetSimulation, options: FleetRunOptions): FleetReport {
  const { trace, fleet } = sim;
  if (options.restart && !fleet.nodes.some((n) => n.id === options.restart!.node)) {
    throw new SimulateError(SimulateErrorCode.optionsInvalid, `restart: no node ${options.restart.node} in the fleet`, { hint: `nodes: ${fleet.nodes.map((n) => n.id).join(', ')}` });
  }
  const edges = fleet.nodes.filter((n) => n.tier === 'edge');
  const regionals = options.regionalTier ? fleet.nodes.filter((n) => n.tier === 'regional') : [];
  const clients = routeClients(sim, edges);
  const edgeOf = new Int32Array(trace.length);
  for (let i = 0; i < trace.length; i++) edgeOf[i] = clients.edge[trace.clientIndex[i]!]!;

  const meanObject = catalogueBytes(trace) / Math.max(1, trace.urls.length);
  const edgeRun = runTier(trace, edges, edgeOf, options, meanObject);
  const edgeHit = edgeRun.hit;

  const parentOf = new Int32Array(trace.length).fill(UNROUTED);
  if (regionals.length > 0) {
    const pickParent = parentPicker(edges, regionals, options);
    for (let i = 0; i < trace.length; i++) {
      if (edgeOf[i] !== UNROUTED && !edgeHit[i]) parentOf[i] = pickParent(edgeOf[i]!, trace.urls[trace.objectIndex[i]!]!);
    }
  }
  const regionalRun = runTier(trace, regionals, parentOf, options, meanObject);
  const report = buildReport(sim, options, { edges, regionals, clients, edgeOf, edgeHit, parentOf, regionalHit: regionalRun.hit });
  const restart = edgeRun.restart ?? regionalRun.restart;
  return restart ? { ...report, restart } : report;
}

interface RoutedClients {
  edge: Int32Array;
  latitude: Float64Array;
  longitude: Float64Array;
  located: Uint8Array;
  /** 1 when the client's edge is in the region of its nearest edge. */
  nearest: Uint8Array;
}

/** One routing decision per distinct client: nothing changes during a replay (no probes, no load). */
function routeClients(sim: FleetSimulation, edges: readonly FleetNode[]): RoutedClients {
  const count = sim.trace.clients.length;
  // The record type asked follows the edges' addresses, not the client's family: an IPv6 client
  // of an IPv4 fleet still gets its edge from the A record, located by its own address.
  const type = edges.some((n) => isIPv6(n.address)) ? TYPE_AAAA : TYPE_A;
  // Both sides in ipaddr.js's canonical text, so `2001:db8::1` in the fleet file matches any spelling.
  const byAddress = new Map(edges.map((n, i) => [ipaddr.parse(n.address).toString(), i]));
  const out: RoutedClients = { edge: new Int32Array(count).fill(UNROUTED), latitude: new Float64Array(count), longitude: new Float64Array(count), located: new Uint8Array(count), nearest: new Uint8Array(count) };
  for (let c = 0; c < count; c++) {
    const client = sim.trace.clients[c]!;
    const answer = sim.engine.resolve({ name: sim.fleet.name, type, zone: '', clientAddress: client });
    const rdata = answer?.records[0]?.rdata;
    const address = rdata === undefined ? undefined : ipaddr.fromByteArray([...rdata]).toString();
    out.edge[c] = address === undefined ? UNROUTED : (byAddress.get(address) ?? UNROUTED);
    const where = sim.locator?.locate(client);
    if (where?.latitude === undefined || where.longitude === undefined) continue;
    out.located[c] = 1;
    out.latitude[c] = where.latitude;
    out.longitude[c] = where.longitude;
    let best = 0;
    let bestKm = Infinity;
    edges.forEach((n, i) => {
      const km = greatCircleKm(where.latitude!, where.longitude!, n.latitude, n.longitude);
      if (km < bestKm) [best, bestKm] = [i, km];
    });
    out.nearest[c] = out.edge[c] !== UNROUTED && edges[out.edge[c]!]!.region === edges[best]!.region ? 1 : 0;
  }
  return out;
}

/** Each node's cache over its own stream (requests with `nodeOf[i]` = its index); returns per-request hits. */
function runTier(trace: Trace, nodes: readonly FleetNode[], nodeOf: Int32Array, options: FleetRunOptions, meanObject: number): TierRun {
  const hit = new Uint8Array(trace.length);
  const streams: number[][] = nodes.map(() => []);
  for (let i = 0; i < trace.length; i++) if (nodeOf[i]! >= 0) streams[nodeOf[i]!]!.push(i);
  let restart: RestartReport | undefined;
  nodes.forEach((node, n) => {
    const positions = streams[n]!;
    const objects = Uint32Array.from(positions, (i) => trace.objectIndex[i]!);
    const next = nextUses(objects, trace.urls.length);
    const create = () =>
      createSimCache(options.policy, { budgetBytes: node.capacityBytes, objects: trace.urls.length, expectedEntries: expectedEntriesFor(node.capacityBytes, meanObject) });
    let cache = create();
    const restartAt = options.restart?.node === node.id ? restartPosition(trace, positions, options.restart.atSeconds) : -1;
    positions.forEach((i, k) => {
      if (k === restartAt) {
        if (options.restart!.warm !== 'keep') cache = create();
        restart = warmFromPeers(trace, nodes, streams, n, positions, k, cache, options.restart!);
      }
      const object = objects[k]!;
      if (cache.request(object, trace.urls[object]!, trace.sizes[i]!, next[k]!)) hit[i] = 1;
    });
    if (restart && restart.node === node.id) restart.hourAfter = hourAfter(trace, positions, restartAt, hit);
  });
  return { hit, restart };
}

interface TierRun {
  hit: Uint8Array;
  restart: RestartReport | undefined;
}

/** Index in the node's stream of its first request at or after the restart time; -1 if none. */
function restartPosition(trace: Trace, positions: readonly number[], atSeconds: number): number {
  const at = (trace.length > 0 ? trace.times[0]! : 0) + atSeconds;
  return positions.findIndex((i) => trace.times[i]! >= at);
}

/**
 * Rehydration as a joining node would do it: ask the peers (same tier, same region) for their
 * hottest keys of the last hour and load them, hottest first, until the byte bound is reached.
 */
function warmFromPeers(trace: Trace, nodes: readonly FleetNode[], streams: readonly number[][], n: number, positions: readonly number[], k: number, cache: SimCache, options: RestartOptions): RestartReport {
  const report: RestartReport = { node: nodes[n]!.id, atSeconds: options.atSeconds, warm: options.warm, warmedObjects: 0, warmedBytes: 0, hourAfter: new Tally().counts() };
  if (options.warm !== 'peers') return report;
  const now = trace.times[positions[k]!]!;
  const counts = new Map<number, number>();
  const sizes = new Map<number, number>();
  nodes.forEach((peer, p) => {
    if (p === n || peer.region !== nodes[n]!.region) return;
    for (const i of streams[p]!) {
      if (trace.times[i]! >= now) break;
      if (trace.times[i]! < now - 3600) continue;
      const object = trace.objectIndex[i]!;
      counts.set(object, (counts.get(object) ?? 0) + 1);
      sizes.set(object, trace.sizes[i]!);
    }
  });
  // Belady's warmed entries need their next use in this node's stream.
  const nextUse = new Map<number, number>();
  for (let j = positions.length - 1; j >= k; j--) nextUse.set(trace.objectIndex[positions[j]!]!, j);
  const bound = options.warmBytes ?? nodes[n]!.capacityBytes;
  const hottest = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [object, count] of hottest) {
    const size = sizes.get(object)!;
    if (report.warmedBytes + size > bound) continue;
    if (!cache.warm(object, trace.urls[object]!, size, nextUse.get(object) ?? positions.length * 2 + object, count)) continue;
    report.warmedObjects++;
    report.warmedBytes += size;
  }
  return report;
}

function hourAfter(trace: Trace, positions: readonly number[], from: number, hit: Uint8Array): HitCounts {
  const tally = new Tally();
  if (from < 0) return tally.counts();
  const end = trace.times[positions[from]!]! + 3600;
  for (let k = from; k < positions.length && trace.times[positions[k]!]! < end; k++) tally.add(trace.sizes[positions[k]!]!, hit[positions[k]!] === 1);
  return tally.counts();
}

/**
 * An edge's parents are the regional nodes of its own region, or all of them when its region has
 * none. `hash` uses the cache node's own rendezvousOrder (so every edge sends a key to the same
 * parent); `random` spreads each miss anywhere among the parents (seeded).
 */
function parentPicker(edges: readonly FleetNode[], regionals: readonly FleetNode[], options: FleetRunOptions): (edge: number, url: string) => number {
  const indexOf = new Map(regionals.map((n, i) => [n.id, i]));
  const parentsOf = edges.map((edge) => {
    const local = regionals.filter((r) => r.region === edge.region);
    return (local.length > 0 ? local : regionals).map((r) => r.id);
  });
  if (options.parents === 'random') {
    const random = createRandom(options.seed ^ 0x2b2b2b2b);
    return (edge) => {
      const ids = parentsOf[edge]!;
      return indexOf.get(ids[Math.floor(random() * ids.length)]!)!;
    };
  }
  // rendezvousOrder hashes per call; a key's home is a pure function of (parents, key), so remember it.
  const homes = new Map<string, number>();
  return (edge, url) => {
    const ids = parentsOf[edge]!;
    const memo = `${ids.join(',')}\n${url}`;
    let home = homes.get(memo);
    if (home === undefined) {
      home = indexOf.get(rendezvousOrder(url, ids)[0]!)!;
      homes.set(memo, home);
    }
    return home;
  };
}

interface TierResults {
  edges: readonly FleetNode[];
  regionals: readonly FleetNode[];
  clients: RoutedClients;
  edgeOf: Int32Array;
  edgeHit: Uint8Array;
  parentOf: Int32Array;
  regionalHit: Uint8Array;
}

function buildReport(sim: FleetSimulation, options: FleetRunOptions, r: TierResults): FleetReport {
  const { trace, fleet } = sim;
  const edgeTallies = r.edges.map(() => new Tally());
  const regionalTallies = r.regionals.map(() => new Tally());
  const origin = new Tally();
  const all = new Tally();
  const latencies: number[] = [];
  let unrouted = 0;
  let nearestRequests = 0;
  let locatedRequests = 0;
  let clientEdgeKm = 0;
  const start = trace.length > 0 ? trace.times[0]! : 0;
  const hours = new Map<number, { requests: number; bytes: number; originRequests: number; originBytes: number }>();
  for (let i = 0; i < trace.length; i++) {
    const size = trace.sizes[i]!;
    const client = trace.clientIndex[i]!;
    const edge = r.edgeOf[i]!;
    const parent = r.parentOf[i]!;
    const toOrigin = edge === UNROUTED || (!r.edgeHit[i] && (parent === UNROUTED || !r.regionalHit[i]));
    all.add(size, !toOrigin);
    if (toOrigin) origin.add(size, false);
    if (edge === UNROUTED) unrouted++;
    else edgeTallies[edge]!.add(size, r.edgeHit[i] === 1);
    if (parent !== UNROUTED) regionalTallies[parent]!.add(size, r.regionalHit[i] === 1);
    const hour = Math.floor((trace.times[i]! - start) / 3600);
    const bucket = hours.get(hour) ?? { requests: 0, bytes: 0, originRequests: 0, originBytes: 0 };
    bucket.requests++;
    bucket.bytes += size;
    if (toOrigin) {
      bucket.originRequests++;
      bucket.originBytes += size;
    }
    hours.set(hour, bucket);
    if (!r.clients.located[client] || edge === UNROUTED) continue;
    locatedRequests++;
    nearestRequests += r.clients.nearest[client]!;
    const lat = r.clients.latitude[client]!;
    const lon = r.clients.longitude[client]!;
    const e = r.edges[edge]!;
    clientEdgeKm += greatCircleKm(lat, lon, e.latitude, e.longitude);
    let ms = roundTripMs(lat, lon, e.latitude, e.longitude);
    if (!r.edgeHit[i]) {
      const p = parent === UNROUTED ? undefined : r.regionals[parent]!;
      if (p) ms += roundTripMs(e.latitude, e.longitude, p.latitude, p.longitude);
      if (!p || !r.regionalHit[i]) {
        const from = p ?? e;
        ms += roundTripMs(from.latitude, from.longitude, fleet.origin.latitude, fleet.origin.longitude);
      }
    }
    latencies.push(ms);
  }
  const sorted = Float64Array.from(latencies).sort();
  const located = r.clients.located.reduce((a, b) => a + b, 0);
  const nearestClients = r.clients.nearest.reduce((a, b) => a + b, 0);
  const nodes: NodeReport[] = [
    ...r.edges.map((n, i) => nodeReport(n, edgeTallies[i]!.counts())),
    ...r.regionals.map((n, i) => nodeReport(n, regionalTallies[i]!.counts())),
  ];
  const totals = all.counts();
  return {
    options,
    requests: trace.length,
    bytes: totals.bytes,
    nodes,
    tiers: { edge: sumCounts(edgeTallies), regional: sumCounts(regionalTallies) },
    origin: { requests: origin.requests, bytes: origin.bytes, requestOffload: totals.objectHitRatio, byteOffload: totals.byteHitRatio },
    routing: {
      nearestRegionClientShare: located ? nearestClients / located : 0,
      nearestRegionRequestShare: locatedRequests ? nearestRequests / locatedRequests : 0,
      unrouted,
      meanClientEdgeKm: locatedRequests ? clientEdgeKm / locatedRequests : 0,
    },
    latency: {
      meanMs: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0,
      p50Ms: quantile(sorted, 0.5),
      p95Ms: quantile(sorted, 0.95),
    },
    hourly: [...hours.entries()].sort((a, b) => a[0] - b[0]).map(([hour, b]) => ({
      hour,
      requests: b.requests,
      byteOffload: b.bytes ? 1 - b.originBytes / b.bytes : 0,
      objectOffload: b.requests ? 1 - b.originRequests / b.requests : 0,
    })),
  };
}

function nodeReport(node: FleetNode, counts: HitCounts): NodeReport {
  return { id: node.id, region: node.region, tier: node.tier as NodeTier, capacityBytes: node.capacityBytes, ...counts };
}

function sumCounts(tallies: readonly Tally[]): HitCounts {
  const total = new Tally();
  for (const t of tallies) {
    total.requests += t.requests;
    total.hits += t.hits;
    total.bytes += t.bytes;
    total.hitBytes += t.hitBytes;
  }
  return total.counts();
}

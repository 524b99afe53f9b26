import { randomBytes } from 'node:crypto';
import { parseCacheConfig } from '../cache/index.js';
import { createDnsServer, createHttpApi, parseListenAddress, type DnsServer, type HttpApi } from '../dns/index.js';
import { MeridianError, describeError } from '../errors/index.js';
import { LoadBoard } from '../fleet/index.js';
import { createMetaStore, MemoryMetaStore, parseMetaConfig, startLoadFeed, type MetaStore } from '../meta/index.js';
import { explainQuery, startRoutingService, type RoutingService } from '../routing/index.js';
import { createFleetStatusSource, createStatusRoutes, RecentBuffer, type StatusDecision } from '../status/index.js';
import { createMetricsRegistry } from '../telemetry/index.js';
import { ZoneStore } from '../zone/index.js';
import { DemoError, DemoErrorCode } from './errors.js';
import { startFleetNode, type FleetNode } from './fleet-node.js';
import { startDemoOrigin, type DemoOrigin } from './origin.js';
import type { DemoClient, DemoDependencies, DemoNodeInfo, DemoOptions, RunningDemo } from './types.js';
import { prepareDemoZones, type DemoZones } from './zones.js';

/** The routed name of the example zone and the nodes the demo runs for it. */
export const DEMO_NAME = 'edge.cdn.example.com';

interface NodePlan {
  id: string;
  tier: 'edge' | 'regional';
  region: string;
  address: string;
  location: { name: string; latitude: number; longitude: number };
}

// Distinct loopback addresses, so DNS answers show which edge a client was sent to. The
// example zone (zones/cdn.example.com.yaml) lists 127.0.1.1 in its eu pool and 127.0.2.1 in na.
const NODES: readonly NodePlan[] = [
  { id: 'regional-eu', tier: 'regional', region: 'eu', address: '127.0.5.1', location: { name: 'Frankfurt', latitude: 50.1109, longitude: 8.6821 } },
  { id: 'edge-eu', tier: 'edge', region: 'eu', address: '127.0.1.1', location: { name: 'Frankfurt', latitude: 50.1109, longitude: 8.6821 } },
  { id: 'edge-na', tier: 'edge', region: 'na', address: '127.0.2.1', location: { name: 'San Jose', latitude: 37.3382, longitude: -121.8863 } },
];

// Clients from the test GeoIP DB (geo-data/test-city.source.yaml): 81.10/16 is Munich, 12/8 California.
const CLIENTS: readonly Omit<DemoClient, 'answered'>[] = [
  { continent: 'Europe', subnet: '81.10.20.0/24', expectedEdge: '127.0.1.1' },
  { continent: 'North America', subnet: '12.34.56.0/24', expectedEdge: '127.0.2.1' },
];

function listenFailed(what: string, flag: string, err: unknown): MeridianError {
  return new DemoError(DemoErrorCode.LISTEN, `${what}: ${describeError(err).split('\n')[0]}`, { cause: err, hint: `is another demo running? pick free ports with ${flag}` });
}

/** The clients' current answers from the engine (no DNS round trip: the demo owns the engine). */
function routeClients(routing: RoutingService): DemoClient[] {
  return CLIENTS.map((client) => ({
    ...client,
    answered: explainQuery(routing.engine, { name: DEMO_NAME, client: client.subnet.split('/')[0]!, ecs: client.subnet, type: 'A' }).answers,
  }));
}

/** The host a probe target id names (`http://127.0.1.2:8080/... host=... #...`), if it parses. */
function probedHost(targetId: string): string | undefined {
  const url = targetId.split(' ')[0]!;
  return URL.canParse(url) ? new URL(url).hostname : undefined;
}

/**
 * The example zone lists more nodes than the demo runs; until their probes fail, routing
 * counts them as up (a fresh node is trusted). Wait until those are down and the answers
 * settle on the demo's edges, so the printed `dig` lines show what the reader will get.
 */
async function settle(routing: RoutingService, running: ReadonlySet<string>, ms: number): Promise<DemoClient[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const clients = routeClients(routing);
    const answered = clients.every((client) => client.answered.length === 1 && client.answered[0] === client.expectedEdge);
    const absentDown = routing.health.targets().every((id) => running.has(probedHost(id) ?? '') || routing.health.state(id)?.up === false);
    if ((answered && absentDown) || Date.now() >= deadline) return clients;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The whole fleet in one process: DNS (zone data + routing engine + health probes), an
 * origin, a regional node and two edges sharing one metadata store (in-process, or Redis).
 */
export async function startDemo(options: Readonly<DemoOptions>, deps: DemoDependencies): Promise<RunningDemo> {
  const { logger } = deps;
  const closers: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    // Reverse order: edges before the regional node before the origin, DNS last.
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer();
      } catch (err) {
        logger.warn({ err }, `demo: error while stopping: ${describeError(err)}`);
      }
    }
  };
  try {
    const dnsListen = parseListenAddress(options.dns);
    const httpListen = parseListenAddress(options.http);
    const zones: DemoZones = prepareDemoZones(options.zonesDir, options.edgePort);
    closers.push(() => zones.close());

    const metaConfig = options.redis === undefined ? parseMetaConfig({ backend: 'memory' }) : parseMetaConfig({ backend: 'redis', redis: { url: options.redis } });
    // One in-process store for every node: the fleet's "Redis" when there is none.
    const shared: MetaStore | undefined = options.redis === undefined ? new MemoryMetaStore() : undefined;
    if (shared) closers.push(() => shared.close());
    // The DNS side reads the same registry: load reports for shedding, nodes and purges for the status page.
    const dnsMeta: MetaStore = shared ?? createMetaStore(metaConfig);
    if (!shared) closers.push(() => dnsMeta.close());
    const load = new LoadBoard();

    const dnsRegistry = createMetricsRegistry({ labels: { node: 'dns' } });
    const dnsLogger = logger.child({ node: 'dns' });
    const store = new ZoneStore({ logger: dnsLogger, registry: dnsRegistry });
    await store.loadDirectory(zones.dir);
    if (!zones.copied) store.watch();
    closers.push(() => store.close());
    const routing = await startRoutingService({ zonesDir: zones.dir, geoip: options.geoip, coverageFile: options.coverageFile, watch: !zones.copied, load, logger: dnsLogger, registry: dnsRegistry });
    closers.push(() => routing.close());
    const feed = startLoadFeed({ store: dnsMeta, sink: load, logger: dnsLogger });
    closers.push(() => feed.stop());
    const statusSource = createFleetStatusSource({ engine: routing.engine, health: routing.health, load, meta: dnsMeta, decisions: new RecentBuffer<StatusDecision>(200), logger: dnsLogger });
    const status = createStatusRoutes(statusSource, { title: 'Meridian demo', logger: dnsLogger, registry: dnsRegistry });
    const server: DnsServer = createDnsServer({ listen: [dnsListen] }, { zones: store, registry: dnsRegistry, logger: dnsLogger, dynamic: routing.engine });
    await server.start().catch((err: unknown) => {
      throw listenFailed(`DNS on ${options.dns}`, '--dns HOST:PORT', err);
    });
    closers.push(() => server.close());
    const http: HttpApi = createHttpApi({ registry: dnsRegistry, logger: dnsLogger, routes: [...status.routes, { method: 'GET', path: '/v1/route', handler: routing.routeHandler }] });
    await http.listen(httpListen).catch((err: unknown) => {
      throw listenFailed(`DNS HTTP API on ${options.http}`, '--http HOST:PORT', err);
    });
    closers.push(() => http.close());
    // Runs before http.close(): open event streams would keep the server from closing.
    closers.push(() => {
      status.close();
      statusSource.close();
    });

    const [originHost, originPort] = [options.origin.slice(0, options.origin.lastIndexOf(':')), Number(options.origin.slice(options.origin.lastIndexOf(':') + 1))];
    const origin: DemoOrigin = await startDemoOrigin({ host: originHost, port: originPort, logger });
    closers.push(() => origin.close());

    const adminToken = options.adminToken ?? randomBytes(12).toString('hex');
    const regionalUrl = `http://${NODES[0]!.address}:${options.edgePort}`;
    const nodes: DemoNodeInfo[] = [];
    for (const plan of NODES) {
      const config = parseCacheConfig(
        {
          id: plan.id,
          region: plan.region,
          tier: plan.tier,
          location: plan.location,
          listen: [`${plan.address}:${options.edgePort}`],
          admin: { listen: `${plan.address}:${options.adminPort}`, token: adminToken },
          sites: [{ hosts: ['*'], origin: origin.url }],
          parents: plan.tier === 'edge' ? [regionalUrl] : [],
          ...(options.redis === undefined ? {} : { redis: options.redis }),
          timeouts: { drainMs: 1000 },
        },
        `demo node ${plan.id}`,
      );
      const node: FleetNode = await startFleetNode(config, {
        logger,
        registry: createMetricsRegistry({ labels: { node: plan.id } }),
        meta: metaConfig,
        ...(shared ? { store: shared } : {}),
      }).catch((err: unknown) => {
        throw listenFailed(`node ${plan.id} on ${plan.address}:${options.edgePort} (admin :${options.adminPort})`, '--edge-port / --admin-port', err);
      });
      closers.push(() => node.close());
      nodes.push({ id: plan.id, tier: plan.tier, region: plan.region, address: plan.address, url: node.cache.addresses[0]!, admin: node.cache.adminAddress! });
    }

    const clients = await settle(routing, new Set(NODES.map((plan) => plan.address)), options.settleMs);
    return {
      info: {
        name: DEMO_NAME,
        dns: { host: dnsListen.host, port: dnsListen.port },
        http: `http://${options.http}`,
        origin: origin.url,
        nodes,
        clients,
        adminToken,
        metaStore: options.redis ?? 'memory',
        zonesDir: zones.dir,
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

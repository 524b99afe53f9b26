import type { TestContext } from 'node:test';
import {
  serveStatusPage,
  type NodeHealth,
  type ServeStatusOptions,
  type StatusDecision,
  type StatusNode,
  type StatusPurge,
  type StatusServer,
  type StatusSnapshot,
  type StatusSource,
} from '../../src/status/index.js';

/**
 * A real StatusSource over in-memory test data, as the lead's implementation will be over
 * the fleet views: snapshot() reads the current state, changes notify subscribers.
 */
export class TestStatusSource implements StatusSource {
  nodes: StatusNode[];
  decisions: StatusDecision[];
  purges: StatusPurge[];
  snapshots = 0;
  failing = false;
  readonly #listeners = new Set<() => void>();

  constructor(data: Omit<StatusSnapshot, 'generatedAt'>) {
    this.nodes = data.nodes;
    this.decisions = data.decisions;
    this.purges = data.purges;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  snapshot(): StatusSnapshot {
    this.snapshots++;
    if (this.failing) throw new Error('fleet view unavailable');
    return { generatedAt: Date.now(), nodes: this.nodes, decisions: this.decisions, purges: this.purges };
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setHealth(id: string, health: NodeHealth, healthDetail?: string): void {
    this.nodes = this.nodes.map((node) => (node.id === id ? { ...node, health, ...(healthDetail ? { healthDetail } : {}) } : node));
    this.notify();
  }

  notify(): void {
    for (const listener of this.#listeners) listener();
  }
}

function node(
  id: string,
  region: string,
  tier: 'edge' | 'regional',
  address: string,
  location: [number, number] | undefined,
  health: NodeHealth,
  load: number | undefined,
  hitRatio: number | undefined,
  requestsPerSecond?: number,
  healthDetail?: string,
): StatusNode {
  return {
    id,
    region,
    tier,
    address,
    location: location ? { lat: location[0], lon: location[1] } : undefined,
    health,
    load,
    hitRatio,
    ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    ...(healthDetail === undefined ? {} : { healthDetail }),
  };
}

/** A fleet across six continents: the data behind the README screenshot. */
export function demoFleet(now = Date.now()): Omit<StatusSnapshot, 'generatedAt'> {
  return {
    nodes: [
      node('edge-fra-1', 'eu-central', 'edge', '203.0.113.11', [50.11, 8.68], 'up', 0.42, 0.934, 1840),
      node('edge-ams-1', 'eu-west', 'edge', '203.0.113.12', [52.37, 4.9], 'up', 0.37, 0.912, 1512),
      node('regional-eu-1', 'eu-central', 'regional', '198.51.100.10', [48.86, 2.35], 'up', 0.28, 0.971, 410),
      node('edge-iad-1', 'us-east', 'edge', '203.0.113.21', [39.04, -77.49], 'up', 0.63, 0.893, 2210),
      node('edge-sjc-1', 'us-west', 'edge', '203.0.113.22', [37.34, -121.89], 'down', undefined, undefined, undefined, 'timeout'),
      node('regional-us-1', 'us-central', 'regional', '198.51.100.20', [41.88, -87.63], 'up', 0.33, 0.962, 520),
      node('edge-gru-1', 'sa-east', 'edge', '203.0.113.31', [-23.55, -46.63], 'up', 0.78, 0.861, 940),
      node('edge-jnb-1', 'af-south', 'edge', '203.0.113.41', [-26.2, 28.05], 'up', 0.21, 0.842, 310),
      node('edge-sin-1', 'ap-southeast', 'edge', '203.0.113.51', [1.35, 103.82], 'up', 0.55, 0.902, 1320),
      node('regional-ap-1', 'ap-southeast', 'regional', '198.51.100.30', [1.29, 103.85], 'up', 0.31, 0.958, 380),
      node('edge-nrt-1', 'ap-northeast', 'edge', '203.0.113.52', [35.68, 139.69], 'up', 0.93, 0.884, 2480),
      node('edge-syd-1', 'ap-southeast-2', 'edge', '[2001:db8:61::1]:443', [-33.87, 151.21], 'unknown', undefined, undefined),
      node('edge-lab-1', 'lab', 'edge', '192.0.2.99', undefined, 'unknown', undefined, undefined),
    ],
    decisions: [
      {
        at: now - 400,
        id: 'd-7f3a21',
        name: 'www.cdn.example.com',
        client: '81.2.69.0/24 (ECS)',
        answers: ['203.0.113.11', '203.0.113.12'],
        trace: [
          'locate: ECS 81.2.69.0/24 → geoip EU-GB (51.5, -0.1), /24',
          'health: 12 candidates, edge-sjc-1 down (timeout), edge-syd-1 unchecked kept',
          'rules: rule 1 geos [EU] → pool eu',
          'load: all of pool eu under the 0.90 watermark',
          'weights: edge-fra-1 60, edge-ams-1 40',
          'pick: 2 answers, closest first; TTL 30 s; ECS scope /24',
        ],
      },
      {
        at: now - 1900,
        id: 'd-7f3a20',
        name: 'www.cdn.example.com',
        client: '24.30.0.0/24 (ECS)',
        answers: ['203.0.113.21'],
        trace: [
          'locate: ECS 24.30.0.0/24 → geoip NA-US-CA (37.8, -122.3), /24',
          'health: pool us-west has no node up (edge-sjc-1 down: timeout)',
          'rules: rule 2 geos [NA-US-CA] → pool us-west, fallback us-east',
          'load: edge-iad-1 0.63',
          'pick: 1 answer; TTL shortened to 10 s (fallback in use)',
        ],
      },
      {
        at: now - 3200,
        id: 'd-7f3a1f',
        name: 'img.cdn.example.com',
        client: '175.45.176.0/24 (ECS)',
        answers: ['203.0.113.51'],
        trace: [
          'locate: ECS 175.45.176.0/24 → geoip AS-JP (35.7, 139.7), /24',
          'rules: rule 3 geos [AS] → pool ap',
          'load: edge-nrt-1 at 0.93 is above the 0.90 watermark, skipped',
          'pick: closest remaining edge-sin-1; TTL 30 s; ECS scope /24',
        ],
      },
      {
        at: now - 5100,
        id: 'd-7f3a1e',
        name: 'www.cdn.example.com',
        client: '10.20.0.7 (resolver)',
        answers: [],
        trace: [
          'locate: no ECS; resolver 10.20.0.7 → coverage 10.20.0.0/16 site lab',
          'rules: rule 4 subnets [10.0.0.0/8] → pool lab',
          'health: edge-lab-1 unchecked, no AAAA record',
          'pick: NODATA for AAAA',
        ],
      },
    ],
    purges: [
      { sequence: 1042, scope: 'tag product-42 on shop.example.com', issuedAt: now - 1300, acked: 11, pending: ['edge-sjc-1', 'edge-syd-1'] },
      {
        sequence: 1043,
        scope: 'url https://shop.example.com/css/site.css (soft)',
        issuedAt: now - 300,
        acked: 8,
        pending: ['edge-nrt-1', 'edge-sin-1', 'edge-sjc-1', 'edge-syd-1', 'edge-lab-1'],
      },
    ],
  };
}

export interface FleetMotion {
  /** Stop, put the fleet's nodes and purges back as they were, and notify. */
  stop(): void;
}

/**
 * Makes a demo fleet move, for the trend charts: requests/s and hit ratios drift along slow
 * waves (deterministic, no randomness), edge-gru-1 drops out now and then, and short-lived
 * purges come and go (each leaves the in-flight list after 0.3–1.1 s of ticks).
 */
export function moveFleet(source: TestStatusSource, fleet: Omit<StatusSnapshot, 'generatedAt'>, tickMs = 100): FleetMotion {
  let tick = 0;
  let sequence = 2000;
  const temporary: { purge: StatusPurge; until: number }[] = [];
  const timer = setInterval(() => {
    tick++;
    source.nodes = fleet.nodes.map((node, i) => {
      if (node.requestsPerSecond === undefined) return node;
      const wave = 1 + 0.18 * Math.sin(tick / 9 + i) + 0.06 * Math.sin(tick / 2.3 + 2 * i);
      const hitRatio = node.hitRatio === undefined ? undefined : Math.min(0.995, node.hitRatio + 0.03 * Math.sin(tick / 7 + i));
      const down = node.id === 'edge-gru-1' && tick % 40 >= 15 && tick % 40 < 25;
      return { ...node, requestsPerSecond: Math.round(node.requestsPerSecond * wave), hitRatio, ...(down ? { health: 'down' as const, healthDetail: 'timeout' } : {}) };
    });
    if (tick % 12 === 0) {
      const at = Date.now();
      temporary.push({ purge: { sequence: ++sequence, scope: `tag wave-${sequence}`, issuedAt: at, acked: 12, pending: ['edge-syd-1'] }, until: tick + 3 + (sequence % 5) * 2 });
    }
    while (temporary.length > 0 && temporary[0]!.until <= tick) temporary.shift();
    source.purges = [...fleet.purges, ...temporary.map((entry) => entry.purge)];
    source.notify();
  }, tickMs);
  return {
    stop() {
      clearInterval(timer);
      source.nodes = fleet.nodes;
      source.purges = fleet.purges;
      source.notify();
    },
  };
}

/** Strings that would run script or break markup if the page ever used them as HTML. */
export const HOSTILE = {
  id: '<img src=x onerror="window.__pwned=1">',
  region: '</script><script>window.__pwned=2</script>',
  name: '<b id="bold">www</b>.cdn.example.com',
  scope: '"><svg onload="window.__pwned=3">',
  step: "'><iframe src=\"javascript:window.__pwned=4\"></iframe>",
} as const;

export function hostileFleet(now = Date.now()): Omit<StatusSnapshot, 'generatedAt'> {
  return {
    nodes: [
      node(HOSTILE.id, HOSTILE.region, 'edge', '203.0.113.66', [48.2, 16.37], 'up', 0.5, 0.5, 120),
      node('edge-ok-1', 'eu-west', 'edge', '203.0.113.67', [40.4, -3.7], 'up', 0.1, 0.9),
    ],
    decisions: [{ at: now, id: 'd-hostile', name: HOSTILE.name, client: HOSTILE.id, answers: [HOSTILE.id], trace: [HOSTILE.step] }],
    purges: [{ sequence: 1, scope: HOSTILE.scope, issuedAt: now, acked: 1, pending: [HOSTILE.id] }],
  };
}

/** A status server on a free loopback port, closed after the test. */
export async function serveForTest(t: TestContext, source: StatusSource, options: ServeStatusOptions = {}): Promise<StatusServer> {
  const server = await serveStatusPage(source, options);
  t.after(() => server.close());
  return server;
}

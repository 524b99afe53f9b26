/** Shared helpers of the routing tests: build engines from YAML text, open the committed test geo data, stand-in nodes. */
import { createServer, type Server } from 'node:http';
import { createGeoLocator, loadCoverageFile, openGeoIpDatabase, type GeoLocator } from '../../src/geo/index.js';
import { parseRoutingFile, RoutingEngine, type RoutingEngineOptions, type RoutingZone } from '../../src/routing/index.js';
import { fromRoot } from '../helpers/paths.js';

export const ZONE = 'cdn.test';

/** Compiles routing YAML for zone cdn.test; fails the test with every problem when it has errors. */
export function compile(yaml: string, file = `${ZONE}.yaml`): RoutingZone {
  const result = parseRoutingFile(yaml, file);
  if (!result.zone) throw new Error(`routing YAML has errors:\n${result.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}`);
  return result.zone;
}

export function engineFor(yaml: string, options: Omit<RoutingEngineOptions, 'zones'> = {}): RoutingEngine {
  return new RoutingEngine({ ...options, zones: [compile(yaml)] });
}

/** The committed GeoIP2-City test DB plus the operator coverage map of geo-data/. */
export async function testGeo(): Promise<{ geo: GeoLocator; close(): void }> {
  const geoip = await openGeoIpDatabase(fromRoot('geo-data', 'test-city.mmdb'), { watch: false });
  const coverage = await loadCoverageFile(fromRoot('geo-data', 'coverage.yaml'));
  return { geo: createGeoLocator({ geoip, coverage }), close: () => geoip.close() };
}

/** A GeoLocator that only knows a fixed table: for step tests that should not depend on the DB. */
export function fixedGeo(table: Record<string, Partial<ReturnType<GeoLocator['locate']>>>): GeoLocator {
  return {
    locate(address) {
      const facts = table[address];
      return facts ? { address, source: 'geoip', networkPrefix: 16, ...facts } : { address, source: 'none', networkPrefix: 0 };
    },
  };
}

/** A question as the DNS server asks it. */
export function question(name: string, client: string, options: { type?: number; ecs?: string } = {}) {
  let ecs;
  if (options.ecs) {
    const [address, prefix] = options.ecs.split('/');
    ecs = { family: (address!.includes(':') ? 2 : 1) as 1 | 2, sourcePrefix: Number(prefix), address: address! };
  }
  return { name, type: options.type ?? 1, zone: ZONE, clientAddress: client, ecs };
}

/** The text of each answer record (A/AAAA rdata back to an address). */
export function answerTexts(answer: { records: { rdata: Buffer }[] } | undefined): string[] {
  if (!answer) return [];
  return answer.records.map((r) => (r.rdata.length === 4 ? [...r.rdata].join('.') : ipv6Text(r.rdata)));
}

function ipv6Text(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** A cache node stand-in: a real HTTP server whose health endpoint can be switched. */
export async function startHealthNode(host: string, port: number): Promise<{ server: Server; healthy: { value: boolean }; hits: { value: number } }> {
  const healthy = { value: true };
  const hits = { value: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/_meridian/health') {
      hits.value++;
      res.writeHead(healthy.value ? 200 : 503).end(healthy.value ? 'ok' : 'draining');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, healthy, hits };
}

/**
 * Routing YAML for `edge` in zone cdn.test: one pool of 127.0.0.1 and 127.0.0.2 with the given
 * weights, both health-checked on `healthPort` every 0.1 s (two results to change state).
 */
export function twoNodeRoutingYaml(healthPort: number, options: { weights: [number, number]; bodyMatch?: string }): string {
  const [first, second] = options.weights;
  const bodyMatch = options.bodyMatch === undefined ? '' : `, body_match: ${options.bodyMatch}`;
  return `
edge:
  type: A
  ttl: 30
  values: [127.0.0.1, 127.0.0.2]
  dynamic:
    pools:
      main:
        values:
          - { value: 127.0.0.1, weight: ${first} }
          - { value: 127.0.0.2, weight: ${second} }
    rules:
      - pool: main
  octodns:
    healthcheck: { path: /_meridian/health, port: ${healthPort}, protocol: HTTP, host: edge.cdn.test }
  meridian:
    healthcheck: { interval: 0.1, timeout: 0.1, up_threshold: 2, down_threshold: 2${bodyMatch} }
`;
}

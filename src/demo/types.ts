import type { Logger } from '../telemetry/index.js';

/** Where the demo's pieces listen and what it serves; `parseDemoOptions` fills the defaults. */
export interface DemoOptions {
  /** Folder with the example zones (`<zone>.zone` + `<zone>.yaml`). */
  zonesDir: string;
  /** DNS listener, UDP and TCP. */
  dns: string;
  /** DNS server's HTTP API (/healthz, /metrics, /v1/route). */
  http: string;
  /** The demo origin. */
  origin: string;
  /** Serving port of the edges (127.0.1.1, 127.0.2.1) and the regional node (127.0.5.1). */
  edgePort: number;
  /** Admin port (health, metrics, POST /purge) on each node's address. */
  adminPort: number;
  /** GeoIP database path, or `geolite2`. */
  geoip: string;
  /** Coverage map; undefined = geo-data/coverage.yaml when present. */
  coverageFile?: string | undefined;
  /** Shared Redis for the metadata store; undefined = the in-process store. */
  redis?: string | undefined;
  /** Bearer token of the nodes' admin listeners; undefined = a random one per run. */
  adminToken?: string | undefined;
  /** How long to wait for health checks to settle before printing the instructions. */
  settleMs: number;
}

/** One demo node as the instructions present it. */
export interface DemoNodeInfo {
  id: string;
  tier: 'edge' | 'regional';
  region: string;
  address: string;
  url: string;
  admin: string;
}

/** A client the instructions use to show routing by continent. */
export interface DemoClient {
  continent: string;
  /** ECS network, as `dig +subnet=` takes it. */
  subnet: string;
  /** The edge routing should pick for it. */
  expectedEdge: string;
  /** What routing actually answered when the demo started. */
  answered: string[];
}

export interface DemoFleetInfo {
  name: string;
  dns: { host: string; port: number };
  http: string;
  origin: string;
  nodes: DemoNodeInfo[];
  clients: DemoClient[];
  /** Bearer token for the nodes' admin endpoints (POST /purge). */
  adminToken: string;
  /** `memory` or the Redis URL. */
  metaStore: string;
  zonesDir: string;
}

export interface RunningDemo {
  info: DemoFleetInfo;
  close(): Promise<void>;
}

export interface DemoDependencies {
  logger: Logger;
}

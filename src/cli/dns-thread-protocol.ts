/**
 * What the main thread of `meridian dns --udp-threads N` and its extra answering threads
 * say to each other. Everything here is plain data (structured clone).
 */
import type { ListenAddress, UdpIoMode } from '../dns/index.js';
import type { MetricsSnapshot } from '../telemetry/index.js';

/** Health of every probed target as the main thread's probes see it. */
export type HealthSnapshot = Array<[probeId: string, state: { up: boolean; changing: boolean }]>;
/** Load reports the main thread holds (from Redis). */
export type LoadSnapshot = Array<{ targetId: string; load: number; at: number }>;

/** workerData of an answering thread. */
export interface DnsThreadData {
  index: number;
  zonesDir: string;
  geoip: string | undefined;
  watch: boolean;
  /** The main thread's bound addresses (port 0 already resolved). */
  listen: ListenAddress[];
  udpIo: UdpIoMode;
  ednsPayload: number;
  nsid: string | undefined;
  /** Shared by every thread, so a resolver's cookie holds whichever thread answers. */
  cookieSecret: string;
  health: HealthSnapshot;
  load: LoadSnapshot;
}

export type ToThread =
  | { type: 'health'; health: HealthSnapshot }
  | { type: 'load'; load: LoadSnapshot }
  | { type: 'reload' }
  | { type: 'metrics'; requestId: number }
  | { type: 'close' };

export type FromThread =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'metrics'; requestId: number; snapshot: MetricsSnapshot };

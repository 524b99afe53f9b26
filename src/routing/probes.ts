/**
 * Health-check settings → probe specs. octoDNS's `octodns.healthcheck` (host, path, port,
 * protocol) probes each value's address as written; `meridian.healthcheck` on the record or
 * pool adds timings, thresholds and expectations, and may override the URL parts.
 */
import { fnv1a } from './hash.js';
import type { HealthcheckExtensionInput, PoolInput, RoutingRecordInput } from './schema.js';
import type { ProbeSpec } from './types.js';

/**
 * Defaults chosen so a dead node leaves the answers well within 10 s, even one that hangs
 * instead of refusing: three failures in a row, each at most a 0.75 s timeout after a 1 s
 * wait (±10 % jitter), take at most about 5.6 s. One probe per second per node is cheap.
 */
export const PROBE_DEFAULTS = {
  intervalS: 1,
  timeoutS: 0.75,
  upThreshold: 2,
  downThreshold: 3,
  expectStatus: 200,
  /** octoDNS's default path and protocol. */
  path: '/_dns',
  protocol: 'https',
} as const;

/** The URL host part of a value: IPv6 in brackets, CNAME targets without the final dot. */
function urlHost(value: string): string {
  if (value.includes(':')) return `[${value}]`;
  return value.endsWith('.') ? value.slice(0, -1) : value;
}

/**
 * The probe watching `value` of `pool`, or undefined when neither the record nor the pool
 * configures a health check. `owner` is the record's canonical name (the default Host).
 */
export function probeFor(
  record: RoutingRecordInput,
  pool: PoolInput,
  value: string,
  owner: string,
  source: string,
): ProbeSpec | undefined {
  const octo = record.octodns?.healthcheck;
  const recordExt = record.meridian?.healthcheck;
  const poolExt = pool.meridian?.healthcheck;
  if (!octo && !recordExt && !poolExt) return undefined;
  const ext: HealthcheckExtensionInput = { ...recordExt, ...poolExt };
  const protocol = (ext.protocol ?? octo?.protocol ?? PROBE_DEFAULTS.protocol).toLowerCase();
  const port = ext.port ?? octo?.port ?? (protocol === 'https' ? 443 : 80);
  const path = ext.path ?? octo?.path ?? PROBE_DEFAULTS.path;
  const url = ext.url !== undefined ? ext.url.replaceAll('{address}', urlHost(value)) : `${protocol}://${urlHost(value)}:${port}${path}`;
  const host = octo?.host ?? owner;
  const spec: Omit<ProbeSpec, 'id'> = {
    address: value,
    url,
    host,
    expectStatus: ext.expect_status ?? PROBE_DEFAULTS.expectStatus,
    bodyMatch: ext.body_match,
    intervalMs: Math.round((ext.interval ?? PROBE_DEFAULTS.intervalS) * 1000),
    timeoutMs: Math.round((ext.timeout ?? PROBE_DEFAULTS.timeoutS) * 1000),
    upThreshold: ext.up_threshold ?? PROBE_DEFAULTS.upThreshold,
    downThreshold: ext.down_threshold ?? PROBE_DEFAULTS.downThreshold,
    source,
  };
  // Equal settings give equal ids, so one probe serves every record that watches the same node the same way;
  // the id reads as URL and Host (it labels the fleet's metrics) plus a short hash of the other settings.
  const settings = [spec.expectStatus, spec.bodyMatch ?? '', spec.intervalMs, spec.timeoutMs, spec.upThreshold, spec.downThreshold].join('|');
  const id = `${spec.url} host=${spec.host} #${fnv1a(settings).toString(16).padStart(8, '0')}`;
  return { id, ...spec };
}

/** Unique probes across zones (first source wins for messages). */
export function mergeProbes(lists: Iterable<readonly ProbeSpec[]>): ProbeSpec[] {
  const byId = new Map<string, ProbeSpec>();
  for (const list of lists) for (const probe of list) if (!byId.has(probe.id)) byId.set(probe.id, probe);
  return [...byId.values()];
}

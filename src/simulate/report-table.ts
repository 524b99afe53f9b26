import type { FleetReport, HitCounts, PolicyComparison } from './types.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatComparison(c: PolicyComparison): string {
  const head = `${c.requests} requests, ${c.objects} objects, catalogue ${formatBytes(c.catalogueBytes)}, cache ${formatBytes(c.budgetBytes)} (${pct(c.budgetBytes / c.catalogueBytes)})`;
  const rows = c.results.map((r) => [
    r.policy,
    pct(r.objectHitRatio),
    pct(r.byteHitRatio),
    r.byteGapClosed === null ? '-' : pct(r.byteGapClosed),
    r.objectGapClosed === null ? '-' : pct(r.objectGapClosed),
  ]);
  return `${head}\n${formatTable(['policy', 'object hit', 'byte hit', 'byte gap closed', 'object gap closed'], rows)}`;
}

function countsRow(name: string, extra: string[], c: HitCounts): string[] {
  return [name, ...extra, String(c.requests), pct(c.objectHitRatio), pct(c.byteHitRatio), formatBytes(c.bytes)];
}

export function formatFleetReport(r: FleetReport): string {
  const o = r.options;
  const title = `policy ${o.policy}, regional tier ${o.regionalTier ? 'on' : 'off'}, parents by ${o.parents === 'hash' ? 'rendezvous hash' : 'random choice'}: ${r.requests} requests, ${formatBytes(r.bytes)}`;
  const nodes = formatTable(
    ['node', 'tier', 'region', 'capacity', 'requests', 'object hit', 'byte hit', 'bytes asked'],
    [
      ...r.nodes.map((n) => countsRow(n.id, [n.tier, n.region, formatBytes(n.capacityBytes)], n)),
      countsRow('all edges', ['edge', '', ''], r.tiers.edge),
      ...(r.tiers.regional.requests > 0 ? [countsRow('all regionals', ['regional', '', ''], r.tiers.regional)] : []),
    ],
  );
  const summary = [
    `origin: ${r.origin.requests} requests, ${formatBytes(r.origin.bytes)}; offload ${pct(r.origin.requestOffload)} of requests, ${pct(r.origin.byteOffload)} of bytes`,
    `routing: ${pct(r.routing.nearestRegionClientShare)} of clients (${pct(r.routing.nearestRegionRequestShare)} of requests) sent to their nearest region, mean client-edge ${r.routing.meanClientEdgeKm.toFixed(0)} km, ${r.routing.unrouted} requests unrouted`,
    `estimated time to first byte: mean ${r.latency.meanMs.toFixed(1)} ms, p50 ${r.latency.p50Ms.toFixed(1)} ms, p95 ${r.latency.p95Ms.toFixed(1)} ms`,
  ];
  return [title, nodes, ...summary].join('\n');
}

export interface TieringRow {
  label: string;
  report: FleetReport;
}

export function formatTiering(rows: readonly TieringRow[]): string {
  return formatTable(
    ['setup', 'origin requests', 'origin bytes', 'request offload', 'byte offload', 'regional byte hit', 'mean ms', 'p95 ms'],
    rows.map(({ label, report: r }) => [
      label,
      String(r.origin.requests),
      formatBytes(r.origin.bytes),
      pct(r.origin.requestOffload),
      pct(r.origin.byteOffload),
      r.tiers.regional.requests ? pct(r.tiers.regional.byteHitRatio) : '-',
      r.latency.meanMs.toFixed(1),
      r.latency.p95Ms.toFixed(1),
    ]),
  );
}

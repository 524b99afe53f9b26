import type { TieringRow } from './report-table.js';
import type { WarmingRow } from './warming.js';
import type { FleetReport, PolicyComparison } from './types.js';

export interface PlotInput {
  title: string;
  comparison?: PolicyComparison;
  fleet?: FleetReport;
  tiering?: readonly TieringRow[];
  warming?: readonly WarmingRow[];
}

const WIDTH = 960;
const LABEL_WIDTH = 240;
const BAR_AREA = WIDTH - LABEL_WIDTH - 90;
const COLORS = ['#2f6db5', '#e08a2c', '#3a9e5c', '#8e5bb5'];
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

interface BarGroup {
  label: string;
  values: number[];
}

/** A hand-written SVG with one panel per result present: policies, nodes, the day, tiering. */
export function renderPlot(input: PlotInput): string {
  const panels: { height: number; body: (y: number) => string }[] = [];
  if (input.comparison) {
    const c = input.comparison;
    panels.push(barPanel(`Policies on one cache of ${share(c.budgetBytes / c.catalogueBytes)} of the catalogue`, c.results.map((r) => ({ label: r.policy, values: [r.byteHitRatio, r.objectHitRatio] })), ['byte hit ratio', 'object hit ratio']));
  }
  if (input.fleet) {
    const f = input.fleet;
    panels.push(barPanel('Hit ratio per node', f.nodes.map((n) => ({ label: `${n.id} (${n.tier})`, values: [n.byteHitRatio, n.objectHitRatio] })), ['byte hit ratio', 'object hit ratio']));
    if (f.hourly.length > 1) panels.push(dayPanel(f));
  }
  if (input.tiering && input.tiering.length > 0) {
    panels.push(barPanel('Origin offload by tiering setup', input.tiering.map((t) => ({ label: t.label, values: [t.report.origin.byteOffload, t.report.origin.requestOffload] })), ['bytes kept from origin', 'requests kept from origin']));
  }
  if (input.warming && input.warming.length > 0) {
    const node = input.warming[0]!.report.restart?.node ?? '';
    panels.push(barPanel(`${node} in the hour after a restart`, input.warming.map((w) => ({ label: w.label, values: [w.report.restart?.hourAfter.byteHitRatio ?? 0, w.report.restart?.hourAfter.objectHitRatio ?? 0] })), ['byte hit ratio', 'object hit ratio']));
  }
  let y = 56;
  const parts: string[] = [];
  for (const panel of panels) {
    parts.push(panel.body(y));
    y += panel.height + 24;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="20" y="34" font-size="20" font-weight="bold" fill="#222">${escapeXml(input.title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Horizontal grouped bars, one row per group, values 0-1 on a shared 0-100% axis. */
function barPanel(title: string, groups: readonly BarGroup[], series: readonly string[]) {
  const barHeight = 12;
  const rowHeight = series.length * barHeight + 10;
  const height = 60 + groups.length * rowHeight;
  return {
    height,
    body: (top: number) => {
      const out = [`<text x="20" y="${top + 16}" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>`];
      series.forEach((name, s) => {
        const x = LABEL_WIDTH + s * 200;
        out.push(`<rect x="${x}" y="${top + 26}" width="12" height="12" fill="${COLORS[s % COLORS.length]}"/>`, `<text x="${x + 18}" y="${top + 36}" font-size="12" fill="#333">${escapeXml(name)}</text>`);
      });
      const axisTop = top + 48;
      // The axis ends at the next 10% above the largest value, so small differences stay visible.
      const axisMax = Math.min(1, Math.max(0.1, Math.ceil(Math.max(...groups.flatMap((g) => g.values)) * 10) / 10));
      const ticks = Math.round(axisMax * 10);
      for (let t = 0; t <= ticks; t++) {
        const x = LABEL_WIDTH + (BAR_AREA * t) / ticks;
        out.push(`<line x1="${x}" y1="${axisTop}" x2="${x}" y2="${axisTop + groups.length * rowHeight}" stroke="#ddd"/>`);
        out.push(`<text x="${x}" y="${axisTop + groups.length * rowHeight + 14}" font-size="11" fill="#666" text-anchor="middle">${t * 10}%</text>`);
      }
      groups.forEach((g, i) => {
        const rowTop = axisTop + i * rowHeight + 4;
        out.push(`<text x="${LABEL_WIDTH - 10}" y="${rowTop + (series.length * barHeight) / 2 + 4}" font-size="12" fill="#222" text-anchor="end">${escapeXml(g.label)}</text>`);
        g.values.forEach((v, s) => {
          const w = (Math.max(0, Math.min(axisMax, v)) / axisMax) * BAR_AREA;
          const y = rowTop + s * barHeight;
          out.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${barHeight - 2}" fill="${COLORS[s % COLORS.length]}"/>`);
          out.push(`<text x="${(LABEL_WIDTH + w + 4).toFixed(1)}" y="${y + barHeight - 3}" font-size="10" fill="#333">${share(v)}</text>`);
        });
      });
      return out.join('\n');
    },
  };
}

/** Requests per hour (grey area, own scale) and the fleet's byte and request offload (lines, 0-100%). */
function dayPanel(f: FleetReport) {
  const height = 230;
  return {
    height,
    body: (top: number) => {
      const left = 70;
      const right = WIDTH - 40;
      const plotTop = top + 50;
      const plotHeight = 150;
      const hours = f.hourly;
      const maxHour = hours[hours.length - 1]!.hour || 1;
      const maxRequests = Math.max(...hours.map((h) => h.requests));
      const x = (hour: number) => left + ((right - left) * hour) / maxHour;
      const y = (v: number) => plotTop + plotHeight * (1 - v);
      const area = [`M${x(hours[0]!.hour)},${y(0)}`, ...hours.map((h) => `L${x(h.hour).toFixed(1)},${y(h.requests / maxRequests).toFixed(1)}`), `L${x(hours[hours.length - 1]!.hour)},${y(0)}Z`].join(' ');
      const line = (pick: (h: (typeof hours)[number]) => number) => hours.map((h, i) => `${i ? 'L' : 'M'}${x(h.hour).toFixed(1)},${y(pick(h)).toFixed(1)}`).join(' ');
      const out = [
        `<text x="20" y="${top + 16}" font-size="15" font-weight="bold" fill="#222">Over the virtual day (hours from the first request)</text>`,
        `<rect x="${LABEL_WIDTH}" y="${top + 26}" width="12" height="12" fill="#cfcfcf"/><text x="${LABEL_WIDTH + 18}" y="${top + 36}" font-size="12" fill="#333">requests (peak ${maxRequests}/h)</text>`,
        `<rect x="${LABEL_WIDTH + 200}" y="${top + 26}" width="12" height="12" fill="${COLORS[0]}"/><text x="${LABEL_WIDTH + 218}" y="${top + 36}" font-size="12" fill="#333">bytes kept from origin</text>`,
        `<rect x="${LABEL_WIDTH + 400}" y="${top + 26}" width="12" height="12" fill="${COLORS[1]}"/><text x="${LABEL_WIDTH + 418}" y="${top + 36}" font-size="12" fill="#333">requests kept from origin</text>`,
        `<path d="${area}" fill="#e4e4e4"/>`,
      ];
      for (let tick = 0; tick <= 100; tick += 25) {
        out.push(`<line x1="${left}" y1="${y(tick / 100)}" x2="${right}" y2="${y(tick / 100)}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${y(tick / 100) + 4}" font-size="11" fill="#666" text-anchor="end">${tick}%</text>`);
      }
      const step = Math.max(1, Math.ceil(maxHour / 12));
      for (let hour = 0; hour <= maxHour; hour += step) out.push(`<text x="${x(hour)}" y="${plotTop + plotHeight + 16}" font-size="11" fill="#666" text-anchor="middle">${hour}h</text>`);
      out.push(`<path d="${line((h) => h.byteOffload)}" fill="none" stroke="${COLORS[0]}" stroke-width="2"/>`, `<path d="${line((h) => h.objectOffload)}" fill="none" stroke="${COLORS[1]}" stroke-width="2"/>`);
      return out.join('\n');
    },
  };
}

function share(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

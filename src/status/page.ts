import { createHash } from 'node:crypto';
import { escapeHtml, jsonForScript } from './html.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';
import type { StatusSnapshot } from './types.js';
import { MAP_PROJECTION, graticulePath } from './world-map.js';

export interface StatusPageTemplate {
  /** The whole document around a snapshot (embedded so the first paint needs no request). */
  render(initial: StatusSnapshot): string;
  /** Value for the Content-Security-Policy header: only this page's own script and style run. */
  readonly contentSecurityPolicy: string;
}

export interface StatusPageParts {
  title: string;
  /** SVG path of the land outline; empty when world-atlas is unavailable. */
  landOutline: string;
  jsonPath: string;
  eventsPath: string;
}

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#0a0f1c" stroke="#38bdf8" stroke-width="1.5"/><circle cx="8" cy="8" r="3" fill="#22c55e"/></svg>',
)}`;

/** The trend charts, in page order; the script finds each by `data-trend` and draws its series. */
const TRENDS = [
  { id: 'rps', label: 'Requests/s', hint: 'sum of all nodes' },
  { id: 'hit', label: 'Hit ratio', hint: 'mean of reporting nodes' },
  { id: 'up', label: 'Nodes up', hint: 'dashed: all nodes' },
  { id: 'purge', label: 'Purge latency', hint: 'issued → acked by every live node' },
] as const;

function trendFigure(trend: (typeof TRENDS)[number]): string {
  const label = escapeHtml(trend.label);
  return `      <figure class="trend" id="trend-${trend.id}" data-trend="${trend.id}" data-points="0">
        <figcaption><span class="k">${label}<small>${escapeHtml(trend.hint)}</small></span><span class="tv">–</span></figcaption>
        <div class="plot"><svg role="img" aria-label="${label} over the last minutes"></svg><span class="ymax"></span><span class="ymin"></span><span class="collecting">collecting samples…</span></div>
        <div class="axis"><span class="t0"></span><span class="t1">now</span></div>
      </figure>`;
}

/**
 * Builds the page once (at server start): everything but the embedded snapshot is fixed,
 * so each request only serialises the snapshot between two cached halves.
 */
export function createStatusPageTemplate(parts: StatusPageParts): StatusPageTemplate {
  const title = escapeHtml(parts.title);
  const { width, height } = MAP_PROJECTION;
  const viewHeight = Math.round(height);
  const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · fleet status</title>
<link rel="icon" href="${escapeHtml(FAVICON)}">
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
  <div class="brand">
    <svg width="28" height="28" viewBox="0 0 28 28" aria-hidden="true"><circle cx="14" cy="14" r="12" fill="none" stroke="#38bdf8" stroke-width="2"/><path d="M2 14h24M14 2c4 3.5 4 20.5 0 24M14 2c-4 3.5-4 20.5 0 24" fill="none" stroke="#38bdf8" stroke-width="1.4" opacity=".6"/><circle cx="14" cy="14" r="3.2" fill="#22c55e"/></svg>
    <h1>${title}</h1><span class="sub">fleet status</span>
  </div>
  <div class="conn" id="conn" data-mode="connecting"><span class="pulse"></span><span id="conn-text">Connecting</span></div>
</header>
<main>
  <section class="cards" aria-label="Summary">
    <div class="card"><div class="k">Nodes up</div><div class="v" id="sum-up">–</div><div class="s" id="sum-up-sub"></div></div>
    <div class="card"><div class="k">Mean load</div><div class="v" id="sum-load">–</div><div class="s" id="sum-load-sub"></div></div>
    <div class="card"><div class="k">Hit ratio</div><div class="v" id="sum-hit">–</div><div class="s" id="sum-hit-sub"></div></div>
    <div class="card"><div class="k">Recent decisions</div><div class="v" id="sum-decisions">–</div><div class="s" id="sum-decisions-sub"></div></div>
    <div class="card"><div class="k">Purges in flight</div><div class="v" id="sum-purges">–</div><div class="s" id="sum-purges-sub"></div></div>
  </section>
  <section class="panel" aria-label="Trends">
    <div class="panel-head"><h2>Trends</h2><span class="legend" id="trend-window">collecting samples</span></div>
    <div class="trends">
${TRENDS.map(trendFigure).join('\n')}
    </div>
  </section>
  <section class="panel" aria-label="Fleet map">
    <div class="panel-head"><h2>Fleet map</h2>
      <div class="legend"><span><i class="up"></i>up</span><span><i class="down"></i>down</span><span><i class="unknown"></i>unchecked</span><span><i class="ring"></i>ring = load</span><span>larger dot = regional tier</span></div>
    </div>
    <div class="map-wrap" id="map-wrap">
      <svg id="map" viewBox="0 0 ${width} ${viewHeight}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="World map of cache nodes">
        <rect class="sea" x="0" y="0" width="${width}" height="${viewHeight}" fill="#0b1324"/>
        <path class="graticule" d="${graticulePath()}"/>
        ${parts.landOutline ? `<path class="land" d="${escapeHtml(parts.landOutline)}"/>` : ''}
        <g id="dots"></g>
      </svg>
      <div class="tooltip" id="tooltip" hidden></div>
    </div>
    <p class="note" id="map-note"></p>
  </section>
  <section class="panel" aria-label="Nodes">
    <div class="panel-head"><h2>Nodes</h2></div>
    <div class="table-wrap">
      <table id="nodes">
        <thead><tr><th>Health</th><th>Node</th><th>Region</th><th>Tier</th><th>Address</th><th class="num">Load</th><th class="num">Hit ratio</th><th class="num">Req/s</th><th class="num">Lat, lon</th></tr></thead>
        <tbody id="nodes-body"></tbody>
      </table>
      <div class="empty" id="nodes-empty" hidden>No nodes registered.</div>
    </div>
  </section>
  <div class="grid2">
    <section class="panel" aria-label="Recent routing decisions">
      <div class="panel-head"><h2>Recent routing decisions</h2><span class="legend">newest first, one line per step</span></div>
      <div class="scroll"><ol class="decisions" id="decisions"></ol>
      <div class="empty" id="decisions-empty" hidden>No routed queries yet.</div></div>
    </section>
    <section class="panel" aria-label="Purges in flight">
      <div class="panel-head"><h2>Purges in flight</h2><span class="legend">acknowledged / all nodes</span></div>
      <ul class="purges" id="purges"></ul>
      <div class="empty" id="purges-empty" hidden>No purges in flight: every node has applied every purge.</div>
    </section>
  </div>
</main>
<footer>Snapshot <span id="generated">–</span> · <a href="${escapeHtml(parts.jsonPath)}">JSON</a> · live stream at <span class="mono">${escapeHtml(parts.eventsPath)}</span></footer>
<script type="application/json" id="status-config">`;
  const tail = `</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
  const config = (initial: StatusSnapshot): string =>
    jsonForScript({
      projection: MAP_PROJECTION,
      landOutline: parts.landOutline.length > 0,
      jsonPath: parts.jsonPath,
      eventsPath: parts.eventsPath,
      initial,
    });
  return {
    render: (initial) => head + config(initial) + tail,
    contentSecurityPolicy: [
      "default-src 'none'",
      `script-src '${sha256(PAGE_SCRIPT)}'`,
      `style-src '${sha256(PAGE_STYLE)}'`,
      "connect-src 'self'",
      'img-src data:',
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

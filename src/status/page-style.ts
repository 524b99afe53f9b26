/** The page's stylesheet, inlined so the page needs nothing but its own server. */
export const PAGE_STYLE = `
:root {
  --bg: #0a0f1c; --panel: #111827; --panel-2: #0f1626; --border: #1e293b; --text: #e5e9f2;
  --muted: #8b97ad; --faint: #5b6680; --accent: #38bdf8;
  --up: #22c55e; --down: #ef4444; --unknown: #94a3b8; --warn: #f59e0b;
  --sea: #0b1324; --land: #1b2740; --land-edge: #2b3a5a; --grid: #142036;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { display: flex; align-items: center; justify-content: space-between; gap: 16px;
  padding: 14px 28px; border-bottom: 1px solid var(--border); background: var(--panel-2); }
.brand { display: flex; align-items: center; gap: 12px; min-width: 0; }
.brand svg { flex: none; }
h1 { font-size: 19px; margin: 0; font-weight: 650; letter-spacing: .2px; overflow-wrap: anywhere; }
.brand .sub { color: var(--muted); font-size: 13px; }
.conn { display: flex; align-items: center; gap: 8px; font-size: 13px; color: var(--muted);
  padding: 5px 12px; border: 1px solid var(--border); border-radius: 999px; white-space: nowrap; }
.conn .pulse { width: 9px; height: 9px; border-radius: 50%; background: var(--unknown); }
.conn[data-mode="live"] .pulse { background: var(--up); animation: beat 2s ease-out infinite; }
.conn[data-mode="polling"] .pulse, .conn[data-mode="stale"] .pulse { background: var(--warn); }
.conn[data-mode="offline"] .pulse { background: var(--down); }
@keyframes beat { 0% { box-shadow: 0 0 0 0 rgba(34,197,94,.6); } 70% { box-shadow: 0 0 0 8px rgba(34,197,94,0); } 100% { box-shadow: 0 0 0 0 rgba(34,197,94,0); } }
main { padding: 20px 28px 8px; display: grid; gap: 18px; max-width: 1680px; margin: 0 auto; }
.cards { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 14px; }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: 12px; padding: 12px 16px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .6px; }
.card .v { font-size: 26px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .s { color: var(--faint); font-size: 12px; min-height: 17px; }
.card .v.bad { color: var(--down); } .card .v.good { color: var(--up); } .card .v.warn { color: var(--warn); }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 12px; padding: 14px 16px; min-width: 0; }
.panel-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; margin-bottom: 10px; flex-wrap: wrap; }
h2 { font-size: 13px; margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .8px; font-weight: 600; }
.legend { display: flex; gap: 14px; color: var(--muted); font-size: 12px; align-items: center; flex-wrap: wrap; }
.legend i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 5px; vertical-align: -1px; }
.legend i.up { background: var(--up); } .legend i.down { background: var(--down); } .legend i.unknown { background: var(--unknown); }
.legend i.ring { background: none; border: 2px solid var(--accent); width: 11px; height: 11px; }
.legend i.square { border-radius: 2px; background: var(--muted); }
.trends { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 14px; }
.trend { margin: 0; min-width: 0; background: var(--panel-2); border: 1px solid var(--border); border-radius: 10px; padding: 8px 12px 6px; }
.trend[data-trend="rps"] { --c: var(--accent); } .trend[data-trend="hit"] { --c: #a78bfa; }
.trend[data-trend="up"] { --c: var(--up); } .trend[data-trend="purge"] { --c: var(--warn); }
.trend figcaption { display: flex; justify-content: space-between; align-items: baseline; gap: 10px; }
.trend .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .6px; min-width: 0; }
.trend .k small { display: block; color: var(--faint); font-size: 11px; text-transform: none; letter-spacing: 0; }
.trend .tv { font-size: 18px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; color: var(--c); }
.trend .plot { position: relative; margin-top: 6px; cursor: crosshair; }
.trend svg { display: block; width: 100%; height: 64px; overflow: visible; }
.trend .grid { stroke: rgba(255,255,255,.06); stroke-width: 1; }
.trend .area { fill: var(--c); opacity: .14; stroke: none; }
.trend .line { fill: none; stroke: var(--c); stroke-width: 1.7; stroke-linejoin: round; stroke-linecap: round; }
.trend .ref { fill: none; stroke: var(--faint); stroke-width: 1; stroke-dasharray: 3 3; }
.trend .dot { fill: var(--c); stroke: var(--panel-2); stroke-width: 1; }
.trend .guide { stroke: var(--muted); stroke-width: 1; }
.trend .ymax, .trend .ymin { position: absolute; left: 2px; font-size: 10.5px; color: var(--faint); font-variant-numeric: tabular-nums; pointer-events: none; }
.trend .ymax { top: -2px; } .trend .ymin { bottom: -2px; }
.trend .collecting { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; color: var(--faint); font-size: 12px; }
.trend:not([data-points="0"]) .collecting { display: none; }
.trend .axis { display: flex; justify-content: space-between; color: var(--faint); font-size: 11px; margin-top: 3px; font-variant-numeric: tabular-nums; }
.spark { display: inline-block; width: 72px; height: 18px; vertical-align: middle; margin-right: 8px; overflow: visible; }
.spark path { fill: none; stroke: var(--accent); stroke-width: 1.3; stroke-linejoin: round; }
.spark circle { fill: var(--accent); }
.map-wrap { position: relative; border-radius: 10px; overflow: hidden; border: 1px solid var(--border); }
#map { display: block; width: 100%; height: auto; background: var(--sea); }
#map .graticule { fill: none; stroke: var(--grid); stroke-width: .8; }
#map .land { fill: var(--land); stroke: var(--land-edge); stroke-width: .6; stroke-linejoin: round; }
#map .node { cursor: pointer; }
#map .node .load-track { fill: none; stroke: rgba(255,255,255,.10); stroke-width: 2.6; }
#map .node .load-arc { fill: none; stroke-width: 2.6; stroke-linecap: round; }
#map .node .halo { fill: none; stroke-width: 1.5; opacity: 0; }
#map .node[data-health="down"] .halo { opacity: 1; animation: ripple 1.8s ease-out infinite; transform-box: fill-box; transform-origin: center; }
@keyframes ripple { from { transform: scale(.6); opacity: .9; } to { transform: scale(1.6); opacity: 0; } }
#map .node .node-dot { stroke: #0a0f1c; stroke-width: 1.5; }
#map .node:hover .node-dot { stroke: #fff; }
#map .label { fill: #cbd5e1; font: 600 10.5px var(--mono); paint-order: stroke; stroke: rgba(10,15,28,.85); stroke-width: 3px; stroke-linejoin: round; pointer-events: none; }
#map .label[data-hidden] { display: none; }
.tooltip { position: absolute; pointer-events: none; background: rgba(15,22,38,.96); border: 1px solid #334155;
  border-radius: 8px; padding: 8px 11px; font-size: 12.5px; min-width: 180px; box-shadow: 0 8px 24px rgba(0,0,0,.45); z-index: 2; }
.tooltip .t-id { font: 600 13px var(--mono); margin-bottom: 4px; overflow-wrap: anywhere; }
.tooltip .t-row { display: flex; justify-content: space-between; gap: 16px; color: var(--muted); }
.tooltip .t-row b { color: var(--text); font-weight: 500; overflow-wrap: anywhere; text-align: right; }
.note { color: var(--faint); font-size: 12px; margin: 8px 2px 0; min-height: 0; }
.note:empty { display: none; }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { text-align: left; color: var(--faint); font-weight: 600; font-size: 11.5px; text-transform: uppercase; letter-spacing: .6px;
  padding: 6px 10px; border-bottom: 1px solid var(--border); white-space: nowrap; }
td { padding: 7px 10px; border-bottom: 1px solid rgba(30,41,59,.6); vertical-align: middle; }
tr:last-child td { border-bottom: none; }
tbody tr:hover { background: rgba(56,189,248,.04); }
td.mono, .mono { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; white-space: nowrap; }
.pill { display: inline-flex; align-items: center; gap: 6px; padding: 2px 9px 2px 7px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.pill::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
.pill.up { color: var(--up); background: rgba(34,197,94,.12); }
.pill.down { color: var(--down); background: rgba(239,68,68,.14); }
.pill.unknown { color: var(--unknown); background: rgba(148,163,184,.12); }
.detail { color: var(--faint); font-size: 12px; margin-left: 6px; }
.tier { color: var(--muted); font-size: 12px; border: 1px solid var(--border); border-radius: 5px; padding: 1px 6px; }
.bar { display: inline-block; width: 70px; height: 6px; border-radius: 3px; background: #1e293b; vertical-align: middle; margin-right: 8px; overflow: hidden; }
.bar > span { display: block; height: 100%; border-radius: 3px; background: var(--accent); }
.bar.hot > span { background: var(--warn); } .bar.crit > span { background: #f97316; } .bar.hit > span { background: #a78bfa; }
.muted { color: var(--faint); }
.grid2 { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px; align-items: start; }
.scroll { max-height: 760px; overflow-y: auto; padding-right: 4px; }
ol.decisions, ul.purges { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
.decision { border: 1px solid var(--border); border-radius: 10px; padding: 9px 12px; background: var(--panel-2); }
.decision .d-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; }
.decision .d-time { color: var(--faint); font: 12px var(--mono); }
.decision .d-name { font: 600 13px var(--mono); overflow-wrap: anywhere; }
.decision .arrow { color: var(--faint); }
.chip { display: inline-block; font: 12px var(--mono); padding: 1px 7px; border-radius: 6px; background: rgba(56,189,248,.12); color: #7dd3fc; overflow-wrap: anywhere; }
.chip.none { background: rgba(239,68,68,.12); color: #fca5a5; }
.chip.pending { background: rgba(245,158,11,.12); color: #fcd34d; }
.decision .d-meta { color: var(--faint); font-size: 12px; margin-top: 3px; overflow-wrap: anywhere; }
ol.trace { margin: 7px 0 0; padding: 0; list-style: none; counter-reset: step; border-left: 2px solid var(--border); }
ol.trace li { counter-increment: step; position: relative; padding: 1px 0 1px 26px; color: #cbd5e1; font-size: 12.5px; overflow-wrap: anywhere; }
ol.trace li::before { content: counter(step); position: absolute; left: 7px; color: var(--faint); font: 11px var(--mono); top: 3px; }
.purge { border: 1px solid var(--border); border-radius: 10px; padding: 9px 12px; background: var(--panel-2); }
.purge .p-head { display: flex; justify-content: space-between; gap: 10px; align-items: baseline; }
.purge .p-seq { font: 600 13px var(--mono); color: var(--accent); white-space: nowrap; }
.purge .p-scope { font: 13px var(--mono); overflow-wrap: anywhere; flex: 1; }
.purge .p-age { color: var(--faint); font-size: 12px; white-space: nowrap; }
.purge .p-progress { display: flex; align-items: center; gap: 10px; margin: 7px 0 5px; font-size: 12px; color: var(--muted); }
.purge .p-progress .bar { flex: 1; width: auto; }
.purge .p-pending { display: flex; flex-wrap: wrap; gap: 5px; }
.empty { color: var(--faint); font-size: 13px; padding: 16px 4px; text-align: center; border: 1px dashed var(--border); border-radius: 10px; }
footer { color: var(--faint); font-size: 12px; padding: 10px 28px 22px; max-width: 1680px; margin: 0 auto; }
footer a { color: var(--muted); }
/* Motion is decoration: honour the operator's setting, and spare busy machines the repaints. */
@media (prefers-reduced-motion: reduce) { .conn .pulse, #map .node .halo { animation: none !important; } }
@media (max-width: 1000px) { .cards, .trends { grid-template-columns: repeat(2, minmax(0, 1fr)); } .grid2 { grid-template-columns: minmax(0, 1fr); } }
`;

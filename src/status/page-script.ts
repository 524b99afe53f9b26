/**
 * The page's script, inlined. It builds every node-controlled string with textContent and
 * setAttribute (never innerHTML), so ids, regions and trace lines from config or from the
 * network stay text. Plain ES2017, no modules, no external requests but its own endpoints.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('status-config').textContent);
  var P = config.projection;
  var SVGNS = 'http://www.w3.org/2000/svg';
  var COLORS = { up: '#22c55e', down: '#ef4444', unknown: '#94a3b8' };
  var RING_R = 8.5;
  var RING_C = 2 * Math.PI * RING_R;
  var dotsLayer = document.getElementById('dots');
  var tooltip = document.getElementById('tooltip');
  var mapWrap = document.getElementById('map-wrap');
  var conn = document.getElementById('conn');
  var connText = document.getElementById('conn-text');
  var groups = new Map();
  var nodeOfGroup = new WeakMap();
  var lastUpdate = 0;
  var updates = 0;
  var mode = 'connecting';

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function str(v) { return v === undefined || v === null ? '' : String(v); }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function num(v) { return typeof v === 'number' && isFinite(v) ? v : null; }
  function unit(v) { v = num(v); return v === null ? null : Math.min(1, Math.max(0, v)); }
  function health(h) { return h === 'up' || h === 'down' ? h : 'unknown'; }
  function pct(v) { v = unit(v); return v === null ? '—' : (v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0) + ' %'; }
  function clock(ms) { ms = num(ms); return ms === null ? '—' : new Date(ms).toISOString().slice(11, 19); }
  function ago(ms) {
    ms = num(ms);
    if (ms === null) return '';
    if (ms < 1000) return 'just now';
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s ago';
    if (ms < 3600000) return Math.floor(ms / 60000) + ' min ago';
    return Math.floor(ms / 3600000) + ' h ago';
  }
  function rate(v) { v = num(v); return v === null ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1); }
  function short(v) { v = num(v); return v === null ? '—' : v === 0 ? '0' : v >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : v >= 1e4 ? (v / 1e3).toFixed(0) + 'k' : v >= 1e3 ? (v / 1e3).toFixed(1) + 'k' : rate(v); }
  function duration(ms) { ms = num(ms); return ms === null ? '—' : ms < 1000 ? Math.round(ms) + ' ms' : ms < 60000 ? (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s' : Math.round(ms / 60000) + ' min'; }
  function span(ms) { return ms >= 60000 ? Math.round(ms / 60000) + ' min' : (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s'; }
  function loadClass(v) { return v === null ? '' : v >= 0.9 ? 'crit' : v >= 0.7 ? 'hot' : ''; }
  function loadColor(v) { return v >= 0.9 ? '#f97316' : v >= 0.7 ? '#f59e0b' : '#38bdf8'; }
  function project(loc) {
    if (!loc || num(loc.lat) === null || num(loc.lon) === null) return null;
    var lat = Math.min(P.latTop, Math.max(P.latBottom, loc.lat));
    var lon = Math.min(180, Math.max(-180, loc.lon));
    return { x: (lon + 180) / 360 * P.width, y: (P.latTop - lat) / (P.latTop - P.latBottom) * P.height };
  }
  function bar(value, extra) {
    var b = el('span', 'bar ' + (extra || ''));
    var fill = el('span');
    fill.style.width = (unit(value) === null ? 0 : unit(value) * 100) + '%';
    b.appendChild(fill);
    return b;
  }

  // Nodes in one city would hide each other: spread each group on a small circle.
  function placements(nodes) {
    var out = [];
    var groupsAt = new Map();
    nodes.forEach(function (node) {
      var p = project(node && node.location);
      if (!p) return;
      var key = Math.round(p.x / 9) + ':' + Math.round(p.y / 9);
      if (!groupsAt.has(key)) groupsAt.set(key, []);
      var item = { node: node, x: p.x, y: p.y };
      groupsAt.get(key).push(item);
      out.push(item);
    });
    groupsAt.forEach(function (items) {
      if (items.length < 2) return;
      var r = 7 + items.length * 1.5;
      items.forEach(function (item, i) {
        var a = -Math.PI / 2 + 2 * Math.PI * i / items.length;
        item.x += r * Math.cos(a);
        item.y += r * Math.sin(a);
      });
    });
    return out;
  }

  // Greedy label placement: right, left, above, below; hidden when all four collide.
  function placeLabels(items) {
    var boxes = items.map(function (it) { return { x: it.x - 11, y: it.y - 11, w: 22, h: 22 }; });
    var sorted = items.slice().sort(function (a, b) { return a.x - b.x || a.y - b.y; });
    sorted.forEach(function (it) {
      var w = Math.min(it.label.length, 28) * 6.4 + 4;
      var options = [
        { x: it.x + 12, y: it.y - 7, tx: 12, ty: 4, anchor: 'start' },
        { x: it.x - 12 - w, y: it.y - 7, tx: -12, ty: 4, anchor: 'end' },
        { x: it.x - w / 2, y: it.y - 27, tx: 0, ty: -15, anchor: 'middle' },
        { x: it.x - w / 2, y: it.y + 12, tx: 0, ty: 23, anchor: 'middle' }
      ];
      var chosen = null;
      for (var i = 0; i < options.length && !chosen; i++) {
        var o = options[i];
        var box = { x: o.x, y: o.y, w: w, h: 14 };
        if (box.x < 0 || box.x + box.w > P.width || box.y < 0 || box.y + box.h > P.height) continue;
        var hit = boxes.some(function (b) { return b.x < box.x + box.w && box.x < b.x + b.w && b.y < box.y + box.h && box.y < b.y + b.h; });
        if (!hit) { chosen = o; boxes.push(box); }
      }
      it.labelPlace = chosen;
    });
  }

  function makeGroup() {
    var g = svgEl('g', { class: 'node', tabindex: '0' });
    g.appendChild(svgEl('circle', { class: 'halo', r: 13 }));
    g.appendChild(svgEl('circle', { class: 'load-track', r: RING_R }));
    g.appendChild(svgEl('circle', { class: 'load-arc', r: RING_R, transform: 'rotate(-90)' }));
    g.appendChild(svgEl('circle', { class: 'node-dot', r: 5 }));
    g.appendChild(svgEl('text', { class: 'label' }));
    dotsLayer.appendChild(g);
    return g;
  }

  function renderMap(nodes) {
    var items = placements(nodes);
    var seen = new Map();
    items.forEach(function (it) {
      var id = str(it.node.id);
      var n = (seen.get(id) || 0) + 1;
      seen.set(id, n);
      it.key = id + '\u0000' + n;
      it.label = id;
    });
    placeLabels(items);
    var keep = new Set();
    items.forEach(function (it) {
      var node = it.node;
      var h = health(node.health);
      var load = unit(node.load);
      var g = groups.get(it.key);
      if (!g) { g = makeGroup(); groups.set(it.key, g); }
      keep.add(it.key);
      nodeOfGroup.set(g, node);
      g.setAttribute('transform', 'translate(' + it.x.toFixed(1) + ' ' + it.y.toFixed(1) + ')');
      g.setAttribute('data-node-id', str(node.id));
      g.setAttribute('data-health', h);
      g.setAttribute('data-tier', node.tier === 'regional' ? 'regional' : 'edge');
      g.setAttribute('aria-label', str(node.id) + ': ' + h);
      var dot = g.querySelector('.node-dot');
      dot.setAttribute('fill', COLORS[h]);
      dot.setAttribute('r', node.tier === 'regional' ? 6 : 5);
      g.querySelector('.halo').setAttribute('stroke', COLORS[h]);
      var arc = g.querySelector('.load-arc');
      arc.setAttribute('stroke', load === null ? 'none' : loadColor(load));
      arc.setAttribute('stroke-dasharray', (load === null ? 0 : Math.max(0.5, load * RING_C)).toFixed(2) + ' ' + RING_C.toFixed(2));
      arc.setAttribute('data-load', load === null ? '' : load.toFixed(3));
      var label = g.querySelector('.label');
      label.textContent = it.label.length > 28 ? it.label.slice(0, 27) + '…' : it.label;
      if (it.labelPlace) {
        label.removeAttribute('data-hidden');
        label.setAttribute('x', it.labelPlace.tx);
        label.setAttribute('y', it.labelPlace.ty);
        label.setAttribute('text-anchor', it.labelPlace.anchor);
      } else {
        label.setAttribute('data-hidden', '');
      }
    });
    groups.forEach(function (g, key) {
      if (!keep.has(key)) { g.remove(); groups.delete(key); }
    });
    var unplaced = nodes.length - items.length;
    $('map-note').textContent = (unplaced > 0 ? unplaced + (unplaced === 1 ? ' node has' : ' nodes have') + ' no location and ' + (unplaced === 1 ? 'is' : 'are') + ' listed in the table only. ' : '') +
      (config.landOutline ? '' : 'Land outline unavailable (world-atlas data missing): graticule only.');
  }

  function tooltipRow(k, v) {
    var row = el('div', 't-row');
    row.appendChild(el('span', '', k));
    row.appendChild(el('b', '', v));
    return row;
  }
  function showTooltip(g, clientX, clientY) {
    var node = nodeOfGroup.get(g);
    if (!node) return;
    var h = health(node.health);
    tooltip.replaceChildren(
      el('div', 't-id', str(node.id)),
      tooltipRow('region', str(node.region) + ' · ' + str(node.tier)),
      tooltipRow('address', str(node.address)),
      tooltipRow('health', h + (node.healthDetail ? ' (' + str(node.healthDetail) + ')' : '')),
      tooltipRow('load', pct(node.load)),
      tooltipRow('hit ratio', pct(node.hitRatio)),
      tooltipRow('requests/s', rate(node.requestsPerSecond))
    );
    tooltip.hidden = false;
    var box = mapWrap.getBoundingClientRect();
    var x = clientX - box.left + 14;
    var y = clientY - box.top + 14;
    if (x + tooltip.offsetWidth > box.width) x = clientX - box.left - tooltip.offsetWidth - 14;
    if (y + tooltip.offsetHeight > box.height) y = clientY - box.top - tooltip.offsetHeight - 14;
    tooltip.style.left = Math.max(4, x) + 'px';
    tooltip.style.top = Math.max(4, y) + 'px';
  }
  $('map').addEventListener('mousemove', function (e) {
    var g = e.target && e.target.closest ? e.target.closest('g.node') : null;
    if (g) showTooltip(g, e.clientX, e.clientY); else tooltip.hidden = true;
  });
  $('map').addEventListener('mouseleave', function () { tooltip.hidden = true; });
  $('map').addEventListener('focusin', function (e) {
    var g = e.target.closest && e.target.closest('g.node');
    if (!g) return;
    var r = g.getBoundingClientRect();
    showTooltip(g, r.right, r.bottom);
  });
  $('map').addEventListener('focusout', function () { tooltip.hidden = true; });

  function renderCards(s) {
    var nodes = s.nodes;
    var up = nodes.filter(function (n) { return health(n.health) === 'up'; }).length;
    var down = nodes.filter(function (n) { return health(n.health) === 'down'; }).length;
    var loads = nodes.map(function (n) { return unit(n.load); }).filter(function (v) { return v !== null; });
    var hits = nodes.map(function (n) { return unit(n.hitRatio); }).filter(function (v) { return v !== null; });
    var mean = function (xs) { return xs.length ? xs.reduce(function (a, b) { return a + b; }, 0) / xs.length : null; };
    var upEl = $('sum-up');
    upEl.textContent = up + ' / ' + nodes.length;
    upEl.className = 'v ' + (down > 0 ? 'bad' : nodes.length && up === nodes.length ? 'good' : '');
    $('sum-up-sub').textContent = down > 0 ? down + ' down' : nodes.length - up > 0 ? (nodes.length - up) + ' unchecked' : 'all healthy';
    var meanLoad = mean(loads);
    $('sum-load').textContent = pct(meanLoad);
    $('sum-load').className = 'v ' + (meanLoad !== null && meanLoad >= 0.7 ? 'warn' : '');
    $('sum-load-sub').textContent = loads.length ? 'peak ' + pct(Math.max.apply(null, loads)) : 'no reports';
    $('sum-hit').textContent = pct(mean(hits));
    $('sum-hit-sub').textContent = hits.length ? 'mean of ' + hits.length + ' node' + (hits.length === 1 ? '' : 's') : 'no reports';
    $('sum-decisions').textContent = String(s.decisions.length);
    $('sum-decisions-sub').textContent = s.decisions.length ? 'latest ' + ago(s.generatedAt - num(s.decisions[0].at)) : 'none yet';
    $('sum-purges').textContent = String(s.purges.length);
    $('sum-purges').className = 'v ' + (s.purges.length ? 'warn' : '');
    var oldest = s.purges.reduce(function (m, p) { var t = num(p.issuedAt); return t !== null && (m === null || t < m) ? t : m; }, null);
    $('sum-purges-sub').textContent = oldest === null ? 'all applied' : 'oldest issued ' + ago(s.generatedAt - oldest);
  }

  // A node's requests/s over the newest samples, scaled to its own peak; an empty box when it has none.
  function sparkline(values) {
    var pts = [];
    var top = 0;
    arr(values).forEach(function (v, i) { v = num(v); if (v !== null && v >= 0) { pts.push({ i: i, v: v }); top = Math.max(top, v); } });
    if (pts.length === 0) return el('span', 'spark');
    var W = 72, H = 18, last = arr(values).length - 1;
    var svg = svgEl('svg', { class: 'spark', viewBox: '0 0 ' + W + ' ' + H, 'aria-hidden': 'true', 'data-points': pts.length });
    var xy = pts.map(function (p) { return { x: last > 0 ? p.i / last * W : W, y: H - 1.5 - (top > 0 ? p.v / top : 0) * (H - 3) }; });
    svg.appendChild(svgEl('path', { d: xy.map(function (p, i) { return (i ? 'L' : 'M') + p.x.toFixed(1) + ' ' + p.y.toFixed(1); }).join('') }));
    var end = xy[xy.length - 1];
    svg.appendChild(svgEl('circle', { cx: end.x.toFixed(1), cy: end.y.toFixed(1), r: 1.8 }));
    return svg;
  }

  function renderTable(nodes, series) {
    var rows = nodes.map(function (node) {
      var h = health(node.health);
      var tr = el('tr');
      tr.setAttribute('data-node-id', str(node.id));
      tr.setAttribute('data-health', h);
      var hc = el('td');
      hc.appendChild(el('span', 'pill ' + h, h));
      if (node.healthDetail) hc.appendChild(el('span', 'detail', str(node.healthDetail)));
      tr.appendChild(hc);
      tr.appendChild(el('td', 'mono node-id', str(node.id)));
      tr.appendChild(el('td', '', str(node.region)));
      var tc = el('td');
      tc.appendChild(el('span', 'tier', str(node.tier)));
      tr.appendChild(tc);
      tr.appendChild(el('td', 'mono', str(node.address)));
      var load = unit(node.load);
      var lc = el('td', 'num');
      lc.appendChild(bar(load, loadClass(load)));
      lc.appendChild(document.createTextNode(pct(load)));
      tr.appendChild(lc);
      var hitc = el('td', 'num');
      hitc.appendChild(bar(node.hitRatio, 'hit'));
      hitc.appendChild(document.createTextNode(pct(node.hitRatio)));
      tr.appendChild(hitc);
      var rc = el('td', 'num');
      rc.appendChild(sparkline(series.get(str(node.id))));
      rc.appendChild(document.createTextNode(rate(node.requestsPerSecond)));
      tr.appendChild(rc);
      var loc = node.location;
      tr.appendChild(el('td', 'num mono muted', loc && num(loc.lat) !== null && num(loc.lon) !== null ? loc.lat.toFixed(1) + ', ' + loc.lon.toFixed(1) : '—'));
      return tr;
    });
    $('nodes-body').replaceChildren.apply($('nodes-body'), rows);
    $('nodes-empty').hidden = nodes.length > 0;
  }

  function renderDecisions(s) {
    var items = s.decisions.map(function (d) {
      var li = el('li', 'decision');
      li.setAttribute('data-decision-id', str(d.id));
      var head = el('div', 'd-head');
      head.appendChild(el('span', 'd-time', clock(d.at)));
      head.appendChild(el('span', 'd-name', str(d.name)));
      head.appendChild(el('span', 'arrow', '→'));
      var answers = arr(d.answers);
      if (answers.length === 0) head.appendChild(el('span', 'chip none', 'no answer'));
      answers.forEach(function (a) { head.appendChild(el('span', 'chip', str(a))); });
      li.appendChild(head);
      li.appendChild(el('div', 'd-meta', 'client ' + str(d.client) + ' · ' + str(d.id) + ' · ' + ago(s.generatedAt - num(d.at))));
      var trace = el('ol', 'trace');
      arr(d.trace).forEach(function (step) { trace.appendChild(el('li', '', str(step))); });
      li.appendChild(trace);
      return li;
    });
    $('decisions').replaceChildren.apply($('decisions'), items);
    $('decisions-empty').hidden = items.length > 0;
  }

  function renderPurges(s) {
    var purges = s.purges.slice().sort(function (a, b) { return (num(a.sequence) || 0) - (num(b.sequence) || 0); });
    var items = purges.map(function (p) {
      var li = el('li', 'purge');
      li.setAttribute('data-sequence', str(p.sequence));
      var head = el('div', 'p-head');
      head.appendChild(el('span', 'p-seq', '#' + str(p.sequence)));
      head.appendChild(el('span', 'p-scope', str(p.scope)));
      head.appendChild(el('span', 'p-age', ago(s.generatedAt - num(p.issuedAt))));
      li.appendChild(head);
      var pending = arr(p.pending);
      var acked = Math.max(0, num(p.acked) || 0);
      var total = acked + pending.length;
      var progress = el('div', 'p-progress');
      progress.appendChild(bar(total ? acked / total : 0));
      progress.appendChild(el('span', 'p-acks', acked + ' / ' + total + ' acked'));
      li.appendChild(progress);
      var chips = el('div', 'p-pending');
      pending.forEach(function (id) { chips.appendChild(el('span', 'chip pending', str(id))); });
      li.appendChild(chips);
      return li;
    });
    $('purges').replaceChildren.apply($('purges'), items);
    $('purges-empty').hidden = items.length > 0;
  }

  // The history arrives as parallel arrays; each is cut or padded to the length of at, every entry a number or null.
  function readHistory(raw) {
    var h = raw && typeof raw === 'object' ? raw : {};
    var at = arr(h.at).map(num);
    var n = at.length;
    function series(v) { var a = arr(v); var out = []; for (var i = 0; i < n; i++) out.push(num(a[i])); return out; }
    var nodes = new Map();
    arr(h.nodes).forEach(function (s) { if (s && typeof s === 'object' && !nodes.has(str(s.id))) nodes.set(str(s.id), arr(s.requestsPerSecond)); });
    return {
      intervalMs: num(h.intervalMs), capacity: num(h.capacity), at: at,
      rps: series(h.requestsPerSecond), hit: series(h.hitRatio).map(unit), up: series(h.nodesUp), total: series(h.nodesTotal),
      purge: series(h.purgeLatencyMs), purges: series(h.purgesCompleted), nodes: nodes
    };
  }

  var TREND_H = 64;
  var TRENDS = {
    rps: { values: function (h) { return h.rps; }, text: function (h, i) { return rate(h.rps[i]); }, axis: short },
    hit: { values: function (h) { return h.hit; }, text: function (h, i) { return pct(h.hit[i]); }, axis: pct, ratio: true },
    up: { values: function (h) { return h.up; }, ref: function (h) { return h.total; }, step: true, axis: function (v) { return String(Math.round(v)); },
      text: function (h, i) { return h.up[i] === null ? '—' : h.up[i] + ' / ' + (h.total[i] === null ? '?' : h.total[i]); } },
    purge: { values: function (h) { return h.purge; }, dots: true, axis: duration,
      text: function (h, i) { return duration(h.purge[i]) + (h.purges[i] > 1 ? ' (slowest of ' + h.purges[i] + ')' : ''); } }
  };
  var trendViews = Array.prototype.map.call(document.querySelectorAll('figure.trend'), function (fig) {
    var svg = fig.querySelector('svg');
    var view = {
      fig: fig, def: TRENDS[fig.getAttribute('data-trend')], svg: svg, value: fig.querySelector('.tv'),
      ymax: fig.querySelector('.ymax'), ymin: fig.querySelector('.ymin'), t0: fig.querySelector('.t0'), t1: fig.querySelector('.t1'),
      grid: svg.appendChild(svgEl('path', { class: 'grid' })), ref: svg.appendChild(svgEl('path', { class: 'ref' })),
      area: svg.appendChild(svgEl('path', { class: 'area' })), line: svg.appendChild(svgEl('path', { class: 'line' })),
      dots: svg.appendChild(svgEl('g', {})), guide: svg.appendChild(svgEl('line', { class: 'guide', visibility: 'hidden' })),
      pts: [], w: 300, h: null, hoverX: null
    };
    // Hover (or touch) reads the sample under the pointer; leaving shows the newest again.
    fig.querySelector('.plot').addEventListener('pointermove', function (e) {
      var box = svg.getBoundingClientRect();
      view.hoverX = (e.clientX - box.left) * (view.w / (box.width || 1));
      readout(view);
    });
    fig.querySelector('.plot').addEventListener('pointerleave', function () { view.hoverX = null; readout(view); });
    return view;
  }).filter(function (view) { return view.def; });

  function readout(view) {
    var h = view.h;
    var pts = view.pts;
    var pick = null;
    if (view.hoverX !== null) pts.forEach(function (p) { if (!pick || Math.abs(p.x - view.hoverX) < Math.abs(pick.x - view.hoverX)) pick = p; });
    if (pick) {
      view.guide.setAttribute('x1', pick.x.toFixed(1));
      view.guide.setAttribute('x2', pick.x.toFixed(1));
      view.guide.setAttribute('y1', 0);
      view.guide.setAttribute('y2', TREND_H);
      view.guide.setAttribute('visibility', 'visible');
      view.value.textContent = view.def.text(h, pick.i);
      view.t1.textContent = clock(h.at[pick.i]);
      return;
    }
    view.guide.setAttribute('visibility', 'hidden');
    var last = pts[pts.length - 1];
    view.value.textContent = last ? view.def.text(h, last.i) : view.def.dots && h && h.at.length ? 'none completed' : '—';
    view.t1.textContent = 'now';
  }

  function drawTrend(view, h) {
    var def = view.def;
    var w = Math.round(view.svg.getBoundingClientRect().width) || 300;
    view.w = w;
    view.h = h;
    view.svg.setAttribute('viewBox', '0 0 ' + w + ' ' + TREND_H);
    var values = def.values(h);
    var refs = def.ref ? def.ref(h) : [];
    var times = h.at.filter(function (t) { return t !== null; });
    var t1 = times.length ? times[times.length - 1] : 0;
    var spanMs = Math.max(times.length ? t1 - times[0] : 0, h.intervalMs && h.capacity ? h.intervalMs * (h.capacity - 1) : 0);
    var t0 = t1 - spanMs;
    var seen = values.filter(function (v, i) { return v !== null && h.at[i] !== null; }).concat(refs.filter(function (v) { return v !== null; }));
    // Counts and rates from zero; ratios zoomed to their band (a hit ratio moves between 0.85 and 0.95, not 0 and 1).
    var lo = 0;
    var hi = seen.length ? Math.max.apply(null, seen) : 1;
    if (def.ratio) {
      lo = seen.length ? Math.max(0, Math.min.apply(null, seen) - 0.02) : 0;
      hi = Math.min(1, hi + 0.02);
      if (hi - lo < 0.05) { lo = Math.max(0, hi - 0.05); hi = lo + 0.05; }
    } else {
      hi = hi > 0 ? hi * 1.12 : 1;
    }
    var x = function (t) { return spanMs > 0 ? (t - t0) / spanMs * w : w; };
    var y = function (v) { return TREND_H - 2 - (v - lo) / (hi - lo) * (TREND_H - 6); };
    function paths(series, step) {
      var d = '', area = '', run = [], pts = [];
      function flush() {
        if (run.length > 1) area += 'M' + run[0].x.toFixed(1) + ' ' + TREND_H + run.map(function (p) { return 'L' + p.x.toFixed(1) + ' ' + p.y.toFixed(1); }).join('') + 'L' + run[run.length - 1].x.toFixed(1) + ' ' + TREND_H + 'Z';
        run = [];
      }
      series.forEach(function (v, i) {
        if (v === null || h.at[i] === null) { flush(); return; }
        var p = { i: i, x: x(h.at[i]), y: y(v) };
        if (step && run.length) {
          var prev = run[run.length - 1];
          if (prev.y !== p.y) { run.push({ x: p.x, y: prev.y }); d += 'L' + p.x.toFixed(1) + ' ' + prev.y.toFixed(1); }
        }
        d += (run.length ? 'L' : 'M') + p.x.toFixed(1) + ' ' + p.y.toFixed(1);
        run.push(p);
        pts.push(p);
      });
      flush();
      return { d: d, area: area, pts: pts };
    }
    var main = paths(values, def.step);
    // Purge latencies are events, not a level: dots, with nothing drawn between them.
    view.line.setAttribute('d', def.dots ? '' : main.d);
    view.area.setAttribute('d', def.dots ? '' : main.area);
    view.ref.setAttribute('d', def.ref ? paths(refs, true).d : '');
    view.grid.setAttribute('d', 'M0 ' + y(lo).toFixed(1) + 'H' + w + 'M0 ' + ((y(lo) + y(hi)) / 2).toFixed(1) + 'H' + w + 'M0 ' + y(hi).toFixed(1) + 'H' + w);
    var marks = def.dots ? main.pts : main.pts.slice(-1);
    view.dots.replaceChildren.apply(view.dots, marks.map(function (p) { return svgEl('circle', { class: 'dot', cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: def.dots ? 3 : 2.6 }); }));
    view.pts = main.pts;
    view.fig.setAttribute('data-points', String(main.pts.length));
    view.ymax.textContent = seen.length ? def.axis(hi) : '';
    view.ymin.textContent = seen.length ? def.axis(lo) : '';
    view.t0.textContent = spanMs > 0 ? '−' + span(spanMs) : '';
    view.svg.setAttribute('aria-label', view.fig.querySelector('.k').firstChild.textContent + ': ' + main.pts.length + ' samples' + (main.pts.length ? ', newest ' + def.text(h, main.pts[main.pts.length - 1].i) : ''));
    readout(view);
  }

  function renderTrends(h) {
    trendViews.forEach(function (view) { drawTrend(view, h); });
    var windowMs = h.intervalMs && h.capacity ? h.intervalMs * h.capacity : 0;
    $('trend-window').textContent = windowMs ? 'last ' + span(windowMs) + ', one sample every ' + span(h.intervalMs) + (h.at.length < h.capacity ? ' (' + h.at.length + ' so far)' : '') : 'no history from this server';
  }

  function render(raw) {
    var s = raw && typeof raw === 'object' ? raw : {};
    var snap = {
      generatedAt: num(s.generatedAt) || Date.now(),
      nodes: arr(s.nodes).filter(function (n) { return n && typeof n === 'object'; }),
      decisions: arr(s.decisions).filter(function (d) { return d && typeof d === 'object'; }),
      purges: arr(s.purges).filter(function (p) { return p && typeof p === 'object'; }),
      history: readHistory(s.history)
    };
    renderMap(snap.nodes);
    renderCards(snap);
    renderTrends(snap.history);
    renderTable(snap.nodes, snap.history.nodes);
    renderDecisions(snap);
    renderPurges(snap);
    $('generated').textContent = clock(snap.generatedAt) + ' UTC';
    lastUpdate = Date.now();
    updates++;
    document.body.setAttribute('data-updates', String(updates));
  }

  function apply(text) {
    var parsed;
    try { parsed = JSON.parse(text); } catch (e) { return; }
    render(parsed);
    if (mode === 'stale') setMode(source ? 'live' : 'polling');
  }

  function setMode(next) {
    mode = next;
    conn.setAttribute('data-mode', next);
    connText.textContent = next === 'live' ? 'Live' : next === 'polling' ? 'Polling every 2 s' : next === 'stale' ? 'No update for ' + Math.round((Date.now() - lastUpdate) / 1000) + ' s' : next === 'offline' ? 'Disconnected, retrying' : 'Connecting';
  }

  var source = null;
  var pollTimer = null;
  var retryTimer = null;
  function stopPolling() { if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } }
  function poll() {
    fetch(config.jsonPath, { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
      .then(function (t) { apply(t); if (!source) setMode('polling'); })
      .catch(function () { if (!source) setMode('offline'); });
  }
  function startPolling() {
    if (pollTimer) return;
    setMode('polling');
    poll();
    pollTimer = setInterval(poll, 2000);
  }
  function startEvents() {
    retryTimer = null;
    if (typeof EventSource !== 'function') { startPolling(); return; }
    var es = new EventSource(config.eventsPath);
    source = es;
    es.addEventListener('snapshot', function (e) {
      if (source !== es) return;
      stopPolling();
      if (mode !== 'live') setMode('live');
      apply(e.data);
    });
    es.onerror = function () {
      // Fall back to polling at once, and try the stream again later.
      es.close();
      if (source === es) source = null;
      startPolling();
      if (!retryTimer) retryTimer = setTimeout(startEvents, 10000);
    };
  }

  setInterval(function () {
    if (lastUpdate && Date.now() - lastUpdate > 5000 && mode !== 'offline') setMode('stale');
  }, 1000);
  render(config.initial);
  startEvents();
})();
`;

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../helpers/paths.js';
import { WAIT, launchChromium, openStatusPage, type TestBrowser } from './browser.js';
import { HOSTILE, TestStatusSource, demoFleet, hostileFleet, moveFleet, serveForTest } from './fixtures.js';

interface PageFacts {
  dots: number;
  rows: { id: string; health: string }[];
  note: string;
  landLength: number;
  fills: Record<string, string>;
  loads: Record<string, string>;
  up: string;
  decisions: { id: string; chips: string[]; trace: string[] }[];
  purges: { sequence: string; acks: string; pending: string[] }[];
}

/** Evaluated in the page (as a CDP expression, which the page's CSP does not govern). */
const PAGE_FACTS = `(() => {
  const all = (root, s) => Array.from(root.querySelectorAll(s));
  const text = (root, s) => (root.querySelector(s) || {}).textContent || '';
  const nodes = all(document, '#map g.node');
  return {
    dots: all(document, '#map g.node .node-dot').length,
    rows: all(document, '#nodes-body tr').map((tr) => ({ id: text(tr, 'td.node-id'), health: text(tr, '.pill') })),
    note: text(document, '#map-note'),
    landLength: (document.querySelector('#map path.land')?.getAttribute('d') || '').length,
    fills: Object.fromEntries(nodes.map((g) => [g.getAttribute('data-node-id'), g.querySelector('.node-dot').getAttribute('fill')])),
    loads: Object.fromEntries(nodes.map((g) => [g.getAttribute('data-node-id'), g.querySelector('.load-arc').getAttribute('data-load')])),
    up: text(document, '#sum-up'),
    decisions: all(document, '#decisions li.decision').map((li) => ({
      id: li.getAttribute('data-decision-id'),
      chips: all(li, '.chip').map((c) => c.textContent),
      trace: all(li, 'ol.trace li').map((c) => c.textContent),
    })),
    purges: all(document, '#purges li.purge').map((li) => ({
      sequence: li.getAttribute('data-sequence'),
      acks: text(li, '.p-acks'),
      pending: all(li, '.chip.pending').map((c) => c.textContent),
    })),
  };
})()`;

let browser: TestBrowser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** What the trend charts drew: points per chart, line segments, per-row sparklines. */
const TREND_FACTS = `(() => {
  const all = (root, s) => Array.from(root.querySelectorAll(s));
  return {
    charts: Object.fromEntries(all(document, 'figure.trend').map((f) => [f.getAttribute('data-trend'), {
      points: Number(f.getAttribute('data-points')),
      segments: (f.querySelector('path.line').getAttribute('d') || '').split(/[ML]/).length - 1,
      dots: all(f, 'circle.dot').length,
      value: f.querySelector('.tv').textContent,
      ymax: f.querySelector('.ymax').textContent,
    }])),
    window: document.getElementById('trend-window').textContent,
    sparks: all(document, '#nodes-body svg.spark').map((s) => Number(s.getAttribute('data-points'))),
  };
})()`;

interface TrendFacts {
  charts: Record<string, { points: number; segments: number; dots: number; value: string; ymax: string }>;
  window: string;
  sparks: number[];
}

/** The little of the DOM the in-page predicates below use (the project compiles without lib.dom). */
interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
declare const document: {
  body: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
  getElementById(id: string): PageElement | null;
};

/** Functions, not strings: a string predicate would be eval'd in the page, which its CSP refuses. */
const enoughPoints = (want: Record<string, number>): boolean =>
  Object.entries(want).every(([trend, count]) => Number(document.querySelector(`#trend-${trend}`)?.getAttribute('data-points')) >= count);
const settled = (updates: number): boolean =>
  Number(document.body.getAttribute('data-updates')) > updates &&
  document.querySelectorAll('#purges li.purge').length === 2 &&
  document.getElementById('sum-up')?.textContent === '10 / 13' &&
  document.querySelector('#trend-up .tv')?.textContent === '10 / 13';

test('shows every node on the map and in the table, with trends, decisions and purges', async (t) => {
  const fleet = demoFleet();
  const source = new TestStatusSource(fleet);
  const refreshDocs = process.env.MERIDIAN_UPDATE_SCREENSHOT === '1';
  // Fast samples so the trend charts fill in seconds; the README picture waits for the whole window.
  const server = await serveForTest(t, source, { historyIntervalMs: 100, historySamples: 60 });
  const motion = moveFleet(source, fleet);
  t.after(() => motion.stop());
  const { page, requests, errors } = await openStatusPage(t, browser, `${server.url}/status`);

  await page.waitForFunction(enoughPoints, { rps: refreshDocs ? 60 : 12, purge: refreshDocs ? 4 : 1 }, WAIT);
  const updates = Number(await page.getAttribute('body', 'data-updates'));
  motion.stop();
  await page.waitForFunction(settled, updates, WAIT);
  const trends = (await page.evaluate(TREND_FACTS)) as TrendFacts;
  for (const name of ['rps', 'hit', 'up']) {
    const chart = trends.charts[name]!;
    assert.ok(chart.points >= 12, `${name}: ${chart.points} points`);
    assert.ok(chart.segments >= chart.points, `${name}: a line through every point (${chart.segments} segments)`);
    assert.equal(chart.dots, 1, `${name}: the newest point is marked`);
    assert.notEqual(chart.ymax, '');
  }
  assert.ok(trends.charts.purge!.points >= 1 && trends.charts.purge!.dots === trends.charts.purge!.points, 'every sample with completions is a dot');
  assert.equal(trends.charts.purge!.segments, 0, 'and no line joins them');
  assert.match(trends.charts.purge!.value, /^\d+ ms|^\d+(\.\d)? s/);
  assert.match(trends.charts.up!.value, /^\d+ \/ 13$/);
  assert.match(trends.window, /^last 6\.0 s, one sample every 0\.1 s/);
  assert.equal(trends.sparks.length, fleet.nodes.filter((n) => n.requestsPerSecond !== undefined).length, 'a sparkline for every node reporting requests/s');
  assert.ok(trends.sparks.every((points) => points >= 12), `sparkline points: ${trends.sparks.join(' ')}`);

  // Pointing at a chart reads out the sample under the pointer, with its time.
  await page.hover('#trend-rps .plot', { position: { x: 200, y: 30 } });
  // A one-pixel line has no box, so playwright calls it hidden: wait for it in the DOM.
  await page.waitForSelector('#trend-rps line.guide[visibility="visible"]', { ...WAIT, state: 'attached' });
  assert.match((await page.textContent('#trend-rps .t1')) ?? '', /^\d\d:\d\d:\d\d$/);
  await page.mouse.move(0, 0);
  await page.waitForSelector('#trend-rps line.guide[visibility="hidden"]', { ...WAIT, state: 'attached' });

  // One round trip for everything on the page (each query costs one on a busy machine).
  const facts = (await page.evaluate(PAGE_FACTS)) as PageFacts;
  const located = fleet.nodes.filter((node) => node.location).length;
  assert.equal(facts.dots, located);
  assert.equal(facts.rows.length, fleet.nodes.length);
  assert.deepEqual(facts.rows.map((row) => row.id), fleet.nodes.map((node) => node.id));
  assert.match(facts.note, /1 node has no location/);
  assert.ok(facts.landLength > 10_000, 'the world-atlas land outline is drawn');

  assert.equal(facts.fills['edge-sjc-1'], '#ef4444');
  assert.equal(facts.fills['edge-fra-1'], '#22c55e');
  assert.equal(facts.fills['edge-syd-1'], '#94a3b8');
  assert.equal(facts.loads['edge-nrt-1'], '0.930');
  assert.equal(facts.rows.find((row) => row.id === 'edge-sjc-1')?.health, 'down');
  assert.equal(facts.up, '10 / 13');

  assert.deepEqual(facts.decisions.map((d) => d.id), fleet.decisions.map((d) => d.id));
  assert.deepEqual(facts.decisions[0]?.trace, fleet.decisions[0]!.trace);
  assert.deepEqual(facts.decisions[0]?.chips, ['203.0.113.11', '203.0.113.12']);
  assert.deepEqual(facts.decisions[3]?.chips, ['no answer']);

  assert.deepEqual(facts.purges.map((p) => p.sequence), ['1042', '1043']);
  assert.equal(facts.purges[1]?.acks, '8 / 13 acked');
  assert.deepEqual(facts.purges[1]?.pending, fleet.purges[1]!.pending);

  // Hover a node: the tooltip names it with its numbers.
  await page.hover('#map g.node[data-node-id="edge-iad-1"] .node-dot');
  await page.waitForSelector('#tooltip:not([hidden])', WAIT);
  const tip = (await page.textContent('#tooltip')) ?? '';
  for (const part of ['edge-iad-1', 'us-east', 'edge', '63 %', '89 %']) assert.ok(tip.includes(part), `tooltip shows ${part}: ${tip}`);

  // Air-gapped by design: nothing but this server (and inline data: URLs) is requested.
  assert.deepEqual(requests.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('data:')), []);
  assert.deepEqual(errors, [], 'no script errors and no CSP violations');

  // The README's picture is the whole page, refreshed on request so ordinary runs leave the
  // work tree alone; otherwise the (cheaper) first screen goes to the temp dir.
  if (refreshDocs) {
    // A viewport as tall as the page, so the hovered tooltip survives into the picture.
    await page.setViewportSize({ width: 1440, height: Number(await page.evaluate('document.documentElement.scrollHeight')) });
    await page.hover('#map g.node[data-node-id="edge-iad-1"] .node-dot');
    await page.waitForSelector('#tooltip:not([hidden])', WAIT);
  }
  const shot = await page.screenshot();
  assert.ok(shot.length > 20_000, 'screenshot has content');
  writeFileSync(join(tmpdir(), `meridian-status-${process.pid}.png`), shot);
  if (refreshDocs) {
    mkdirSync(fromRoot('docs'), { recursive: true });
    writeFileSync(fromRoot('docs', 'status-page.png'), shot);
  }
});

test('hostile node ids, names and scopes stay text', async (t) => {
  const server = await serveForTest(t, new TestStatusSource(hostileFleet()), { historyIntervalMs: 100 });
  const { page, errors } = await openStatusPage(t, browser, server.url);
  // The hostile id is also a key of the per-node history: its sparkline comes, as an SVG of our own.
  await page.waitForSelector('#nodes-body tr:first-child svg.spark', WAIT);
  assert.equal(await page.evaluate('typeof window.__pwned'), 'undefined');
  assert.equal(await page.locator('img, iframe, #bold, #purges svg, #nodes-body svg:not(.spark), #nodes-body svg.spark *:not(path, circle)').count(), 0);
  assert.equal(await page.locator('#map g.node').count(), 2);
  assert.equal(await page.textContent('#nodes-body tr:first-child td.node-id'), HOSTILE.id);
  assert.equal(await page.textContent('#nodes-body tr:first-child td:nth-child(3)'), HOSTILE.region);
  assert.equal(await page.getAttribute('#map g.node:first-child', 'data-node-id'), HOSTILE.id);
  assert.equal(await page.textContent('#decisions .d-name'), HOSTILE.name);
  assert.equal(await page.textContent('#decisions ol.trace li'), HOSTILE.step);
  assert.equal(await page.textContent('#purges .p-scope'), HOSTILE.scope);
  assert.deepEqual(errors, []);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../helpers/paths.js';
import { WAIT, launchChromium, openStatusPage, type TestBrowser } from './browser.js';
import { HOSTILE, TestStatusSource, demoFleet, hostileFleet, serveForTest } from './fixtures.js';

let browser: TestBrowser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('shows every node on the map and in the table, with decisions and purges', async (t) => {
  const fleet = demoFleet();
  const server = await serveForTest(t, new TestStatusSource(fleet));
  const { page, requests, errors } = await openStatusPage(t, browser, `${server.url}/status`);

  const located = fleet.nodes.filter((node) => node.location).length;
  assert.equal(await page.locator('#map g.node .node-dot').count(), located);
  assert.equal(await page.locator('#nodes-body tr').count(), fleet.nodes.length);
  assert.match((await page.textContent('#map-note')) ?? '', /1 node has no location/);
  const land = await page.getAttribute('#map path.land', 'd');
  assert.ok(land && land.length > 10_000, 'the world-atlas land outline is drawn');

  const fill = (id: string) => page.getAttribute(`#map g.node[data-node-id="${id}"] .node-dot`, 'fill');
  assert.equal(await fill('edge-sjc-1'), '#ef4444');
  assert.equal(await fill('edge-fra-1'), '#22c55e');
  assert.equal(await fill('edge-syd-1'), '#94a3b8');
  assert.equal(await page.getAttribute('#map g.node[data-node-id="edge-nrt-1"] .load-arc', 'data-load'), '0.930');
  assert.equal(await page.textContent('#nodes-body tr[data-node-id="edge-sjc-1"] .pill'), 'down');
  assert.equal(await page.textContent('#sum-up'), '10 / 13');

  const decisions = page.locator('#decisions li.decision');
  assert.equal(await decisions.count(), fleet.decisions.length);
  assert.equal(await decisions.first().getAttribute('data-decision-id'), 'd-7f3a21');
  assert.deepEqual(await decisions.first().locator('ol.trace li').allTextContents(), fleet.decisions[0]!.trace);
  assert.deepEqual(await decisions.first().locator('.chip').allTextContents(), ['203.0.113.11', '203.0.113.12']);
  assert.equal(await page.textContent('#decisions li[data-decision-id="d-7f3a1e"] .chip'), 'no answer');

  assert.equal(await page.locator('#purges li.purge').count(), 2);
  assert.equal(await page.textContent('#purges li[data-sequence="1043"] .p-acks'), '8 / 13 acked');
  assert.deepEqual(await page.locator('#purges li[data-sequence="1043"] .chip.pending').allTextContents(), fleet.purges[1]!.pending);

  // Hover a node: the tooltip names it with its numbers.
  await page.hover('#map g.node[data-node-id="edge-iad-1"] .node-dot');
  await page.waitForSelector('#tooltip:not([hidden])', WAIT);
  const tip = (await page.textContent('#tooltip')) ?? '';
  for (const part of ['edge-iad-1', 'us-east', 'edge', '63 %', '89 %']) assert.ok(tip.includes(part), `tooltip shows ${part}: ${tip}`);

  // Air-gapped by design: nothing but this server (and inline data: URLs) is requested.
  assert.deepEqual(requests.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('data:')), []);
  assert.deepEqual(errors, [], 'no script errors and no CSP violations');

  const shot = await page.screenshot({ fullPage: true });
  assert.ok(shot.length > 20_000, 'screenshot has content');
  writeFileSync(join(tmpdir(), `meridian-status-${process.pid}.png`), shot);
  // The README's picture; refreshed on request so ordinary runs leave the work tree alone.
  if (process.env.MERIDIAN_UPDATE_SCREENSHOT === '1') {
    mkdirSync(fromRoot('docs'), { recursive: true });
    writeFileSync(fromRoot('docs', 'status-page.png'), shot);
  }
});

test('hostile node ids, names and scopes stay text', async (t) => {
  const server = await serveForTest(t, new TestStatusSource(hostileFleet()));
  const { page, errors } = await openStatusPage(t, browser, server.url);
  assert.equal(await page.evaluate('typeof window.__pwned'), 'undefined');
  assert.equal(await page.locator('img, iframe, #bold, #purges svg').count(), 0);
  assert.equal(await page.locator('#map g.node').count(), 2);
  assert.equal(await page.textContent('#nodes-body tr:first-child td.node-id'), HOSTILE.id);
  assert.equal(await page.textContent('#nodes-body tr:first-child td:nth-child(3)'), HOSTILE.region);
  assert.equal(await page.getAttribute('#map g.node:first-child', 'data-node-id'), HOSTILE.id);
  assert.equal(await page.textContent('#decisions .d-name'), HOSTILE.name);
  assert.equal(await page.textContent('#decisions ol.trace li'), HOSTILE.step);
  assert.equal(await page.textContent('#purges .p-scope'), HOSTILE.scope);
  assert.deepEqual(errors, []);
});

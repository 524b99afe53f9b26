import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WAIT, launchChromium, openStatusPage, type TestBrowser } from './browser.js';
import { TestStatusSource, demoFleet, serveForTest } from './fixtures.js';

let browser: TestBrowser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const dot = (id: string, health?: string) => `#map g.node[data-node-id="${id}"]${health ? `[data-health="${health}"]` : ''}`;

test('a health change pushed by the source recolours the dot live', async (t) => {
  const source = new TestStatusSource(demoFleet());
  // A one-minute tick proves the change travels through subscribe(), not the periodic push.
  const server = await serveForTest(t, source, { intervalMs: 60_000 });
  const { page } = await openStatusPage(t, browser, server.url);
  const updatesBefore = Number(await page.getAttribute('body', 'data-updates'));

  source.setHealth('edge-fra-1', 'down', 'status 503');
  await page.waitForSelector(dot('edge-fra-1', 'down'), WAIT);
  assert.equal(await page.getAttribute(`${dot('edge-fra-1')} .node-dot`, 'fill'), '#ef4444');
  assert.equal(await page.textContent('#nodes-body tr[data-node-id="edge-fra-1"] .pill'), 'down');
  assert.equal(await page.textContent('#nodes-body tr[data-node-id="edge-fra-1"] .detail'), 'status 503');
  assert.ok(Number(await page.getAttribute('body', 'data-updates')) > updatesBefore);

  source.setHealth('edge-fra-1', 'up');
  await page.waitForSelector(dot('edge-fra-1', 'up'), WAIT);
  assert.equal(await page.getAttribute(`${dot('edge-fra-1')} .node-dot`, 'fill'), '#22c55e');
});

test('the periodic push alone carries changes from a source without subscribe()', async (t) => {
  const source = new TestStatusSource(demoFleet());
  const server = await serveForTest(t, { snapshot: () => source.snapshot() }, { intervalMs: 500 });
  const { page } = await openStatusPage(t, browser, server.url);
  source.nodes = source.nodes.filter((node) => node.id !== 'edge-ams-1');
  await page.waitForSelector(dot('edge-ams-1'), { ...WAIT, state: 'detached' });
  assert.equal(await page.locator('#nodes-body tr').count(), 12);
});

test('falls back to polling /v1/status when the event stream is refused', async (t) => {
  const source = new TestStatusSource(demoFleet());
  const server = await serveForTest(t, source, { maxClients: 1 });
  await openStatusPage(t, browser, server.url);
  // The only stream slot is taken: this tab is refused (503) and polls instead.
  const { page } = await openStatusPage(t, browser, server.url, 'polling');
  source.setHealth('edge-gru-1', 'down');
  await page.waitForSelector(dot('edge-gru-1', 'down'), WAIT);
  assert.equal(await page.getAttribute('#conn', 'data-mode'), 'polling');
});

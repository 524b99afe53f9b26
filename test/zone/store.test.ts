import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetricsRegistry } from '../../src/telemetry/index.js';
import { loadZoneDirectory, RRType, ZoneStore, type ZoneUpdate } from '../../src/zone/index.js';

function zoneText(origin: string, serial: number, extra = ''): string {
  return `$ORIGIN ${origin}.\n$TTL 300\n@ SOA ns.example.net. h.example.net. ${serial} 3600 600 86400 60\n  NS ns.example.net.\nwww A 192.0.2.${serial % 250}\n${extra}`;
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-zone-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function metric(registry: ReturnType<typeof createMetricsRegistry>, name: string, zone: string): Promise<number | undefined> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => v.labels.zone === zone)?.value;
}

test('findZone picks the longest matching origin, and REFUSED-style undefined outside', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'example.test.zone'), zoneText('example.test', 1));
  writeFileSync(join(dir, 'sub.example.test.zone'), zoneText('sub.example.test', 2));
  const store = new ZoneStore();
  const summary = await store.loadDirectory(dir);
  assert.equal(summary.failed, false);
  assert.equal(store.findZone('www.sub.example.test')?.origin, 'sub.example.test');
  assert.equal(store.findZone('sub.example.test')?.origin, 'sub.example.test');
  assert.equal(store.findZone('a.b.example.test')?.origin, 'example.test');
  assert.equal(store.findZone('example.test')?.origin, 'example.test');
  assert.equal(store.findZone('xample.test'), undefined);
  assert.equal(store.findZone('test'), undefined);
  assert.equal(store.findZone(''), undefined);
  assert.deepEqual(store.zones().map((z) => z.origin).sort(), ['example.test', 'sub.example.test']);
});

test('a broken reload keeps the previous version serving and counts the error', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'example.test.zone');
  writeFileSync(file, zoneText('example.test', 5));
  const registry = createMetricsRegistry();
  const store = new ZoneStore({ registry });
  await store.loadDirectory(dir);
  const good = store.findZone('www.example.test');
  assert.equal(good?.serial, 5);
  assert.equal(await metric(registry, 'meridian_zone_serial', 'example.test'), 5);
  assert.equal(await metric(registry, 'meridian_zone_reloads_total', 'example.test'), 1);

  writeFileSync(file, zoneText('example.test', 6, 'bad A 192.0.2.999\n'));
  const outcome = store.reloadFile(file);
  assert.equal(outcome.status, 'rejected');
  assert.deepEqual(
    outcome.problems.map((p) => `${p.file}:${p.line}`),
    [`${file}:6`],
  );
  assert.equal(store.findZone('www.example.test'), good, 'the old Zone object is still served');
  assert.equal(await metric(registry, 'meridian_zone_reload_errors_total', 'example.test'), 1);
  assert.equal(await metric(registry, 'meridian_zone_serial', 'example.test'), 5);

  writeFileSync(file, zoneText('example.test', 7));
  assert.equal(store.reloadFile(file).status, 'loaded');
  assert.equal(store.findZone('www.example.test')?.serial, 7);
  assert.equal(await metric(registry, 'meridian_zone_serial', 'example.test'), 7);
  assert.equal(await metric(registry, 'meridian_zone_reloads_total', 'example.test'), 2);
});

test('reloadAll (SIGHUP) adds, replaces and drops zones, and tells listeners', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.test.zone'), zoneText('a.test', 1));
  writeFileSync(join(dir, 'b.test.zone'), zoneText('b.test', 1));
  const store = new ZoneStore();
  await store.loadDirectory(dir);
  const updates: ZoneUpdate[] = [];
  const unsubscribe = store.onUpdate((u) => updates.push(u));
  const generation = store.generation;

  writeFileSync(join(dir, 'a.test.zone'), zoneText('a.test', 2));
  unlinkSync(join(dir, 'b.test.zone'));
  writeFileSync(join(dir, 'c.test.zone'), zoneText('c.test', 1));
  writeFileSync(join(dir, 'notes.txt'), 'not a zone');
  const summary = await store.reloadAll();
  assert.equal(summary.failed, false);
  assert.deepEqual(store.zones().map((z) => `${z.origin}@${z.serial}`).sort(), ['a.test@2', 'c.test@1']);
  assert.deepEqual(
    updates.map((u) => `${u.origin}:${u.previous?.serial ?? '-'}->${u.zone?.serial ?? 'gone'}`).sort(),
    ['a.test:1->2', 'b.test:1->gone', 'c.test:-->1'],
  );
  assert.ok(store.generation > generation);
  unsubscribe();
  await store.reloadAll();
  assert.equal(updates.length, 3);
});

test('a second file claiming a served origin is rejected', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.test.zone'), zoneText('a.test', 1));
  writeFileSync(join(dir, 'z-copy.zone'), zoneText('a.test', 9));
  const store = new ZoneStore();
  const summary = await store.loadDirectory(dir);
  assert.equal(summary.failed, true);
  assert.match(summary.problems[0]?.message ?? '', /zone a\.test\. is already served from .*a\.test\.zone/);
  assert.equal(store.findZone('a.test')?.serial, 1);
  const direct = await loadZoneDirectory(dir);
  assert.deepEqual(direct.zones.map((z) => z.serial), [1]);
  assert.match(direct.problems[0]?.message ?? '', /already defined by/);
});

test('a broken file at start-up is reported and the other zones still load', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'good.test.zone'), zoneText('good.test', 1));
  writeFileSync(join(dir, 'bad.test.zone'), '$TTL 60\nwww A 192.0.2.1\n');
  const registry = createMetricsRegistry();
  const store = new ZoneStore({ registry });
  const summary = await store.loadDirectory(dir);
  assert.equal(summary.failed, true);
  assert.ok(summary.problems.every((p) => p.file.endsWith('bad.test.zone')));
  assert.equal(store.findZone('www.good.test')?.origin, 'good.test');
  assert.equal(store.findZone('www.bad.test'), undefined);
  assert.equal(await metric(registry, 'meridian_zone_reload_errors_total', 'bad.test'), 1);
  assert.ok(store.findZone('www.good.test')?.nodes.get('www.good.test')?.get(RRType.A));
});

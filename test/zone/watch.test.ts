import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RRType, watchDirectory, ZoneStore } from '../../src/zone/index.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-zone-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Poll until `check` holds; generous because the machine is shared and loaded. */
async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function zoneText(serial: number): string {
  return `$TTL 300\n@ SOA ns.example.net. h.example.net. ${serial} 3600 600 86400 60\n  NS ns.example.net.\nwww A 192.0.2.1\n`;
}

test('watchDirectory reports changed, replaced and deleted files of the given extensions, debounced', async (t) => {
  const dir = tempDir(t);
  const seen: string[] = [];
  const watcher = watchDirectory(dir, { extensions: ['.yaml', '.zone'], debounceMs: 50, onChange: (file) => void seen.push(file) });
  t.after(() => watcher.close());

  // A burst of writes to one file is reported once.
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'a.yaml'), `n: ${i}\n`);
  await eventually(() => seen.includes(join(dir, 'a.yaml')), 'a.yaml');
  await sleep(200);
  assert.equal(seen.length, 1);
  // Other extensions and hidden editor files are ignored.
  writeFileSync(join(dir, 'notes.txt'), 'x');
  writeFileSync(join(dir, '.a.yaml.swp'), 'x');
  // An editor saving by rename-replace.
  writeFileSync(join(dir, 'b.zone.tmp'), 'new');
  renameSync(join(dir, 'b.zone.tmp'), join(dir, 'b.zone'));
  await eventually(() => seen.includes(join(dir, 'b.zone')), 'b.zone');
  await sleep(200);
  assert.deepEqual(seen, [join(dir, 'a.yaml'), join(dir, 'b.zone')]);
  unlinkSync(join(dir, 'a.yaml'));
  await eventually(() => seen.length === 3, 'a.yaml deletion');
  assert.equal(seen[2], join(dir, 'a.yaml'));
});

test('a closed watcher reports nothing more; a missing folder is a coded error', async (t) => {
  const dir = tempDir(t);
  const seen: string[] = [];
  const watcher = watchDirectory(dir, { extensions: ['.zone'], debounceMs: 20, onChange: (file) => void seen.push(file) });
  watcher.close();
  writeFileSync(join(dir, 'x.zone'), 'x');
  await sleep(300);
  assert.deepEqual(seen, []);
  assert.throws(() => watchDirectory(join(dir, 'missing'), { extensions: ['.zone'], onChange: () => {} }), { code: 'MERIDIAN_E_ZONE_WATCH' });
});

test('an onChange that throws or rejects goes to onError, and the watcher keeps going', async (t) => {
  const dir = tempDir(t);
  const errors: unknown[] = [];
  let calls = 0;
  const watcher = watchDirectory(dir, {
    extensions: ['.zone'],
    debounceMs: 20,
    onChange: async () => {
      calls++;
      throw new Error('boom');
    },
    onError: (err) => errors.push(err),
  });
  t.after(() => watcher.close());
  writeFileSync(join(dir, 'a.zone'), 'x');
  await eventually(() => errors.length === 1, 'first error');
  writeFileSync(join(dir, 'b.zone'), 'x');
  await eventually(() => errors.length === 2 && calls === 2, 'second error');
});

test('ZoneStore.watch hot-reloads a changed zone file, and keeps the old one when the new one is broken', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'hot.test.zone');
  writeFileSync(file, zoneText(1));
  const store = new ZoneStore();
  t.after(() => store.close());
  await store.loadDirectory(dir);
  store.watch({ debounceMs: 50 });
  assert.equal(store.findZone('www.hot.test')?.serial, 1);

  writeFileSync(`${file}.tmp`, zoneText(2));
  renameSync(`${file}.tmp`, file);
  await eventually(() => store.findZone('www.hot.test')?.serial === 2, 'serial 2');

  const generation = store.generation;
  writeFileSync(file, `${zoneText(3)}broken A nope\n`);
  await sleep(500);
  assert.equal(store.findZone('www.hot.test')?.serial, 2);
  assert.equal(store.generation, generation);

  writeFileSync(join(dir, 'new.test.zone'), zoneText(1));
  await eventually(() => store.findZone('new.test') !== undefined, 'new zone');
});

test('a Kubernetes-style "..data" swap reports every matching file', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.zone'), 'x');
  writeFileSync(join(dir, 'b.yaml'), 'x');
  const seen: string[] = [];
  const watcher = watchDirectory(dir, { extensions: ['.zone'], debounceMs: 20, onChange: (file) => void seen.push(file) });
  t.after(() => watcher.close());
  mkdirSync(join(dir, '..2026_11_26'));
  symlinkSync('..2026_11_26', join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  await eventually(() => seen.includes(join(dir, 'a.zone')), 'a.zone after the swap');
  assert.deepEqual([...new Set(seen)], [join(dir, 'a.zone')]);
});

test('ZoneStore.watch reloads a zone when a file it $INCLUDEs changes', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'inc.test.zone'), `${zoneText(1)}$INCLUDE hosts.inc\n`);
  writeFileSync(join(dir, 'hosts.inc'), 'h A 192.0.2.1\n');
  const store = new ZoneStore();
  t.after(() => store.close());
  await store.loadDirectory(dir);
  store.watch({ debounceMs: 50 });
  const text = (): string | undefined => store.findZone('inc.test')?.nodes.get('h.inc.test')?.get(RRType.A)?.[0]?.text;
  assert.equal(text(), '192.0.2.1');
  writeFileSync(join(dir, 'hosts.inc'), 'h A 192.0.2.2\n');
  await eventually(() => text() === '192.0.2.2', 'the included change');
  writeFileSync(join(dir, 'unrelated.txt'), 'x');
  await sleep(300);
  assert.equal(text(), '192.0.2.2');
});

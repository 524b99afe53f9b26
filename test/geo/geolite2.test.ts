import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openGeoLite2, openGeoIp, type GeoIpSource } from './support.js';
import { fromRoot } from '../helpers/paths.js';
import { removeDir } from '../helpers/redis.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-geolite2-'));
  t.after(() => removeDir(dir));
  return dir;
}

// This machine (and CI) has no internet: geolite2-redist cannot reach its mirror. The call
// must reject with a clear coded error well within its deadline so the caller can fall
// back to the coverage map, never hang.
test('--geoip geolite2 offline fails fast with MERIDIAN_E_GEO_GEOLITE2_UNAVAILABLE', async (t) => {
  const dir = tempDir(t);
  const started = Date.now();
  await assert.rejects(openGeoIp('geolite2', { dir, timeoutMs: 8000 }), (err: { code: string; message: string; hint?: string }) => {
    assert.equal(err.code, 'MERIDIAN_E_GEO_GEOLITE2_UNAVAILABLE');
    assert.match(err.message, /GeoLite2 download of GeoLite2-City (failed|did not finish)/);
    assert.match(err.hint ?? '', /--geoip PATH/);
    return true;
  });
  assert.ok(Date.now() - started < 12_000, `took ${Date.now() - started} ms`);
});

test('a download that never finishes is cut off by the deadline', async (t) => {
  const dir = tempDir(t);
  const started = Date.now();
  await assert.rejects(openGeoLite2({ dir, timeoutMs: 200, download: () => new Promise<void>(() => undefined) }), (err: { code: string; message: string }) => {
    assert.equal(err.code, 'MERIDIAN_E_GEO_GEOLITE2_UNAVAILABLE');
    assert.match(err.message, /did not finish within 200 ms/);
    return true;
  });
  assert.ok(Date.now() - started < 5000);
});

test('a copy already on disk is served at once; a failing refresh keeps it', async (t) => {
  const dir = tempDir(t);
  copyFileSync(fromRoot('geo-data', 'test-city.mmdb'), join(dir, 'GeoLite2-City.mmdb'));
  let refreshes = 0;
  let db: GeoIpSource | undefined;
  t.after(() => db?.close());
  db = await openGeoLite2({
    dir,
    download: async () => {
      refreshes++;
      throw new Error('offline');
    },
  });
  assert.equal(db.lookup('126.0.0.1')?.country, 'JP');
  assert.equal(db.path, join(dir, 'GeoLite2-City.mmdb'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(refreshes, 1, 'a background refresh was attempted');
  assert.equal(db.lookup('126.0.0.1')?.country, 'JP');
});

test('a successful first download is opened and checked like any database', async (t) => {
  const dir = tempDir(t);
  let db: GeoIpSource | undefined;
  t.after(() => db?.close());
  db = await openGeoLite2({
    dir,
    edition: 'Country',
    download: async (target, dbName) => {
      assert.equal(dbName, 'GeoLite2-Country');
      copyFileSync(fromRoot('geo-data', 'test-city.mmdb'), join(target, `${dbName}.mmdb`));
    },
  });
  assert.equal(db.lookup('41.0.0.1')?.country, 'ZA');
});

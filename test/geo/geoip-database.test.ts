import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createMetricsRegistry } from '../../src/telemetry/index.js';
import { openGeoIpDatabase, openGeoIp, type GeoIpSource } from './support.js';
import { fromRoot } from '../helpers/paths.js';
import { removeDir } from '../helpers/redis.js';

const run = promisify(execFile);
const testDb = fromRoot('geo-data', 'test-city.mmdb');

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

test('the committed test DB answers for every continent, IPv4 and IPv6', async (t) => {
  const db = await openGeoIpDatabase(testDb, { watch: false });
  t.after(() => db.close());
  assert.equal(db.databaseType, 'GeoIP2-City');
  assert.deepEqual(db.lookup('12.34.56.78'), {
    networkPrefix: 8,
    continent: 'NA',
    country: 'US',
    subdivision: 'CA',
    city: 'San Jose',
    latitude: 37.3382,
    longitude: -121.8863,
  });
  const expectations: [string, string, string, string | undefined][] = [
    ['81.2.3.4', 'EU', 'DE', 'HE'],
    ['82.1.1.1', 'EU', 'FR', 'IDF'],
    ['83.1.1.1', 'EU', 'GB', 'ENG'],
    ['13.1.1.1', 'NA', 'US', 'NY'],
    ['24.1.1.1', 'NA', 'CA', 'ON'],
    ['126.1.1.1', 'AS', 'JP', '13'],
    ['175.1.1.1', 'AS', 'SG', undefined],
    ['177.1.1.1', 'SA', 'BR', 'SP'],
    ['101.1.1.1', 'OC', 'AU', 'NSW'],
    ['41.1.1.1', 'AF', 'ZA', 'GP'],
    ['2001:db8:100::1', 'EU', 'DE', 'HE'],
    ['2001:db8:1000:abcd::1', 'NA', 'US', 'CA'],
    ['2001:db8:2000::1', 'AS', 'JP', '13'],
    ['2001:db8:3000::1', 'SA', 'BR', 'SP'],
    ['2001:db8:4000::1', 'OC', 'AU', 'NSW'],
    ['2001:db8:5000::1', 'AF', 'ZA', 'GP'],
  ];
  for (const [address, continent, country, subdivision] of expectations) {
    const record = db.lookup(address);
    assert.equal(record?.continent, continent, address);
    assert.equal(record?.country, country, address);
    assert.equal(record?.subdivision, subdivision, address);
  }
  assert.equal(db.lookup('2001:db8:2000::1')?.networkPrefix, 40);
});

test('network prefixes come from the DB tree: a nested network splits its parent', async (t) => {
  const db = await openGeoIpDatabase(testDb, { watch: false });
  t.after(() => db.close());
  assert.equal(db.lookup('81.10.1.1')?.city, 'Munich');
  assert.equal(db.lookup('81.10.1.1')?.networkPrefix, 16);
  // 81.0.0.0/8 minus 81.10.0.0/16: 81.2.3.4 sits in the /13 that the writer keeps whole.
  assert.equal(db.lookup('81.2.3.4')?.networkPrefix, 13);
  assert.equal(db.lookup('81.200.0.1')?.networkPrefix, 9);
});

test('IPv4-mapped IPv6 finds the IPv4 record with the prefix in IPv6 terms; unknown addresses are undefined', async (t) => {
  const db = await openGeoIpDatabase(testDb, { watch: false });
  t.after(() => db.close());
  const mapped = db.lookup('::ffff:81.10.1.1');
  assert.equal(mapped?.city, 'Munich');
  assert.equal(mapped?.networkPrefix, 16 + 96);
  assert.equal(db.lookup('10.0.0.1'), undefined);
  assert.equal(db.lookup('2001:db8:9999::1'), undefined);
  const countryOnly = db.lookup('84.1.2.3');
  assert.deepEqual(countryOnly, { networkPrefix: 8, continent: 'EU', country: 'NL' });
  assert.throws(() => db.lookup('81.2.3'), { code: 'MERIDIAN_E_GEO_ADDRESS_INVALID' });
});

test('start-up fails fast: missing file, not a MaxMind DB, wrong DB type', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-geoip-'));
  t.after(() => removeDir(dir));
  await assert.rejects(openGeoIpDatabase(join(dir, 'absent.mmdb')), { code: 'MERIDIAN_E_GEO_DB_OPEN' });
  const junk = join(dir, 'junk.mmdb');
  writeFileSync(junk, 'this is not a database');
  await assert.rejects(openGeoIpDatabase(junk), (err: { code: string; message: string }) => {
    assert.equal(err.code, 'MERIDIAN_E_GEO_DB_OPEN');
    assert.match(err.message, /is not a MaxMind DB/);
    return true;
  });
  // Same layout, database_type rewritten in place (same length) to an ASN-like type.
  const bytes = readFileSync(testDb);
  const from = Buffer.from('GeoIP2-City');
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) Buffer.from('GeoLite2ASN').copy(bytes, at);
  const asn = join(dir, 'asn.mmdb');
  writeFileSync(asn, bytes);
  await assert.rejects(openGeoIp(asn), (err: { code: string; message: string }) => {
    assert.equal(err.code, 'MERIDIAN_E_GEO_DB_TYPE');
    assert.match(err.message, /"GeoLite2ASN" database; Meridian needs a GeoIP2\/GeoLite2 City or Country database/);
    return true;
  });
});

test('a DB replaced on disk is reloaded; a broken replacement keeps the old one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-geoip-reload-'));
  const registry = createMetricsRegistry();
  let db: GeoIpSource | undefined;
  t.after(() => {
    db?.close();
    removeDir(dir);
  });
  const live = join(dir, 'live.mmdb');
  copyFileSync(testDb, live);
  db = await openGeoIpDatabase(live, { watchIntervalMs: 50, registry });
  assert.equal(db.lookup('81.2.3.4')?.country, 'DE');

  // Build a different database with the repo's script and move it into place atomically.
  const source = join(dir, 'moved.yaml');
  writeFileSync(source, '- network: 81.0.0.0/8\n  continent: EU\n  country: FR\n  city: Lyon\n  latitude: 45.76\n  longitude: 4.83\n');
  await run('perl', [fromRoot('geo-data', 'build-test-db.pl'), source, join(dir, 'next.mmdb')]);
  renameSync(join(dir, 'next.mmdb'), live);
  const current = db;
  assert.ok(await waitFor(() => current.lookup('81.2.3.4')?.country === 'FR', 10_000), 'the new DB was not loaded');
  assert.equal(current.lookup('81.2.3.4')?.city, 'Lyon');
  assert.equal(current.lookup('12.1.1.1'), undefined);

  writeFileSync(join(dir, 'broken.mmdb'), 'garbage, not a database');
  renameSync(join(dir, 'broken.mmdb'), live);
  const errors = async (): Promise<number> => (await registry.getSingleMetric('meridian_geo_db_reloads_total')?.get())?.values.find((v) => v.labels.result === 'error')?.value ?? 0;
  const deadline = Date.now() + 10_000;
  while ((await errors()) < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.equal(await errors(), 1);
  assert.equal(current.lookup('81.2.3.4')?.city, 'Lyon', 'the last good DB keeps serving');
});

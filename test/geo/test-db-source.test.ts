import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { parse } from 'yaml';
import { openGeoIpDatabase } from './support.js';
import { fromRoot } from '../helpers/paths.js';

interface SourceEntry {
  network: string;
  continent: string;
  country: string;
  subdivision?: string | number;
  city?: string;
  latitude?: number;
  longitude?: number;
}

/** First and last address of a CIDR. */
function ends(network: string): [string, string, number] {
  const [address, length] = ipaddr.parseCIDR(network);
  const bytes = address.toByteArray();
  const last = bytes.map((byte, i) => {
    const hostBits = Math.max(0, Math.min(8, (i + 1) * 8 - length));
    return byte | ((1 << hostBits) - 1);
  });
  return [address.toString(), ipaddr.fromByteArray(last).toString(), length];
}

test('geo-data/test-city.mmdb agrees with its source for every network listed', async (t) => {
  const source = parse(readFileSync(fromRoot('geo-data', 'test-city.source.yaml'), 'utf8')) as SourceEntry[];
  const db = await openGeoIpDatabase(fromRoot('geo-data', 'test-city.mmdb'), { watch: false });
  t.after(() => db.close());
  assert.ok(source.length >= 20);
  const continents = new Set(source.map((e) => e.continent));
  for (const c of ['EU', 'NA', 'AS', 'SA', 'OC', 'AF']) assert.ok(continents.has(c), `source covers ${c}`);
  for (const entry of source) {
    // A network may be split around a more specific one, so check both of its ends
    // unless a more specific network of the source holds that end.
    const [first, last, length] = ends(entry.network);
    for (const address of [first, last]) {
      const parsed = ipaddr.parse(address);
      const inner = source.find((other) => {
        const cidr = ipaddr.parseCIDR(other.network);
        return other !== entry && cidr[1] > length && cidr[0].kind() === parsed.kind() && parsed.match(cidr);
      });
      if (inner) continue;
      const record = db.lookup(address);
      assert.ok(record, `${entry.network}: ${address} has a record`);
      assert.ok(record.networkPrefix >= length, `${entry.network}: DB network /${record.networkPrefix} inside the listed one`);
      const expected: Record<string, unknown> = { continent: entry.continent, country: entry.country };
      if (entry.subdivision !== undefined) expected.subdivision = String(entry.subdivision);
      if (entry.city !== undefined) expected.city = entry.city;
      if (entry.latitude !== undefined) expected.latitude = entry.latitude;
      if (entry.longitude !== undefined) expected.longitude = entry.longitude;
      const { networkPrefix: _prefix, ...actual } = record;
      assert.deepEqual(actual, expected, `${entry.network} at ${address}`);
    }
  }
});

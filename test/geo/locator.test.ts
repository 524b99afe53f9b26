import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoverageMap, createGeoLocator, openGeoIpDatabase } from './support.js';
import { fromRoot } from '../helpers/paths.js';

test('coverage first, then GeoIP, else none', async (t) => {
  const geoip = await openGeoIpDatabase(fromRoot('geo-data', 'test-city.mmdb'), { watch: false });
  t.after(() => geoip.close());
  const coverage = createCoverageMap([
    { cidr: '81.2.0.0/16', site: 'ams', geo: 'EU-NL', latitude: 52.37, longitude: 4.9 },
    { cidr: '2001:db8:2000:1::/64', pool: 'tokyo-lab' },
  ]);
  const locator = createGeoLocator({ coverage, geoip });

  assert.deepEqual(locator.locate('81.2.3.4'), {
    address: '81.2.3.4',
    source: 'coverage',
    networkPrefix: 16,
    site: 'ams',
    continent: 'EU',
    country: 'NL',
    latitude: 52.37,
    longitude: 4.9,
  });
  assert.deepEqual(locator.locate('81.3.3.4'), {
    address: '81.3.3.4',
    source: 'geoip',
    networkPrefix: 13,
    continent: 'EU',
    country: 'DE',
    subdivision: 'HE',
    latitude: 50.1109,
    longitude: 8.6821,
  });
  assert.deepEqual(locator.locate('2001:db8:2000:1::5'), { address: '2001:db8:2000:1::5', source: 'coverage', networkPrefix: 64, pool: 'tokyo-lab' });
  assert.equal(locator.locate('2001:db8:2000:2::5').country, 'JP');
  assert.deepEqual(locator.locate('192.0.2.1'), { address: '192.0.2.1', source: 'none', networkPrefix: 0 });
});

test('IPv4-mapped IPv6 clients are located as IPv4 with IPv6 prefix lengths', async (t) => {
  const geoip = await openGeoIpDatabase(fromRoot('geo-data', 'test-city.mmdb'), { watch: false });
  t.after(() => geoip.close());
  const locator = createGeoLocator({ coverage: createCoverageMap([{ cidr: '10.0.0.0/8', pool: 'lab' }]), geoip });
  assert.deepEqual(locator.locate('::ffff:10.9.9.9'), { address: '::ffff:10.9.9.9', source: 'coverage', networkPrefix: 104, pool: 'lab' });
  const viaGeoip = locator.locate('::ffff:12.1.2.3');
  assert.equal(viaGeoip.source, 'geoip');
  assert.equal(viaGeoip.subdivision, 'CA');
  assert.equal(viaGeoip.networkPrefix, 104);
});

test('no sources at all: every client is none; bad input is a coded error', () => {
  const locator = createGeoLocator();
  assert.deepEqual(locator.locate('2001:db8::1'), { address: '2001:db8::1', source: 'none', networkPrefix: 0 });
  assert.throws(() => locator.locate('example.com'), { code: 'MERIDIAN_E_GEO_ADDRESS_INVALID' });
  assert.throws(() => locator.locate(''), { code: 'MERIDIAN_E_GEO_ADDRESS_INVALID' });
});

test('link-local style %zone suffixes are ignored, uppercase hex is fine', async (t) => {
  const geoip = await openGeoIpDatabase(fromRoot('geo-data', 'test-city.mmdb'), { watch: false });
  t.after(() => geoip.close());
  const locator = createGeoLocator({ geoip });
  assert.equal(locator.locate('2001:DB8:2000::1%eth0').country, 'JP');
  assert.equal(locator.locate('::FFFF:7E00:1').country, 'JP');
});

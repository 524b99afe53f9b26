import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTINENT_CODES, COUNTRY_CODES, greatCircleKm, isGeoCode, matchesGeo, parseGeoCode } from './support.js';

test('geo codes in octoDNS layout parse; bad ones say why', () => {
  assert.deepEqual(parseGeoCode('EU'), { continent: 'EU' });
  assert.deepEqual(parseGeoCode('EU-DE'), { continent: 'EU', country: 'DE' });
  assert.deepEqual(parseGeoCode('NA-US-CA'), { continent: 'NA', country: 'US', subdivision: 'CA' });
  assert.deepEqual(parseGeoCode('AS-JP-13'), { continent: 'AS', country: 'JP', subdivision: '13' });
  for (const [code, why] of [
    ['XX', /unknown continent "XX"/],
    ['eu', /unknown continent "eu"/],
    ['EU-ZZ', /unknown ISO 3166-1 alpha-2 country "ZZ"/],
    ['NA-US-CALI', /subdivision "CALI"/],
    ['NA-US-CA-SF', /1 to 3 parts/],
    ['', /unknown continent ""/],
  ] as const) {
    assert.throws(() => parseGeoCode(code), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'MERIDIAN_E_GEO_CODE_INVALID');
      assert.match(err.message, why);
      return true;
    });
    assert.equal(isGeoCode(code), false);
  }
  assert.equal(isGeoCode('OC-AU-NSW'), true);
});

test('the code tables are complete', () => {
  assert.deepEqual([...CONTINENT_CODES.keys()].sort(), ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']);
  assert.equal(COUNTRY_CODES.size, 250);
  for (const c of ['DE', 'FR', 'GB', 'US', 'CA', 'JP', 'SG', 'BR', 'AU', 'ZA', 'XK']) assert.ok(COUNTRY_CODES.has(c), c);
  assert.ok(!COUNTRY_CODES.has('UK'));
});

test('matchesGeo compares every part the code names', () => {
  const sanJose = { continent: 'NA', country: 'US', subdivision: 'CA' };
  assert.ok(matchesGeo(sanJose, parseGeoCode('NA')));
  assert.ok(matchesGeo(sanJose, parseGeoCode('NA-US')));
  assert.ok(matchesGeo(sanJose, parseGeoCode('NA-US-CA')));
  assert.ok(!matchesGeo(sanJose, parseGeoCode('NA-US-NY')));
  assert.ok(!matchesGeo(sanJose, parseGeoCode('EU')));
  assert.ok(!matchesGeo({ continent: 'NA' }, parseGeoCode('NA-US')));
});

test('great-circle distances match known values within 1 %', () => {
  const near = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) <= expected * 0.01, `${actual} vs ${expected}`);
  near(greatCircleKm(51.5074, -0.1278, 48.8566, 2.3522), 344); // London-Paris
  near(greatCircleKm(40.7128, -74.006, 35.6762, 139.6503), 10_850); // New York-Tokyo
  near(greatCircleKm(0, 0, 0, 180), 20_015); // half the equator
  assert.equal(greatCircleKm(50, 8, 50, 8), 0);
  assert.ok(Number.isFinite(greatCircleKm(90, 0, -90, 0)));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoverageMap, loadCoverageFile, parseCoverage, MeridianErrorLike } from './support.js';
import { fromRoot } from '../helpers/paths.js';
import { removeDir } from '../helpers/redis.js';

const map = createCoverageMap([
  { cidr: '10.0.0.0/8', pool: 'lab' },
  { cidr: '10.1.0.0/16', site: 'fra' },
  { cidr: '10.1.2.0/24', site: 'ams', pool: 'eu' },
  { cidr: '0.0.0.0/0', site: 'default' },
  { cidr: '2001:db8::/32', site: 'v6-wide' },
  { cidr: '2001:db8:1::/48', site: 'v6-narrow', geo: 'NA-US-CA', latitude: 37.3, longitude: -121.9 },
]);

test('IPv4: the longest matching prefix wins', () => {
  assert.deepEqual(map.lookup('10.1.2.3'), { cidr: '10.1.2.0/24', prefixLength: 24, site: 'ams', pool: 'eu' });
  assert.deepEqual(map.lookup('10.1.3.3'), { cidr: '10.1.0.0/16', prefixLength: 16, site: 'fra' });
  assert.deepEqual(map.lookup('10.200.0.1'), { cidr: '10.0.0.0/8', prefixLength: 8, pool: 'lab' });
  assert.deepEqual(map.lookup('192.0.2.1'), { cidr: '0.0.0.0/0', prefixLength: 0, site: 'default' });
});

test('IPv6: the longest matching prefix wins; IPv4 entries never match IPv6 clients', () => {
  assert.deepEqual(map.lookup('2001:db8:1:ff::1'), {
    cidr: '2001:db8:1::/48',
    prefixLength: 48,
    site: 'v6-narrow',
    continent: 'NA',
    country: 'US',
    subdivision: 'CA',
    latitude: 37.3,
    longitude: -121.9,
  });
  assert.equal(map.lookup('2001:db8:2::1')?.site, 'v6-wide');
  assert.equal(map.lookup('2001:db9::1'), undefined);
});

test('IPv4-mapped IPv6 addresses find IPv4 entries, with the prefix in IPv6 terms', () => {
  assert.deepEqual(map.lookup('::ffff:10.1.2.3'), { cidr: '10.1.2.0/24', prefixLength: 120, site: 'ams', pool: 'eu' });
  const mappedEntry = createCoverageMap([{ cidr: '::ffff:192.0.2.0/120', site: 'x' }]);
  assert.equal(mappedEntry.lookup('192.0.2.55')?.cidr, '192.0.2.0/24');
});

test('an invalid address is a coded error, not a crash', () => {
  assert.throws(() => map.lookup('not-an-ip'), { code: 'MERIDIAN_E_GEO_ADDRESS_INVALID' });
});

test('bad entries are rejected with the path and a useful message', () => {
  const cases: [unknown[], RegExp][] = [
    [[{ cidr: '10.0.0.1/8', site: 'a' }], /\[0\]\.cidr: host bits are set; did you mean 10\.0\.0\.0\/8\?/],
    [[{ cidr: '10.0.0.0', site: 'a' }], /\[0\]\.cidr: must be a CIDR/],
    [[{ cidr: '10.0.0.0/33', site: 'a' }], /longer than 32/],
    [[{ cidr: '2001:db8::/129', site: 'a' }], /longer than 128/],
    [[{ cidr: 'x/8', site: 'a' }], /not an IPv4 or IPv6 address/],
    [[{ cidr: '10.0.0.0/8' }], /\[0\]: needs a site or a pool/],
    [[{ cidr: '10.0.0.0/8', site: 'a', colour: 'red' }], /\[0\]: Unrecognized key/],
    [[{ cidr: '10.0.0.0/8', site: 'a', geo: 'EU-XX' }], /\[0\]\.geo: .*unknown ISO 3166-1 alpha-2 country "XX"/],
    [[{ cidr: '10.0.0.0/8', site: 'a', latitude: 1 }], /latitude and longitude go together/],
    [[{ cidr: '10.0.0.0/8', site: 'a' }, { cidr: '10.0.0.0/8', site: 'b' }], /\[1\]\.cidr: 10\.0\.0\.0\/8 is listed twice/],
  ];
  for (const [entries, message] of cases) {
    assert.throws(() => createCoverageMap(entries as never), (err: MeridianErrorLike) => {
      assert.equal(err.code, 'MERIDIAN_E_GEO_COVERAGE_INVALID');
      assert.match(err.message, message);
      return true;
    });
  }
});

test('YAML errors name the file and the line', () => {
  const text = ['# comment', '- cidr: 10.0.0.0/8', '  site: a', '- cidr: 10.1.0.1/16', '  site: b', ''].join('\n');
  assert.throws(() => parseCoverage(text, 'cov.yaml'), (err: MeridianErrorLike) => {
    assert.equal(err.code, 'MERIDIAN_E_GEO_COVERAGE_INVALID');
    assert.match(err.message, /^cov\.yaml:4: \[1\]\.cidr: host bits are set/);
    return true;
  });
  assert.throws(() => parseCoverage('- cidr: [unclosed', 'broken.yaml'), /broken\.yaml:\d+: not valid YAML/);
  assert.throws(() => parseCoverage('cidr: 10.0.0.0/8', 'notalist.yaml'), /notalist\.yaml:1: \(top level\): .*expected array/i);
});

test('JSON is accepted too, and an empty file is an empty map', () => {
  const fromJson = parseCoverage(JSON.stringify([{ cidr: '192.0.2.0/24', pool: 'p' }]), 'c.json');
  assert.equal(fromJson.lookup('192.0.2.9')?.pool, 'p');
  assert.equal(parseCoverage('# nothing yet\n', 'empty.yaml').lookup('192.0.2.9'), undefined);
});

test('the example geo-data/coverage.yaml loads and overrides part of the DE test range', async () => {
  const file = fromRoot('geo-data', 'coverage.yaml');
  const coverage = await loadCoverageFile(file);
  assert.equal(coverage.file, file);
  assert.equal(coverage.lookup('81.2.3.4')?.site, 'ams');
  assert.equal(coverage.lookup('81.2.200.4')?.site, 'fra');
  assert.equal(coverage.lookup('81.3.0.1'), undefined);
  assert.equal(coverage.lookup('2001:db8:ff00::1')?.site, 'sjc');
});

test('a missing coverage file is MERIDIAN_E_GEO_COVERAGE_READ; an invalid one names the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cov-'));
  t.after(() => removeDir(dir));
  await assert.rejects(loadCoverageFile(join(dir, 'missing.yaml')), { code: 'MERIDIAN_E_GEO_COVERAGE_READ' });
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, '- cidr: 10.0.0.0/8\n  site: a\n  pool: 7\n');
  await assert.rejects(loadCoverageFile(bad), (err: MeridianErrorLike) => {
    assert.equal(err.code, 'MERIDIAN_E_GEO_COVERAGE_INVALID');
    assert.ok(err.message.startsWith(`${bad}:3: [0].pool:`), err.message);
    return true;
  });
});

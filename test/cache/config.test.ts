import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCacheConfig, parseCacheConfig, CacheError } from '../../src/cache/index.js';

const dir = mkdtempSync(join(tmpdir(), 'meridian-cache-config-'));

test('flags alone make a useful node: every Host from one origin', () => {
  const config = loadCacheConfig({ listen: ['127.0.0.1:8080'], origin: 'http://127.0.0.1:9000' }, {});
  assert.deepEqual(config.sites[0]!.hosts, ['*']);
  assert.equal(config.sites[0]!.origin, 'http://127.0.0.1:9000');
  assert.equal(config.tier, 'edge');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.sites[0]));
});

test('a YAML file is read and flags override it; the admin token may come from the environment', () => {
  const file = join(dir, 'node.yaml');
  writeFileSync(file, 'id: edge-eu-1\nregion: eu\ntier: edge\nlisten: ["127.0.0.1:8080"]\nparents: ["http://10.0.0.1:8080"]\nsites:\n  - hosts: [www.example.com]\n    origin: http://127.0.0.1:9000\n    allowSetCookie: true\n');
  const config = loadCacheConfig({ config: file, id: 'edge-eu-2', parent: ['http://10.0.0.2:8080', 'http://10.0.0.3:8080'], admin: '127.0.0.1:9090' }, { MERIDIAN_ADMIN_TOKEN: 'secret' });
  assert.equal(config.id, 'edge-eu-2');
  assert.equal(config.region, 'eu');
  assert.deepEqual(config.parents, ['http://10.0.0.2:8080', 'http://10.0.0.3:8080']);
  assert.deepEqual(config.admin, { listen: '127.0.0.1:9090', token: 'secret' });
  assert.equal(config.sites[0]!.allowSetCookie, true);
});

test('JSON works too', () => {
  const file = join(dir, 'node.json');
  writeFileSync(file, JSON.stringify({ tier: 'regional', sites: [{ hosts: ['a.test'], origin: 'https://origin.test' }] }));
  assert.equal(loadCacheConfig({ config: file }, {}).tier, 'regional');
});

test('unknown keys and bad values are rejected with their path', () => {
  assert.throws(() => parseCacheConfig({ sites: [{ hosts: ['a'], origin: 'http://o', colour: 'red' }] }, 'node.yaml'), (err: CacheError) => {
    assert.equal(err.code, 'MERIDIAN_E_CACHE_CONFIG_INVALID');
    assert.match(err.message, /node\.yaml: sites\[0\]: .*colour/);
    return true;
  });
  assert.throws(() => parseCacheConfig({ sites: [{ hosts: ['a'], origin: 'ftp://o' }] }), /sites\[0\]\.origin: must be an http/);
  assert.throws(() => parseCacheConfig({ tier: 'middle', sites: [{ hosts: ['a'], origin: 'http://o' }] }), /tier/);
  assert.throws(() => parseCacheConfig({ listen: ['nope'], sites: [{ hosts: ['a'], origin: 'http://o' }] }), /listen\[0\]/);
});

test('a missing file or nothing to serve is a clear error', () => {
  assert.throws(() => loadCacheConfig({ config: join(dir, 'absent.yaml') }, {}), /MERIDIAN_E_CACHE_CONFIG_UNREADABLE|cannot read/);
  assert.throws(() => loadCacheConfig({ listen: ['127.0.0.1:1'] }, {}), /nothing to serve/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'sites: [unclosed');
  assert.throws(() => loadCacheConfig({ config: bad }, {}), /not valid YAML/);
});

test('--health-drain-ms sets timeouts.healthDrainMs; a bad value names the path', () => {
  assert.equal(loadCacheConfig({ origin: 'http://o.test', healthDrainMs: '0' }).timeouts.healthDrainMs, 0);
  assert.equal(loadCacheConfig({ origin: 'http://o.test' }).timeouts.healthDrainMs, 2000);
  assert.throws(() => loadCacheConfig({ origin: 'http://o.test', healthDrainMs: 'soon' }), /timeouts\.healthDrainMs/);
  assert.throws(() => parseCacheConfig({ sites: [{ hosts: ['*'], origin: 'http://o.test', prefetch: { rules: [{ match: '(', next: 'x' }] } }] }), /sites\[0\]\.prefetch\.rules\[0\]\.match: must be a valid regular expression/);
  assert.throws(() => parseCacheConfig({ sites: [{ hosts: ['*'], origin: 'http://o.test' }], stores: [{ type: 'memory', admission: 'lfu' }] }), /stores\[0\]\.admission/);
});

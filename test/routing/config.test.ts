import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRoutingFile, readRoutingFile, routingFileChecker } from '../../src/routing/index.js';
import { cliPath, fromRoot } from '../helpers/paths.js';
import { removeDir } from '../helpers/redis.js';
import { compile } from './support.js';

const run = promisify(execFile);

const GOOD = `
www:
  type: A
  ttl: 30
  values: [192.0.2.1]
  dynamic:
    pools:
      eu:
        fallback: na
        values:
          - value: 192.0.2.10
            weight: 3
      na:
        values:
          - value: 192.0.2.20
    rules:
      - geos: [EU-DE]
        pool: eu
      - pool: na
`;

function messages(yaml: string): string[] {
  return parseRoutingFile(yaml, 'zones/cdn.test.yaml').problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
}

test('a valid file compiles: names are canonical, pools and rules precompiled', () => {
  const zone = compile(GOOD);
  assert.equal(zone.origin, 'cdn.test');
  const [record] = zone.names.get('www.cdn.test')!;
  assert.equal(record!.typeName, 'A');
  assert.deepEqual(record!.pools.map((p) => p.name), ['eu', 'na']);
  assert.equal(record!.pools[0]!.fallback, 1);
  assert.equal(record!.pools[0]!.values[0]!.weight, 3);
  assert.equal(record!.pools[1]!.values[0]!.weight, 1, 'weight defaults to 1 as in octoDNS');
  assert.equal(record!.ttlMax, 30);
  assert.equal(record!.ttlMin, 10);
  assert.deepEqual(record!.rules[0]!.geos, [{ continent: 'EU', country: 'DE', subdivision: undefined }]);
});

test('the example routing file in zones/ is valid', () => {
  const result = readRoutingFile(fromRoot('zones', 'cdn.example.com.yaml'));
  assert.deepEqual(result.problems.filter((p) => p.severity === 'error'), []);
  assert.ok(result.zone?.names.has('edge.cdn.example.com'));
  assert.ok(result.zone!.probes.length >= 6, 'every obey value of the example has a probe');
  assert.match(result.zone!.probes[0]!.url, /^http:\/\/127\.0\.\d\.\d:8080\/_meridian\/health$/);
});

test('errors carry file:line and the full path', () => {
  const bad = GOOD.replace('weight: 3', 'weight: 300');
  assert.deepEqual(messages(bad), ['zones/cdn.test.yaml:12: www.dynamic.pools.eu.values[0].weight: must be 1-100']);
});

test('unknown keys are rejected with their own line', () => {
  const bad = GOOD.replace('      na:\n', '      na:\n        wieght: 2\n');
  assert.deepEqual(messages(bad), ['zones/cdn.test.yaml:14: www.dynamic.pools.na.wieght: unknown key']);
});

test('unknown pools in rules and fallbacks are named', () => {
  const bad = GOOD.replace('fallback: na', 'fallback: asia').replace('pool: eu', 'pool: europe');
  const out = messages(bad);
  assert.ok(out.some((m) => /:9: www\.dynamic\.pools\.eu\.fallback: unknown pool 'asia'/.test(m)), out.join('\n'));
  assert.ok(out.some((m) => /:18: www\.dynamic\.rules\[0\]\.pool: unknown pool 'europe'/.test(m)), out.join('\n'));
});

test('fallback cycles are found', () => {
  const bad = GOOD.replace('      na:\n', '      na:\n        fallback: eu\n');
  const out = messages(bad);
  assert.equal(out.filter((m) => m.includes('fallback cycle')).length, 1, out.join('\n'));
  assert.match(out.find((m) => m.includes('fallback cycle'))!, /fallback cycle: (eu -> na -> eu|na -> eu -> na)/);
});

test('bad CIDRs, unknown geo codes and values of the wrong type are errors', () => {
  const bad = GOOD.replace('- geos: [EU-DE]', '- geos: [EU-XX, ZZ]\n        subnets: [10.0.0.1/8, 2001:db8::/129]')
    .replace('value: 192.0.2.20', 'value: 2001:db8::20')
    .replace('values: [192.0.2.1]', 'values: [192.0.2.300]');
  const out = messages(bad).join('\n');
  assert.match(out, /www\.values\[0\]: '192\.0\.2\.300' is not an IPv4 address/);
  assert.match(out, /www\.dynamic\.pools\.na\.values\[0\]\.value: '2001:db8::20' is not an IPv4 address \(type A\)/);
  assert.match(out, /www\.dynamic\.rules\[0\]\.geos\[0\]: .*unknown ISO 3166-1 alpha-2 country "XX"/);
  assert.match(out, /www\.dynamic\.rules\[0\]\.geos\[1\]: .*unknown continent "ZZ"/);
  assert.match(out, /www\.dynamic\.rules\[0\]\.subnets\[0\]: '10\.0\.0\.1\/8' has host bits set/);
  assert.match(out, /www\.dynamic\.rules\[0\]\.subnets\[1\]: .*prefix longer than 128/);
});

test('the last rule must be a catch-all, and only the last', () => {
  const noCatchAll = GOOD.replace('      - pool: na', '      - pool: na\n        geos: [NA]');
  assert.ok(messages(noCatchAll).some((m) => /rules\[1\]: the last rule must be a catch-all/.test(m)));
  const early = GOOD.replace('      - geos: [EU-DE]\n        pool: eu', '      - pool: eu');
  assert.ok(messages(early).some((m) => /rules\[0\]: only the last rule may be a catch-all/.test(m)));
});

test('meridian extensions are checked: closest needs locations, ttl.min <= ttl.max, timeouts within intervals', () => {
  const bad = GOOD.replace('      na:\n', '      na:\n        meridian: { selection: closest }\n')
    .replace('  ttl: 30\n', '  ttl: 30\n  meridian:\n    ttl: { max: 30, min: 60 }\n    healthcheck: { interval: 1, timeout: 2 }\n    unknown_thing: 1\n');
  const out = messages(bad).join('\n');
  assert.match(out, /www\.meridian\.unknown_thing: unknown key/);
  const fixed = bad.replace('    unknown_thing: 1\n', '');
  const out2 = messages(fixed).join('\n');
  assert.match(out2, /www\.meridian\.ttl\.min: must not exceed ttl\.max \(30\)/);
  assert.match(out2, /www\.meridian\.healthcheck\.timeout: timeout \(2 s\) must not exceed the interval \(1 s\)/);
  assert.match(out2, /www\.dynamic\.pools\.na\.values\[0\]: closest selection needs meridian\.location/);
});

test('a name may hold several types; a CNAME may not share its name', () => {
  const several = `
edge:
  - type: A
    value: 192.0.2.1
  - type: AAAA
    values: ['2001:db8::1']
`;
  assert.equal(compile(several).names.get('edge.cdn.test')!.length, 2);
  const clash = `${several}  - type: CNAME\n    value: other.example.\n`;
  assert.ok(messages(clash).some((m) => /edge: a CNAME cannot sit beside other records/.test(m)));
  assert.ok(messages(`x:\n  type: CNAME\n  value: relative\n`).some((m) => /x\.value: 'relative' must be a fully qualified name/.test(m)));
});

test('YAML syntax errors and non-map documents get a line', () => {
  assert.match(messages('www:\n  type: A\n   values: [1.2.3.4]\n')[0]!, /^zones\/cdn\.test\.yaml:[23]: YAML: /);
  assert.match(messages('- just\n- a list\n')[0]!, /^zones\/cdn\.test\.yaml:1: a routing file maps record names/);
  assert.deepEqual(messages(''), []);
});

test('routingFileChecker flags two files for one zone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-routing-'));
  try {
    writeFileSync(join(dir, 'cdn.test.yaml'), GOOD);
    writeFileSync(join(dir, 'cdn.test.yml'), GOOD);
    const problems = await routingFileChecker.check([join(dir, 'cdn.test.yaml'), join(dir, 'cdn.test.yml')]);
    assert.ok(problems.some((p) => /already defined by/.test(p.message)));
    assert.ok(problems.some((p) => p.severity === 'warning' && /no cdn\.test\.zone beside it/.test(p.message)));
  } finally {
    removeDir(dir);
  }
});

test('meridian zone check reports routing errors as file:line and fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-routing-'));
  try {
    copyFileSync(fromRoot('zones', 'cdn.example.com.yaml'), join(dir, 'cdn.example.com.yaml'));
    const ok = await run(process.execPath, [cliPath(), 'zone', 'check', dir]);
    assert.doesNotMatch(ok.stdout, /error/);
    writeFileSync(join(dir, 'cdn.test.yaml'), GOOD.replace('weight: 3', 'weight: 0'));
    await assert.rejects(run(process.execPath, [cliPath(), 'zone', 'check', dir]), (err: { code: number; stdout: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stdout, /cdn\.test\.yaml:12: www\.dynamic\.pools\.eu\.values\[0\]\.weight: must be 1-100/);
      return true;
    });
  } finally {
    removeDir(dir);
  }
});

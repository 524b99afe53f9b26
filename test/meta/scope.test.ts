import { test } from 'node:test';
import assert from 'node:assert/strict';
import { purgeRequestsFromSpec, scopeKey, parseScopeKey, urlScope, prefixScope, tagScope, siteScope } from '../../src/meta/index.js';

test('purge specs: URLs give host + path with query, prefixes accept full URL prefixes', () => {
  const requests = purgeRequestsFromSpec({ urls: ['https://WWW.Example.com/a/b?x=1'], prefixes: ['http://www.example.com:8080/img/'], tags: ['sku-1'], host: 'www.example.com', all: 'other.example', soft: true });
  assert.deepEqual(requests, [
    { scope: { kind: 'url', host: 'www.example.com', path: '/a/b?x=1' }, soft: true },
    { scope: { kind: 'tag', host: 'www.example.com', tag: 'sku-1' }, soft: true },
    { scope: { kind: 'prefix', host: 'www.example.com:8080', prefix: '/img/' }, soft: true },
    { scope: { kind: 'site', host: 'other.example' }, soft: true },
  ]);
  assert.deepEqual(tagScope('t'), { kind: 'tag', host: '*', tag: 't' });
});

test('purge specs: bad input is refused with MERIDIAN_E_META_BAD_PURGE, never a crash', () => {
  const bad: unknown[] = [
    undefined, null, 'x', [], {}, { urls: [] },
    { urls: 'https://a.example/' }, { urls: [1] }, { urls: ['not a url'] }, { urls: ['ftp://a.example/x'] },
    { prefixes: ['/relative/'] }, { tags: ['two words'] }, { tags: [''] }, { tags: ['x'.repeat(2000)] },
    { all: 'bad host!' }, { all: 7 }, { urls: ['https://a.example/'], soft: 'yes' }, { urls: ['https://a.example/'], purge: 1 },
    { tags: ['t'], host: 5 },
  ];
  for (const spec of bad) {
    assert.throws(() => purgeRequestsFromSpec(spec), { code: 'MERIDIAN_E_META_BAD_PURGE' }, JSON.stringify(spec));
  }
});

test('scope keys round-trip, including paths with spaces and the every-site scope', () => {
  for (const scope of [urlScope('https://a.example/p%20q?x= y'), prefixScope('https://a.example/'), tagScope('t', 'a.example'), siteScope('a.example'), { kind: 'site' as const, host: '*' }]) {
    assert.deepEqual(parseScopeKey(scopeKey(scope)), scope);
  }
  assert.throws(() => parseScopeKey('x nonsense'), { code: 'MERIDIAN_E_META_BAD_PURGE' });
});

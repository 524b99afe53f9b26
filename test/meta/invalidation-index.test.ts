import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidationIndex, urlScope, tagScope, prefixScope, siteScope, type PurgeEvent, type PurgeScope } from '../../src/meta/index.js';

const event = (sequence: number, scope: PurgeScope, soft = false): PurgeEvent => ({ sequence, scope, soft, issuedAt: 0 });
const target = (url: string, tags: string[] = []) => {
  const u = new URL(url);
  return { host: u.host, path: u.pathname + u.search, tags };
};

test('index: url, tag, prefix and site purges each cover what they name, and only that', () => {
  const index = new InvalidationIndex();
  index.apply(event(10, urlScope('https://a.example/page?x=1')));
  index.apply(event(11, tagScope('sku-1')));
  index.apply(event(12, tagScope('sku-2', 'b.example')));
  index.apply(event(13, prefixScope('https://a.example/img/')));
  index.apply(event(14, siteScope('c.example')));
  assert.equal(index.appliedSequence(), 14);

  assert.equal(index.newestPurge(target('https://a.example/page?x=1'))?.sequence, 10);
  assert.equal(index.newestPurge(target('https://a.example/page?x=2')), undefined);
  assert.equal(index.newestPurge(target('https://z.example/any', ['sku-1']))?.sequence, 11);
  assert.equal(index.newestPurge(target('https://b.example/any', ['sku-2']))?.sequence, 12);
  assert.equal(index.newestPurge(target('https://a.example/any', ['sku-2'])), undefined, 'a host-bound tag purge stays on its host');
  assert.equal(index.newestPurge(target('https://a.example/img/logo.png'))?.sequence, 13);
  assert.equal(index.newestPurge(target('https://a.example/im')), undefined);
  assert.equal(index.newestPurge(target('https://A.EXAMPLE/img/x'))?.sequence, 13, 'host case does not matter');
  assert.equal(index.newestPurge(target('https://c.example/whatever'))?.sequence, 14);
  assert.equal(index.newestPurge(target('https://a.example/page?x=1', ['sku-1']))?.sequence, 11, 'the newest covering purge wins');
});

test('index: a hard purge is never softened by a later soft one', () => {
  const index = new InvalidationIndex();
  index.apply(event(5, urlScope('https://a.example/x')));
  index.apply(event(8, urlScope('https://a.example/x'), true));
  const t = target('https://a.example/x');
  assert.deepEqual(index.newestPurge(t, 3), { sequence: 5, soft: false }, 'fetched before the hard purge: absent');
  assert.deepEqual(index.newestPurge(t, 6), { sequence: 8, soft: true }, 'fetched between: stale');
  assert.equal(index.newestPurge(t, 8)!.sequence <= 8, true, 'fetched after: nothing to do');
  assert.deepEqual(index.newestPurge(t), { sequence: 8, soft: false }, 'without the fetch sequence: conservative');
  const softOnly = new InvalidationIndex();
  softOnly.apply(event(9, urlScope('https://a.example/y'), true));
  assert.deepEqual(softOnly.newestPurge(target('https://a.example/y')), { sequence: 9, soft: true });
});

test('index: reset purges every site; listeners hear every applied purge', () => {
  const index = new InvalidationIndex();
  const heard: PurgeEvent[] = [];
  const off = index.onPurge((e) => heard.push(e));
  index.apply(event(3, urlScope('https://a.example/x')));
  index.reset(20, 0);
  assert.deepEqual(index.newestPurge(target('https://any.example/thing', ['t'])), { sequence: 20, soft: false });
  assert.equal(index.appliedSequence(), 20);
  assert.deepEqual(heard.map((e) => e.scope), [urlScope('https://a.example/x'), { kind: 'site', host: '*' }]);
  off();
  index.apply(event(21, urlScope('https://a.example/z')));
  assert.equal(heard.length, 2);
});

test('index: past maxEntries the oldest scopes fold into an every-site floor, never a gap', () => {
  const index = new InvalidationIndex({ maxEntries: 100 });
  for (let i = 1; i <= 150; i++) index.apply(event(i, urlScope(`https://a.example/${i}`)));
  assert.ok(index.size <= 100);
  for (let i = 1; i <= 150; i++) {
    const verdict = index.newestPurge(target(`https://a.example/${i}`), i - 1);
    assert.ok(verdict && verdict.sequence >= i && !verdict.soft, `purge ${i} still covers its url`);
  }
  // Re-purging one url many times does not grow the index.
  const again = new InvalidationIndex({ maxEntries: 100 });
  for (let i = 1; i <= 5000; i++) again.apply(event(i, urlScope('https://a.example/same')));
  assert.equal(again.size, 1);
  assert.equal(again.newestPurge(target('https://a.example/other')), undefined, 'no floor was needed');
});

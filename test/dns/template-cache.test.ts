import { it } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateCache, type Template } from '../../src/dns/template-cache.js';

const template = (name: string): Template => ({ body: { bytes: Buffer.alloc(12), lengthWithoutAdditional: 12, questionEnd: 12, additionalRequired: false, rcode: 0 }, name, zone: undefined });

it('holds at most its capacity across names and types, evicting the oldest', () => {
  const cache = new TemplateCache(10);
  for (let i = 0; i < 1000; i++) cache.set(i % 300, `k${i}`, template(`k${i}`));
  let held = 0;
  for (let type = 0; type < 300; type++) for (let i = 0; i < 1000; i++) if (cache.get(type, `k${i}`) !== undefined) held++;
  assert.equal(cache.size, 10);
  assert.equal(held, 10);
  assert.equal(cache.get(999 % 300, 'k999')?.name, 'k999', 'the newest entry stays');
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get(999 % 300, 'k999'), undefined);
});

it('replacing an entry does not count twice; capacity 0 caches nothing', () => {
  const cache = new TemplateCache(2);
  cache.set(1, 'a', template('a'));
  cache.set(1, 'a', template('a2'));
  assert.equal(cache.size, 1);
  assert.equal(cache.get(1, 'a')?.name, 'a2');
  const none = new TemplateCache(0);
  none.set(1, 'a', template('a'));
  assert.equal(none.get(1, 'a'), undefined);
});

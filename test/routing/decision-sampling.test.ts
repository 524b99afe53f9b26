import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampledQuery } from '../../src/routing/index.js';
import { answerTexts, engineFor, question } from './support.js';

const YAML = `
www:
  type: A
  values: [192.0.2.1]
  dynamic:
    pools:
      a: { values: [{ value: 192.0.2.10 }] }
    rules:
      - pool: a
`;

test('onDecision samples routed queries at most once per interval and never for other names', () => {
  const engine = engineFor(YAML);
  const seen: SampledQuery[] = [];
  const stop = engine.onDecision((q) => seen.push(q), { intervalMs: 60_000 });
  engine.resolve(question('nothing.cdn.test', '198.51.100.7'));
  assert.equal(seen.length, 0, 'a name without routing records is not a decision');
  for (let i = 0; i < 50; i++) engine.resolve(question('www.cdn.test', '198.51.100.7', { ecs: '203.0.113.0/24' }));
  assert.equal(seen.length, 1, 'one sample per interval, however many queries');
  assert.equal(seen[0]!.name, 'www.cdn.test');
  assert.equal(seen[0]!.type, 1);
  assert.equal(seen[0]!.client, '198.51.100.7');
  assert.deepEqual(seen[0]!.ecs, { family: 1, sourcePrefix: 24, address: '203.0.113.0' });
  assert.ok(Math.abs(seen[0]!.at - Date.now()) < 60_000);
  stop();
  const every: SampledQuery[] = [];
  engine.onDecision((q) => every.push(q), { intervalMs: 0 });
  engine.resolve(question('www.cdn.test', '198.51.100.8'));
  engine.resolve(question('www.cdn.test', '198.51.100.9'));
  assert.equal(every.length, 2, 'interval 0 samples every query');
  assert.equal(seen.length, 1, 'unsubscribed sampler gets nothing more');
});

test('a throwing sampler does not fail the query, and a bad interval is refused', () => {
  const engine = engineFor(YAML);
  engine.onDecision(() => {
    throw new Error('observer bug');
  }, { intervalMs: 0 });
  assert.deepEqual(answerTexts(engine.resolve(question('www.cdn.test', '198.51.100.7'))), ['192.0.2.10']);
  assert.throws(() => engine.onDecision(() => {}, { intervalMs: -1 }), { code: 'MERIDIAN_E_ROUTING_BAD_QUERY' });
});

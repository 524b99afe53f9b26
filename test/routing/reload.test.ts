import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { RoutingEngine, RoutingReloader } from '../../src/routing/index.js';
import { createMetricsRegistry, type Logger } from '../../src/telemetry/index.js';
import { removeDir } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';
import { answerTexts, question } from './support.js';

const yaml = (status: string): string => `
edge:
  type: A
  values: [192.0.2.1]
  dynamic:
    pools:
      main:
        values:
          - { value: 192.0.2.10 }
          - { value: 192.0.2.20, status: ${status} }
    rules:
      - pool: main
`;

function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // pino's generic defaults differ from the telemetry alias; the object is the same kind.
  return { logger: pino({ level: 'info' }, stream) as unknown as Logger, lines };
}

test('hot reload: a changed file changes answers; a bad one is kept out while the old version serves', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-routing-reload-'));
  t.after(() => removeDir(dir));
  const file = join(dir, 'cdn.test.yaml');
  writeFileSync(file, yaml('down'));
  const engine = new RoutingEngine();
  const registry = createMetricsRegistry();
  const { logger, lines } = capturingLogger();
  const reloader = new RoutingReloader(engine, { logger, registry, debounceMs: 20 });
  t.after(() => reloader.close());
  const outcomes = await reloader.loadDirectory(dir);
  assert.deepEqual(outcomes.map((o) => o.status), ['loaded']);
  reloader.watch();

  const answersFor = (): string[] => {
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) for (const a of answerTexts(engine.resolve(question('edge.cdn.test', `10.${i}.0.1`)))) seen.add(a);
    return [...seen].sort();
  };
  assert.deepEqual(answersFor(), ['192.0.2.10']);

  // An editor's save: write a temp file, rename it over the original.
  writeFileSync(join(dir, '.cdn.test.yaml.tmp'), yaml('up'));
  renameSync(join(dir, '.cdn.test.yaml.tmp'), file);
  await until(() => answersFor().length === 2, 'the new version serves', 5000);
  assert.deepEqual(answersFor(), ['192.0.2.10', '192.0.2.20']);

  writeFileSync(file, yaml('up').replace('status: up', 'status: sideways'));
  await until(() => lines.some((l) => l.includes('not reloaded')), 'the rejection is logged', 5000);
  assert.deepEqual(answersFor(), ['192.0.2.10', '192.0.2.20'], 'the previous version keeps serving');
  const error = lines.map((l) => JSON.parse(l) as { msg: string; line?: number }).find((l) => l.msg.includes('status'));
  assert.ok(error, 'the error is logged');
  assert.match(error.msg, /cdn\.test\.yaml:10: edge\.dynamic\.pools\.main\.values\[1\]\.status: /);
  assert.equal(error.line, 10);
  const metrics = await registry.metrics();
  assert.match(metrics, /meridian_routing_reloads_total\{result="rejected"\} 1/);
  assert.match(metrics, /meridian_routing_records 1/);

  writeFileSync(file, 'edge: [unclosed');
  await until(() => lines.some((l) => l.includes('YAML')), 'the YAML error is logged', 5000);
  assert.deepEqual(answersFor(), ['192.0.2.10', '192.0.2.20']);

  rmSync(file);
  await until(() => engine.resolve(question('edge.cdn.test', '10.0.0.1')) === undefined, 'a removed file stops routing its names', 5000);
});

test('a bad file at start is reported and skipped; the good ones load', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-routing-reload-'));
  t.after(() => removeDir(dir));
  writeFileSync(join(dir, 'good.test.yaml'), yaml('up'));
  writeFileSync(join(dir, 'bad.test.yaml'), yaml('up').replace('pool: main', 'pool: missing'));
  const engine = new RoutingEngine();
  const reloader = new RoutingReloader(engine);
  const outcomes = await reloader.loadDirectory(dir);
  assert.deepEqual(outcomes.map((o) => [o.file.endsWith('bad.test.yaml'), o.status]), [[true, 'rejected'], [false, 'loaded']]);
  assert.match(outcomes[0]!.problems[0]!.message, /edge\.dynamic\.rules\[0\]\.pool: unknown pool 'missing'/);
  assert.ok(engine.resolve({ ...question('edge.good.test', '10.0.0.1'), zone: 'good.test' }));
});

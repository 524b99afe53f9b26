import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startRoutingService } from '../../src/routing/index.js';
import { createMetricsRegistry, type Logger } from '../../src/telemetry/index.js';
import { fromRoot } from '../helpers/paths.js';
import { answerTexts } from './support.js';

test('the routing service starts without GeoIP when the database cannot be opened, and says so', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } });
  const logger = pino({ level: 'info' }, stream) as unknown as Logger;
  const registry = createMetricsRegistry();
  const service = await startRoutingService({
    zonesDir: fromRoot('test', 'fixtures', 'routing', 'basic'),
    geoip: fromRoot('test', 'fixtures', 'routing', 'no-such.mmdb'),
    coverageFile: fromRoot('geo-data', 'coverage.yaml'),
    watch: false,
    logger,
    registry,
  });
  t.after(() => service.close());
  assert.deepEqual(service.loaded.map((o) => o.status), ['loaded']);
  assert.ok(lines.some((l) => l.includes('GeoIP unavailable, routing without it')), 'the missing database is logged');
  // The coverage map still locates its networks: 198.51.100.0/24 is EU-DE in geo-data/coverage.yaml.
  const covered = service.engine.resolve({ name: 'edge.cdn.test', type: 1, zone: 'cdn.test', clientAddress: '198.51.100.9' });
  assert.match(answerTexts(covered)[0]!, /^192\.0\.2\.1[01]$/);
  const unknown = service.engine.resolve({ name: 'edge.cdn.test', type: 1, zone: 'cdn.test', clientAddress: '81.1.1.1' });
  assert.deepEqual(answerTexts(unknown), ['192.0.2.20'], 'without GeoIP, unknown clients take the catch-all');
  assert.equal(service.engine.probes().length, 3);
  assert.equal(service.engine.probes()[0]!.url, 'http://192.0.2.10:9/_meridian/health');
  assert.match(await registry.metrics(), /meridian_routing_probes 3/);
});

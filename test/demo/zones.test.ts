import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DemoErrorCode, prepareDemoZones } from '../../src/demo/index.js';
import { fromRoot } from '../helpers/paths.js';

describe('prepareDemoZones', () => {
  it('serves the example zones themselves when the edges use the port they probe', () => {
    const zones = prepareDemoZones(fromRoot('zones'), 8080);
    assert.equal(zones.copied, false);
    assert.equal(zones.dir, fromRoot('zones'));
  });

  it('serves a copy whose health checks probe the edges on their port', (t) => {
    const zones = prepareDemoZones(fromRoot('zones'), 18080);
    t.after(() => zones.close());
    assert.equal(zones.copied, true);
    const records = parse(readFileSync(join(zones.dir, 'cdn.example.com.yaml'), 'utf8')) as { edge: { octodns?: { healthcheck?: { port?: number } } }[] };
    assert.equal(records.edge[0]!.octodns!.healthcheck!.port, 18080);
    assert.equal(readFileSync(join(zones.dir, 'cdn.example.com.zone'), 'utf8'), readFileSync(fromRoot('zones', 'cdn.example.com.zone'), 'utf8'));
    zones.close();
    assert.equal(existsSync(zones.dir), false);
  });

  it('names a missing zones folder', () => {
    assert.throws(() => prepareDemoZones(fromRoot('no-such-zones'), 8080), (err: Error & { code?: string }) => err.code === DemoErrorCode.ZONES);
  });
});

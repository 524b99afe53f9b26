import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogueBytes, generateTrace, SimulateError } from '../../src/simulate/index.js';

const small = { requests: 20_000, objects: 2_000, clients: 300 };

test('the same seed gives the same trace; another seed a different one', () => {
  const a = generateTrace({ ...small, seed: 7 });
  const b = generateTrace({ ...small, seed: 7 });
  const c = generateTrace({ ...small, seed: 8 });
  assert.deepEqual([...a.objectIndex], [...b.objectIndex]);
  assert.deepEqual(a.urls, b.urls);
  assert.deepEqual(a.clients, b.clients);
  assert.deepEqual([...a.clientIndex], [...b.clientIndex]);
  assert.deepEqual([...a.sizes], [...b.sizes]);
  assert.deepEqual([...a.times], [...b.times]);
  assert.notDeepEqual([...a.objectIndex], [...c.objectIndex]);
});

test('popularity follows Zipf: rank 0 is asked about 2^0.8 times as often as rank 1 and 10^0.8 as rank 9', () => {
  const trace = generateTrace({ ...small, requests: 200_000, seed: 3, zipfExponent: 0.8 });
  const counts = new Map<string, number>();
  for (let i = 0; i < trace.length; i++) {
    const url = trace.urls[trace.objectIndex[i]!]!;
    counts.set(url, (counts.get(url) ?? 0) + 1);
  }
  const ratio1 = counts.get('/o/0')! / counts.get('/o/1')!;
  const ratio9 = counts.get('/o/0')! / counts.get('/o/9')!;
  assert.ok(Math.abs(ratio1 - 2 ** 0.8) < 0.15, `rank 0 / rank 1 = ${ratio1}`);
  assert.ok(Math.abs(ratio9 - 10 ** 0.8) < 1, `rank 0 / rank 9 = ${ratio9}`);
});

test('sizes are heavy-tailed and fixed per object; times are sorted within the days asked for', () => {
  const trace = generateTrace({ ...small, seed: 4, days: 2 });
  const sizeOf = new Map<number, number>();
  for (let i = 0; i < trace.length; i++) {
    const seen = sizeOf.get(trace.objectIndex[i]!);
    if (seen !== undefined) assert.equal(trace.sizes[i], seen);
    sizeOf.set(trace.objectIndex[i]!, trace.sizes[i]!);
    if (i > 0) assert.ok(trace.times[i]! >= trace.times[i - 1]!);
  }
  assert.ok(trace.times[trace.length - 1]! <= 2 * 86400);
  const sizes = [...sizeOf.values()].sort((x, y) => x - y);
  const median = sizes[Math.floor(sizes.length / 2)]!;
  const mean = catalogueBytes(trace) / sizes.length;
  assert.ok(median > 24 * 1024 && median < 44 * 1024, `median ${median}`);
  assert.ok(mean > 2 * median, `heavy tail: mean ${mean} vs median ${median}`);
  assert.ok(generateTrace({ ...small, sizeDistribution: 'pareto', sizeScaleBytes: 8192, sizeShape: 1.2 }).sizes.every((s) => s >= 8192));
});

test('clients come from the test GeoIP ranges, and traffic follows the local day', () => {
  const trace = generateTrace({ ...small, requests: 50_000, seed: 5 });
  const octets = new Set(trace.clients.map((c) => Number(c.split('.')[0])));
  for (const o of octets) assert.ok([81, 82, 83, 84, 12, 13, 24, 177, 126, 175, 101, 41].includes(o), `octet ${o}`);
  // Tokyo (126/8, UTC+9) is busiest in its evening (~11:00 UTC) and quietest before dawn (~19:00 UTC).
  const tokyoAt = (utcHour: number) => {
    let n = 0;
    for (let i = 0; i < trace.length; i++) {
      const hour = Math.floor(trace.times[i]! / 3600);
      if (hour === utcHour && trace.clients[trace.clientIndex[i]!]!.startsWith('126.')) n++;
    }
    return n;
  };
  assert.ok(tokyoAt(11) > 3 * tokyoAt(19), `Tokyo evening ${tokyoAt(11)} vs night ${tokyoAt(19)}`);
});

test('bad generator options are a coded error naming the option', () => {
  assert.throws(() => generateTrace({ requests: 0 }), (err: unknown) => err instanceof SimulateError && err.code === 'MERIDIAN_E_SIMULATE_OPTIONS_INVALID' && /requests/.test(err.message));
  assert.throws(() => generateTrace({ zipfExponent: Number.NaN }), /zipfExponent/);
});

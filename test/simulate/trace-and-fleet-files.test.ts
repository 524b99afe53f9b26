import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCsvTrace, generateTrace, parseCsvTrace, parseFleet, SimulateError } from '../../src/simulate/index.js';

test('CSV trace: header, comments, seconds and ISO times, interned clients and URLs', () => {
  const trace = parseCsvTrace('time,client,url,size\n# comment\n\n10,81.1.1.1,/a,100\n2023-11-14T22:13:20Z,2001:db8:100::1,/b,0\n1700000001,81.1.1.1,/a,100\n');
  assert.equal(trace.length, 3);
  assert.deepEqual(trace.clients, ['81.1.1.1', '2001:db8:100::1']);
  assert.deepEqual(trace.urls, ['/a', '/b']);
  assert.deepEqual([...trace.objectIndex], [0, 1, 0]);
  assert.deepEqual([...trace.times], [10, 1700000000, 1700000001]);
});

test('CSV trace: every bad line is reported with file:line, none crashes', () => {
  const text = '1,81.1.1.1,/a,100\n2,not-an-ip,/a,100\n3,81.1.1.1,/a\n0,81.1.1.1,/a,100\n5,81.1.1.1,/a,-3\nnoon,81.1.1.1,/a,1\n';
  assert.throws(
    () => parseCsvTrace(text, 'bad.csv'),
    (err: unknown) =>
      err instanceof SimulateError &&
      err.code === 'MERIDIAN_E_SIMULATE_TRACE_INVALID' &&
      /bad\.csv:2: client 'not-an-ip'/.test(err.message) &&
      /bad\.csv:3: expected 4 fields/.test(err.message) &&
      /bad\.csv:4: time 0 is earlier/.test(err.message) &&
      /bad\.csv:5: size '-3'/.test(err.message) &&
      /bad\.csv:6: time 'noon'/.test(err.message),
  );
  assert.throws(() => parseCsvTrace('# nothing\n', 'empty.csv'), /no requests/);
});

test('CSV trace: a generated trace written out reads back the same', () => {
  const trace = generateTrace({ requests: 500, objects: 50, clients: 20, seed: 9 });
  const back = parseCsvTrace(formatCsvTrace(trace));
  assert.deepEqual(back.urls, trace.urls);
  assert.deepEqual([...back.objectIndex], [...trace.objectIndex]);
  assert.deepEqual([...back.sizes], [...trace.sizes]);
});

const node = (extra: string) => `{ id: n1, region: eu, tier: edge, address: 127.0.1.1, location: { lat: 50, lon: 8 }, ${extra} }`;

test('fleet file: capacities in bytes, units, or a share of the catalogue', () => {
  const fleet = parseFleet(
    `name: Edge.Example.\norigin: { location: { lat: 0, lon: 0 } }\nnodes:\n  - ${node('capacity: 256MiB')}\n  - { id: n2, region: eu, tier: regional, address: '2001:db8::1', capacity: 0.5%, location: { lat: 1, lon: 2 } }\n  - { id: n3, region: na, tier: edge, address: 127.0.2.1, capacity: 1000, location: { lat: 1, lon: 2 } }\n`,
    'f.yaml',
    1e9,
  );
  assert.equal(fleet.name, 'edge.example');
  assert.deepEqual(fleet.nodes.map((n) => n.capacityBytes), [256 * 2 ** 20, 5e6, 1000]);
});

test('fleet file: errors name the file and the path; unknown keys are rejected', () => {
  const check = (text: string, pattern: RegExp) =>
    assert.throws(() => parseFleet(text, 'f.yaml', 1e9), (err: unknown) => err instanceof SimulateError && err.code === 'MERIDIAN_E_SIMULATE_FLEET_INVALID' && pattern.test(err.message));
  const head = 'name: e.example\norigin: { location: { lat: 0, lon: 0 } }\n';
  check(`${head}nodes:\n  - ${node('capacity: lots')}\n`, /f\.yaml: nodes\[0\]\.capacity: must be bytes/);
  check(`${head}nodes:\n  - ${node('capacity: 1, colour: red')}\n`, /nodes\[0\]/);
  check(`${head}nodes:\n  - ${node('capacity: 1')}\n  - ${node('capacity: 1')}\n`, /nodes\[1\]\.id: duplicate node id n1/);
  check(`${head}nodes:\n  - { id: r, region: eu, tier: regional, address: 127.0.0.1, capacity: 1, location: { lat: 0, lon: 0 } }\n`, /at least one edge/);
  check(`${head}nodes: [\n`, /not valid YAML/);
});

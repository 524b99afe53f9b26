import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker, LoadBoard } from '../../src/fleet/index.js';
import { readRoutingFile, RoutingEngine } from '../../src/routing/index.js';
import { fromRoot } from '../helpers/paths.js';
import { answerTexts, engineFor, question, testGeo } from './support.js';

const geo = await testGeo();
after(() => geo.close());
const example = readRoutingFile(fromRoot('zones', 'cdn.example.com.yaml')).zone!;
const EDGE = 'edge.cdn.example.com';

function exampleEngine(options: { health?: HealthTracker; load?: LoadBoard } = {}): RoutingEngine {
  return new RoutingEngine({ zones: [example], geo: geo.geo, ...options });
}

test('ECS clients from different continents get their region (real test GeoIP DB)', () => {
  const engine = exampleEngine();
  const eu = answerTexts(engine.resolve(question(EDGE, '192.0.2.53', { ecs: '81.3.4.0/24' })));
  assert.equal(eu.length, 1);
  assert.match(eu[0]!, /^127\.0\.1\.[12]$/, 'Frankfurt (EU) → pool eu');
  assert.deepEqual(answerTexts(engine.resolve(question(EDGE, '192.0.2.53', { ecs: '12.34.56.0/24' }))), ['127.0.2.1'], 'San Jose → closest NA site sjc');
  assert.deepEqual(answerTexts(engine.resolve(question(EDGE, '192.0.2.53', { ecs: '13.1.2.0/24' }))), ['127.0.2.2'], 'New York → closest NA site nyc');
  assert.match(answerTexts(engine.resolve(question(EDGE, '192.0.2.53', { ecs: '126.1.0.0/24' })))[0]!, /^127\.0\.3\.[12]$/, 'Tokyo → pool as');
  assert.match(answerTexts(engine.resolve(question(EDGE, '192.0.2.53', { ecs: '101.1.0.0/24' })))[0]!, /^127\.0\.3\.[12]$/, 'Sydney (OC) → pool as');
  assert.match(answerTexts(engine.resolve(question(EDGE, '192.0.2.53', { ecs: '41.1.0.0/24' })))[0]!, /^127\.0\.1\.[12]$/, 'Johannesburg (AF) → pool eu');
  assert.match(answerTexts(engine.resolve(question(EDGE, '192.0.2.53', { ecs: '177.1.0.0/24' })))[0]!, /^127\.0\.2\.[12]$/, 'Sao Paulo → catch-all na');
});

test('IPv6 ECS clients are located too', () => {
  const engine = exampleEngine();
  assert.match(answerTexts(engine.resolve(question(EDGE, '::1', { ecs: '2001:db8:2000::/48' })))[0]!, /^127\.0\.3\.[12]$/, 'JP');
  assert.match(answerTexts(engine.resolve(question(EDGE, '::1', { ecs: '2001:db8:100::/48' })))[0]!, /^127\.0\.1\.[12]$/, 'DE');
  assert.deepEqual(answerTexts(engine.resolve(question(EDGE, '2001:db8:1100::53'))), ['127.0.2.2'], 'resolver in New York, no ECS');
  const d = engine.explain({ name: EDGE, client: '::1', ecs: { family: 2, sourcePrefix: 48, address: '2001:db8:2000::' } });
  assert.equal(d.pool, 'as');
  assert.equal(d.ecsScopePrefix, 48, 'scope = client /56 hash key capped by the /48 source prefix');
});

test('the coverage map overrides GeoIP: by pool name, by site, by its own geo', () => {
  const engine = exampleEngine();
  assert.deepEqual(answerTexts(engine.resolve(question(EDGE, '10.1.2.3'))), ['127.0.9.1'], 'coverage pool lab');
  const office = engine.explain({ name: EDGE, client: '198.51.100.7' });
  assert.equal(office.pool, 'eu', 'coverage site fra → the pool whose meridian.site is fra');
  assert.equal(office.rule, null);
  assert.match(office.trace.find((l) => l.step === 'rule')!.reason, /coverage map \/24 names site fra/);
  const ams = engine.explain({ name: EDGE, client: '81.2.3.4' });
  assert.equal(ams.rule, 2, 'site ams has no pool here: rules apply, and the coverage entry says EU-NL');
  assert.equal(ams.pool, 'eu');
  const sjc = engine.explain({ name: EDGE, client: '203.0.113.9' });
  assert.equal(sjc.pool, 'na', 'covered by site sjc, which only a value carries: rules apply');
});

test('subnet rules match before geo rules', () => {
  const engine = exampleEngine();
  const d = engine.explain({ name: EDGE, client: '192.0.2.77' });
  assert.equal(d.rule, 0);
  assert.deepEqual(d.answers, ['127.0.9.1']);
});

test('ECS scope: the deciding network, never longer than the source prefix, 0 without ECS or client dependence', () => {
  const engine = exampleEngine();
  const scope = (ecs?: string, client = '192.0.2.53'): number => engine.resolve(question(EDGE, client, { ecs }))!.ecsScopePrefix;
  assert.equal(scope('81.3.4.0/24'), 24, 'GeoIP /8 chose the rule, the /24 hash picked among two values');
  assert.equal(scope('81.3.0.0/16'), 16, 'never longer than the /16 source prefix');
  assert.equal(scope('12.34.56.0/24'), 24, 'closest pool: hash over two values still applies');
  assert.equal(scope(undefined, '12.34.56.1'), 0, 'no ECS option: scope 0');
  assert.equal(scope('0.0.0.0/0', '12.34.56.1'), 0, 'ECS with source prefix 0: the resolver address decides, scope 0');
  const single = engineFor(`
one:
  type: A
  values: [192.0.2.1]
  dynamic:
    pools:
      all:
        values: [{ value: 192.0.2.9 }]
    rules:
      - pool: all
`, { geo: geo.geo });
  assert.equal(single.resolve(question('one.cdn.test', '1.2.3.4', { ecs: '81.3.4.0/24' }))!.ecsScopePrefix, 0, 'one rule, one value: the answer does not depend on the client');
  const carved = engineFor(`
svc:
  type: A
  values: [192.0.2.1]
  dynamic:
    pools:
      lab: { values: [{ value: 192.0.2.7 }] }
      eu: { values: [{ value: 192.0.2.8 }] }
    rules:
      - subnets: [81.3.4.0/24]
        pool: lab
      - geos: [EU]
        pool: eu
      - pool: eu
`, { geo: geo.geo });
  const neighbour = carved.resolve(question('svc.cdn.test', '192.0.2.53', { ecs: '81.3.5.0/24' }))!;
  assert.deepEqual(answerTexts(neighbour), ['192.0.2.8']);
  assert.equal(neighbour.ecsScopePrefix, 24, 'GeoIP says /8, but a /24 inside it answers differently: the scope must not cover it');
  assert.equal(carved.resolve(question('svc.cdn.test', '192.0.2.53', { ecs: '82.1.0.0/16' }))!.ecsScopePrefix, 8, 'far from the carve-out the GeoIP /8 decides');
  const coverage = exampleEngine().resolve(question(EDGE, '192.0.2.53', { ecs: '81.2.200.0/24' }))!;
  assert.equal(coverage.ecsScopePrefix, 24, 'coverage /17 chose the pool, /24 hash picked');
});

test('the ECS address is used only when its source prefix is > 0', () => {
  const engine = exampleEngine();
  const d = engine.explain({ name: EDGE, client: '126.0.0.53', ecs: { family: 1, sourcePrefix: 0, address: '0.0.0.0' } });
  assert.equal(d.locatedAddress, '126.0.0.53');
  assert.equal(d.pool, 'as');
});

test('a name without routing records is not answered; another type gets NODATA', () => {
  const engine = exampleEngine();
  assert.equal(engine.resolve(question('www.cdn.example.com', '1.2.3.4')), undefined);
  assert.deepEqual(engine.resolve(question(EDGE, '1.2.3.4', { type: 16 })), { records: [], ecsScopePrefix: 0 });
  const aaaa = engine.resolve(question(EDGE, '1.2.3.4', { type: 28 }))!;
  assert.equal(aaaa.records.length, 1);
  assert.equal(aaaa.records[0]!.rdata.length, 16);
  assert.equal(aaaa.records[0]!.type, 28);
});

test('health: down values leave, the fallback chain takes over, and the TTL shortens while changing', () => {
  const health = new HealthTracker({ defaults: { downThreshold: 1, upThreshold: 1 } });
  const engine = exampleEngine({ health });
  const probeOf = (address: string): string => engine.probes().find((p) => p.address === address)!.id;
  for (const p of engine.probes()) health.track(p.id, { downThreshold: 1, upThreshold: 1 });
  const de = question(EDGE, '192.0.2.53', { ecs: '81.3.4.0/24' });
  const first = engine.resolve(de)!;
  assert.equal(first.records[0]!.ttl, 60);
  const winner = answerTexts(first)[0]!;
  const other = winner === '127.0.1.1' ? '127.0.1.2' : '127.0.1.1';
  health.report(probeOf(winner), false);
  const moved = engine.resolve(de)!;
  assert.deepEqual(answerTexts(moved), [other], 'the dead node leaves, the other EU node answers');
  assert.equal(moved.records[0]!.ttl, 10, 'a candidate in transition: short TTL');
  health.report(probeOf(other), false);
  const d = engine.explain({ name: EDGE, client: '192.0.2.53', ecs: { family: 1, sourcePrefix: 24, address: '81.3.4.0' } });
  assert.equal(d.pool, 'na', 'eu is all down: fallback to na');
  assert.match(d.trace.map((l) => l.reason).join('\n'), /pool eu has no serving value: fallback to pool na/);
  health.report(probeOf(winner), true);
  assert.deepEqual(answerTexts(engine.resolve(de)), [winner], 'back up: the client returns to its node');
});

test('status up/down override health; obey follows it', () => {
  const health = new HealthTracker({ defaults: { downThreshold: 1 } });
  const engine = exampleEngine({ health });
  for (const p of engine.probes()) {
    health.track(p.id, { downThreshold: 1 });
    health.report(p.id, false);
  }
  // Pool as: 127.0.3.1 obeys (down), 127.0.3.2 is forced up.
  assert.deepEqual(answerTexts(engine.resolve(question(EDGE, '126.0.0.53'))), ['127.0.3.2']);
  assert.ok(!engine.probes().some((p) => p.address === '127.0.3.2'), 'forced values are not probed');
});

const ALL_DOWN = (policy: string): string => `
svc:
  type: A
  ttl: 120
  values: [192.0.2.99]
  dynamic:
    pools:
      main:
        fallback: spare
        values: [{ value: 192.0.2.1 }, { value: 192.0.2.2 }]
      spare:
        values: [{ value: 192.0.2.3 }]
    rules:
      - pool: main
  octodns:
    healthcheck: { path: /health, port: 8080, protocol: HTTP }
  meridian:
    answers: 2
    ttl: { min: 5 }
    all_down: ${policy}
`;

test('all-down policies: all (default), fallback, empty, servfail', () => {
  const cases: Record<string, (a: ReturnType<RoutingEngine['resolve']>) => void> = {
    all: (a) => {
      assert.deepEqual(answerTexts(a).sort(), ['192.0.2.1', '192.0.2.2'], 'the rule pool, as if every node were up');
      assert.equal(a!.records[0]!.ttl, 5, 'short TTL while all is down');
    },
    fallback: (a) => assert.deepEqual(answerTexts(a), ['192.0.2.99']),
    empty: (a) => assert.deepEqual(a, { records: [], ecsScopePrefix: 0, rcode: 0 }),
    servfail: (a) => assert.equal(a!.rcode, 2),
  };
  for (const [policy, check] of Object.entries(cases)) {
    const health = new HealthTracker({ defaults: { downThreshold: 1 } });
    const engine = engineFor(ALL_DOWN(policy), { health });
    assert.equal(engine.probes().length, 3);
    assert.deepEqual(answerTexts(engine.resolve(question('svc.cdn.test', '1.2.3.4'))).sort(), ['192.0.2.1', '192.0.2.2'], `${policy}: healthy`);
    for (const p of engine.probes()) {
      health.track(p.id, { downThreshold: 1 });
      health.report(p.id, false);
    }
    check(engine.resolve(question('svc.cdn.test', '1.2.3.4')));
  }
});

test('load shedding removes values above the watermark, but never all of them', () => {
  const load = new LoadBoard();
  const engine = exampleEngine({ load });
  const de = question(EDGE, '192.0.2.53', { ecs: '81.3.4.0/24' });
  const winner = answerTexts(engine.resolve(de))[0]!;
  const other = winner === '127.0.1.1' ? '127.0.1.2' : '127.0.1.1';
  load.set(winner, 0.95);
  assert.deepEqual(answerTexts(engine.resolve(de)), [other], 'above the 0.9 watermark: shed');
  load.set(other, 0.99);
  assert.deepEqual(answerTexts(engine.resolve(de)), [winner], 'both above: keep all, the hash decides again');
  load.set(winner, 0.5);
  load.set(other, 0.5);
  assert.deepEqual(answerTexts(engine.resolve(de)), [winner]);
});

const WEIGHTED = (values: string): string => `
w:
  type: A
  values: [192.0.2.99]
  dynamic:
    pools:
      p:
        values: [${values}]
    rules:
      - pool: p
`;

function subnet(i: number): string {
  return `${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0`;
}

test('weights 1:3 split 10,000 client subnets 25 %/75 % within ±3 percentage points', () => {
  const engine = engineFor(WEIGHTED('{ value: 192.0.2.1, weight: 1 }, { value: 192.0.2.3, weight: 3 }'));
  let light = 0;
  const total = 10_000;
  for (let i = 0; i < total; i++) {
    const [answer] = answerTexts(engine.resolve(question('w.cdn.test', '9.9.9.9', { ecs: `${subnet(i)}/24` })));
    if (answer === '192.0.2.1') light++;
  }
  const share = (100 * light) / total;
  assert.ok(Math.abs(share - 25) <= 3, `weight-1 value got ${share.toFixed(2)} % of subnets, expected 25 ± 3`);
});

test('stickiness: a subnet keeps its node; removing a value moves only its clients', () => {
  const three = '{ value: 192.0.2.1 }, { value: 192.0.2.2 }, { value: 192.0.2.3, weight: 2 }';
  const before = engineFor(WEIGHTED(three));
  const afterRemoval = engineFor(WEIGHTED(three.replace('weight: 2', 'weight: 2, status: down')));
  const afterWeightChange = engineFor(WEIGHTED(three.replace('weight: 2', 'weight: 4')));
  let moved = 0;
  let onRemoved = 0;
  let gained = 0;
  for (let i = 0; i < 5000; i++) {
    const base = subnet(i).slice(0, -2);
    const a = answerTexts(before.resolve(question('w.cdn.test', `${base}.7`)))[0];
    assert.equal(answerTexts(before.resolve(question('w.cdn.test', `${base}.200`)))[0], a, 'same /24 → same answer');
    const b = answerTexts(afterRemoval.resolve(question('w.cdn.test', `${base}.7`)))[0];
    if (a === '192.0.2.3') onRemoved++;
    else if (a !== b) moved++;
    const c = answerTexts(afterWeightChange.resolve(question('w.cdn.test', `${base}.7`)))[0];
    if (c !== a) {
      assert.equal(c, '192.0.2.3', 'a heavier value only gains clients');
      gained++;
    }
  }
  assert.equal(moved, 0, 'clients of the remaining values stay where they were');
  assert.ok(onRemoved > 1500 && onRemoved < 3500, `the removed value had about half the clients (${onRemoved})`);
  assert.ok(gained > 500, 'raising a weight moves some clients to it');
});

test('explain gives every step a line, in pipeline order', () => {
  const d = exampleEngine().explain({ name: EDGE, client: '12.34.56.78' });
  assert.deepEqual(d.trace.map((l) => l.step), ['record', 'locate', 'rule', 'health', 'load', 'order', 'pick', 'all-down']);
  assert.match(d.trace[1]!.reason, /resolver 12\.34\.56\.78: geoip \/8: continent NA, country US, subdivision CA/);
  assert.match(d.trace[5]!.reason, /closest to 37\.3382,-121\.8863: 127\.0\.2\.1 0 km, 127\.0\.2\.2 \d+ km/);
  assert.deepEqual(d.answers, ['127.0.2.1']);
});

test('unlocatable and malformed client addresses still get an answer', () => {
  const engine = exampleEngine();
  assert.equal(answerTexts(engine.resolve(question(EDGE, '5.5.5.5'))).length, 1, 'not in any geo source: catch-all');
  assert.equal(answerTexts(engine.resolve(question(EDGE, 'not-an-address'))).length, 1);
  assert.equal(answerTexts(engine.resolve(question(EDGE, '1.2.3.4', { ecs: 'zz/24' }))).length, 1);
});

test('a routed CNAME answers every type with the picked target', () => {
  const engine = engineFor(`
img:
  type: CNAME
  value: fallback.example.net.
  dynamic:
    pools:
      a: { values: [{ value: a.cdn-one.example. , weight: 1 }, { value: b.cdn-two.example., weight: 1 }] }
    rules:
      - pool: a
`);
  for (const type of [1, 28, 5]) {
    const answer = engine.resolve(question('img.cdn.test', '10.9.8.7', { type }))!;
    assert.equal(answer.records.length, 1);
    assert.equal(answer.records[0]!.type, 5);
    const rdata = answer.records[0]!.rdata.toString('latin1');
    assert.ok(rdata === '\x01a\x07cdn-one\x07example\x00' || rdata === '\x01b\x07cdn-two\x07example\x00', JSON.stringify(rdata));
  }
});

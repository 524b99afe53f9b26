/** Each pipeline step alone, on a state prepared by hand (the room's internals, not its door). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker, LoadBoard } from '../../src/fleet/index.js';
import { createDecisionState, resetState, scopeOf, type DecisionState, type RoutingEnv } from '../../src/routing/state.js';
import { ruleMaskWords } from '../../src/routing/subnet-index.js';
import { locate } from '../../src/routing/steps/locate.js';
import { chooseRule } from '../../src/routing/steps/choose-rule.js';
import { filterHealth } from '../../src/routing/steps/filter-health.js';
import { shedLoad } from '../../src/routing/steps/shed-load.js';
import { orderCandidates } from '../../src/routing/steps/order.js';
import { pickAnswers } from '../../src/routing/steps/pick.js';
import { applyAllDownPolicy } from '../../src/routing/steps/all-down.js';
import { ROUTING_STEPS } from '../../src/routing/index.js';
import type { ClientSubnet } from '../../src/dns/index.js';
import type { CompiledRecord } from '../../src/routing/index.js';
import { compile, fixedGeo } from './support.js';

const RECORD = compile(`
edge:
  type: A
  values: [192.0.2.1]
  dynamic:
    pools:
      eu:
        fallback: na
        meridian: { load_watermark: 0.8, answers: 2 }
        values:
          - { value: 192.0.2.11 }
          - { value: 192.0.2.12, weight: 5 }
          - { value: 192.0.2.13, status: down }
      na:
        meridian: { selection: closest }
        values:
          - { value: 192.0.2.21, meridian: { location: { lat: 37.3, lon: -121.9 } } }
          - { value: 192.0.2.22, meridian: { location: { lat: 40.7, lon: -74.0 } } }
      lab:
        values: [{ value: 192.0.2.31 }]
    rules:
      - subnets: [10.0.0.0/8]
        geos: [EU]
        pool: lab
      - subnets: [172.16.0.0/12, 2001:db8::/32]
        pool: lab
      - geos: [EU-DE, EU-FR]
        pool: eu
      - pool: na
  octodns:
    healthcheck: { port: 8080, protocol: HTTP }
`).names.get('edge.cdn.test')![0]!;

const GEO = fixedGeo({
  '81.1.1.1': { continent: 'EU', country: 'DE', networkPrefix: 16, latitude: 50.1, longitude: 8.7 },
  '10.1.1.1': { continent: 'EU', country: 'NL' },
  '10.2.2.2': { continent: 'NA', country: 'US' },
  '12.1.1.1': { continent: 'NA', country: 'US', latitude: 37.3, longitude: -121.9 },
  '13.1.1.1': { continent: 'NA', country: 'US', latitude: 40.7, longitude: -74.0 },
});

function stateFor(client: string, options: { ecs?: ClientSubnet; record?: CompiledRecord } = {}): DecisionState {
  const record = options.record ?? RECORD;
  const state = createDecisionState(record.maxCandidates, ruleMaskWords(record.rules.length), record);
  resetState(state, record, client, options.ecs, []);
  return state;
}

const env = (extra: Partial<RoutingEnv> = {}): RoutingEnv => ({ geo: GEO, health: undefined, load: undefined, ...extra });

test('the pipeline order lives in one list', () => {
  assert.deepEqual(ROUTING_STEPS, [locate, chooseRule, filterHealth, shedLoad, orderCandidates, pickAnswers, applyAllDownPolicy]);
});

test('locate: ECS address when source prefix > 0, else the resolver; key masked to /24 or the source prefix', () => {
  const s = stateFor('192.0.2.53', { ecs: { family: 1, sourcePrefix: 20, address: '81.1.0.0' } });
  locate(s, env());
  assert.equal(s.address, '81.1.0.0');
  assert.equal(s.hashPrefix, 20);
  assert.equal(s.sourcePrefix, 20);
  const r = stateFor('81.1.1.1', { ecs: { family: 1, sourcePrefix: 0, address: '0.0.0.0' } });
  locate(r, env());
  assert.equal(r.address, '81.1.1.1');
  assert.equal(r.location?.country, 'DE');
  assert.equal(r.hashPrefix, 24);
  assert.equal(r.key[0], (81 << 24) + (1 << 16) + (1 << 8));
  assert.match(r.trace![0]!.reason, /resolver 81\.1\.1\.1 \(ECS source prefix 0\): geoip \/16: continent EU, country DE/);
  const v6 = stateFor('2001:db8:aaaa:bbcc:dd::1');
  locate(v6, env());
  assert.equal(v6.hashPrefix, 56);
  assert.deepEqual([...v6.key], [0x20010db8, 0xaaaabb00, 0, 0]);
});

test('rule: a rule with subnets and geos needs both; subnet-only and geo rules; catch-all last', () => {
  const pick = (client: string): number | undefined => {
    const s = stateFor(client);
    locate(s, env());
    chooseRule(s, env());
    return s.rule?.index;
  };
  assert.equal(pick('10.1.1.1'), 0, '10/8 and EU');
  assert.equal(pick('10.2.2.2'), 3, '10/8 but not EU: catch-all');
  assert.equal(pick('172.20.0.1'), 1);
  assert.equal(pick('2001:db8::1'), 1, 'IPv6 subnet');
  assert.equal(pick('81.1.1.1'), 2, 'EU-DE');
  assert.equal(pick('198.51.100.1'), 3, 'unlocated: catch-all');
});

test('rule: the coverage map may name a pool directly', () => {
  const s = stateFor('10.1.1.1');
  locate(s, env({ geo: fixedGeo({ '10.1.1.1': { source: 'coverage', pool: 'na', networkPrefix: 8 } }) }));
  chooseRule(s, env());
  assert.equal(s.rulePool?.name, 'na');
  assert.equal(s.rule, undefined);
  assert.equal(s.dependsOnPrefix, 8);
});

test('health: forced statuses, obey via the health view, fallback chain, then all-down', () => {
  const health = new HealthTracker({ defaults: { downThreshold: 1 } });
  const s = stateFor('81.1.1.1');
  locate(s, env());
  chooseRule(s, env());
  filterHealth(s, env({ health }));
  assert.deepEqual(s.candidates.slice(0, s.count).map((v) => v.value), ['192.0.2.11', '192.0.2.12'], 'status down left out');
  for (const v of RECORD.pools[0]!.values) if (v.probeId) health.report(v.probeId, false);
  const t = stateFor('81.1.1.1');
  locate(t, env());
  chooseRule(t, env());
  filterHealth(t, env({ health }));
  assert.equal(t.pool?.name, 'na');
  assert.equal(t.allDown, false);
  for (const v of RECORD.pools[1]!.values) if (v.probeId) health.report(v.probeId, false);
  const u = stateFor('81.1.1.1');
  locate(u, env());
  chooseRule(u, env());
  filterHealth(u, env({ health }));
  assert.equal(u.allDown, true);
  assert.equal(u.pool?.name, 'eu', 'all-down carries on with the rule pool');
  assert.equal(u.count, 2, 'administratively down values stay out even then');
});

test('load: values above the watermark are shed', () => {
  const load = new LoadBoard();
  load.set('192.0.2.12', 0.85);
  const s = stateFor('81.1.1.1');
  for (const step of [locate, chooseRule, filterHealth]) step(s, env());
  shedLoad(s, env({ load }));
  assert.deepEqual(s.candidates.slice(0, s.count).map((v) => v.value), ['192.0.2.11']);
  assert.match(s.trace!.at(-1)!.reason, /above watermark 0\.8, shed: 192\.0\.2\.12 \(0\.85\)/);
});

test('order: closest pools rank by great-circle distance from the client', () => {
  const s = stateFor('13.1.1.1');
  for (const step of [locate, chooseRule, filterHealth]) step(s, env());
  orderCandidates(s, env());
  assert.equal(s.distance[0]! > 3000, true, 'New York to San Jose');
  assert.equal(s.distance[1]! < 1, true, 'New York to New York');
  pickAnswers(s, env());
  assert.deepEqual(s.answers.slice(0, s.answerCount).map((v) => v.value), ['192.0.2.22']);
});

test('pick: N answers by rendezvous score, the same for the same subnet', () => {
  const picked = (client: string): string[] => {
    const s = stateFor(client, { ecs: { family: 1, sourcePrefix: 24, address: client.replace(/\.\d+$/, '.0') } });
    for (const step of [locate, chooseRule, filterHealth, orderCandidates, pickAnswers]) step(s, env({ geo: fixedGeo({ [client.replace(/\.\d+$/, '.0')]: { continent: 'EU', country: 'DE' } }) }));
    assert.equal(scopeOf(s), 16, 'every serving value answers: only the /16 geo network decided');
    return s.answers.slice(0, s.answerCount).map((v) => v.value).sort();
  };
  assert.deepEqual(picked('81.5.6.7'), ['192.0.2.11', '192.0.2.12'], 'answers: 2 from a pool of two serving values');
  const s = stateFor('81.1.1.1');
  for (const step of [locate, chooseRule, filterHealth, orderCandidates]) step(s, env());
  pickAnswers(s, env());
  const scores = s.score.slice(0, s.count);
  assert.ok(scores[0]! >= scores[1]!, 'answers come out highest score first');
});

test('all-down policy: the last step applies the record policy', () => {
  for (const [policy, expect] of [['all', { answers: 1, rcode: 0, useStatic: false }], ['fallback', { answers: 0, rcode: 0, useStatic: true }], ['empty', { answers: 0, rcode: 0, useStatic: false }], ['servfail', { answers: 0, rcode: 2, useStatic: false }]] as const) {
    const record = { ...RECORD, allDown: policy } as CompiledRecord;
    const s = stateFor('81.1.1.1', { record });
    s.allDown = true;
    s.answerCount = 1;
    applyAllDownPolicy(s, env());
    assert.deepEqual({ answers: s.answerCount, rcode: s.rcode, useStatic: s.useStatic }, expect, policy);
  }
});

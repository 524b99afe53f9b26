/**
 * RFC 6672 DNAME redirection over real UDP sockets, against test/dns/fixtures/d.example.zone
 * (DNAMEs below the apex) and dname-apex.example.zone (a DNAME at the apex).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeName, type RRsetsByType, type Zone } from '../../src/zone/index.js';
import { TYPE, dig, startTestServer, udpQuery, type DecodedRecord, type TestServer } from './helpers.js';

const DNAME = 39;
const YXDOMAIN = 6;
const TYPE_NAMES: Record<number, string> = { 1: 'A', 5: 'CNAME', 6: 'SOA', 2: 'NS', 13: 'HINFO', 16: 'TXT', [DNAME]: 'DNAME' };
/** The 245-octet target of long.d.example (see the fixture). */
const LONG_TARGET = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(52)}.example`;

/** One line per record, "owner ttl TYPE value", so a whole section compares at once. */
function show(records: DecodedRecord[]): string[] {
  return records.map((r) => {
    let value: unknown;
    if (r.type === DNAME) value = decodeName(r['data'] as Buffer, 0).name;
    else if (r.type === TYPE.CNAME || r.type === TYPE.NS) value = r['domain'] ?? r['ns'];
    else if (r.type === TYPE.A) value = r['address'];
    else value = '';
    return `${r.name} ${r.ttl} ${TYPE_NAMES[r.type] ?? r.type} ${String(value)}`.trimEnd();
  });
}

describe('DNAME redirection (RFC 6672)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer(undefined, { config: { udpIo: 'dgram' } });
  });
  after(() => s.close());

  it('answers a name below the owner with the DNAME, a synthesised CNAME (DNAME TTL) and the target data', async () => {
    const r = await udpQuery(s.port, { name: 'www.old.d.example', type: TYPE.A });
    assert.equal(r.rcode, 0);
    assert.ok(r.aa);
    assert.deepEqual(show(r.answers), [
      'old.d.example 300 DNAME new.d.example',
      'www.old.d.example 300 CNAME www.new.d.example',
      'www.new.d.example 3600 A 192.0.2.51',
    ]);
    assert.equal(r.authorities.length, 0);
  });

  it('follows chains: DNAME → CNAME → A, DNAME → DNAME → A, CNAME → DNAME → A', async () => {
    const viaCname = await udpQuery(s.port, { name: 'alias.old.d.example', type: TYPE.A });
    assert.deepEqual(show(viaCname.answers), [
      'old.d.example 300 DNAME new.d.example',
      'alias.old.d.example 300 CNAME alias.new.d.example',
      'alias.new.d.example 3600 CNAME www.new.d.example',
      'www.new.d.example 3600 A 192.0.2.51',
    ]);
    const twoDnames = await udpQuery(s.port, { name: 'www.back.d.example', type: TYPE.A });
    assert.deepEqual(show(twoDnames.answers), [
      'back.d.example 3600 DNAME old.d.example',
      'www.back.d.example 3600 CNAME www.old.d.example',
      'old.d.example 300 DNAME new.d.example',
      'www.old.d.example 300 CNAME www.new.d.example',
      'www.new.d.example 3600 A 192.0.2.51',
    ]);
    const cnameFirst = await udpQuery(s.port, { name: 'cn.d.example', type: TYPE.A });
    assert.deepEqual(show(cnameFirst.answers), [
      'cn.d.example 3600 CNAME www.old.d.example',
      'old.d.example 300 DNAME new.d.example',
      'www.old.d.example 300 CNAME www.new.d.example',
      'www.new.d.example 3600 A 192.0.2.51',
    ]);
  });

  it('a wildcard in the target answers the substituted name; a missing one is NXDOMAIN after the CNAME', async () => {
    const wild = await udpQuery(s.port, { name: 'anything.old.d.example', type: TYPE.A });
    assert.equal(wild.rcode, 0);
    assert.deepEqual(show(wild.answers), [
      'old.d.example 300 DNAME new.d.example',
      'anything.old.d.example 300 CNAME anything.new.d.example',
      'anything.new.d.example 3600 A 192.0.2.59',
    ]);
    // www.new exists, so *.new does not cover a.www.new (RFC 4592 closest encloser).
    const missing = await udpQuery(s.port, { name: 'a.www.old.d.example', type: TYPE.A });
    assert.equal(missing.rcode, 3, 'RFC 6604: the rcode describes the last name');
    assert.deepEqual(show(missing.answers), ['old.d.example 300 DNAME new.d.example', 'a.www.old.d.example 300 CNAME a.www.new.d.example']);
    assert.equal(missing.authorities[0]?.type, TYPE.SOA);
  });

  it('a target outside the zone ends the answer at the synthesised CNAME', async () => {
    const r = await udpQuery(s.port, { name: 'www.out.d.example', type: TYPE.A });
    assert.equal(r.rcode, 0);
    assert.ok(r.aa);
    assert.deepEqual(show(r.answers), ['out.d.example 3600 DNAME elsewhere.example', 'www.out.d.example 3600 CNAME www.elsewhere.example']);
    assert.equal(r.authorities.length, 0);
  });

  it('does not redirect the owner itself (RFC 6672 2.3): its own data, DNAME as data, NODATA otherwise', async () => {
    const dname = await udpQuery(s.port, { name: 'old.d.example', type: DNAME });
    assert.deepEqual(show(dname.answers), ['old.d.example 300 DNAME new.d.example']);
    const txt = await udpQuery(s.port, { name: 'old.d.example', type: TYPE.TXT });
    assert.equal(txt.answers.length, 1);
    assert.equal(txt.answers[0]!.type, TYPE.TXT);
    const a = await udpQuery(s.port, { name: 'old.d.example', type: TYPE.A });
    assert.equal(a.rcode, 0);
    assert.equal(a.answers.length, 0);
    assert.equal(a.authorities[0]?.type, TYPE.SOA);
    // ANY keeps the RFC 8482 policy (one HINFO) and is not redirected either.
    const any = await udpQuery(s.port, { name: 'old.d.example', type: TYPE.ANY });
    assert.deepEqual(show(any.answers), ['old.d.example 300 HINFO']);
  });

  it('qtype CNAME stops at the synthesised CNAME; qtype DNAME below the owner is redirected too', async () => {
    const cname = await udpQuery(s.port, { name: 'alias.old.d.example', type: TYPE.CNAME });
    assert.deepEqual(show(cname.answers), ['old.d.example 300 DNAME new.d.example', 'alias.old.d.example 300 CNAME alias.new.d.example']);
    const dname = await udpQuery(s.port, { name: 'www.old.d.example', type: DNAME });
    assert.equal(dname.rcode, 0);
    assert.deepEqual(show(dname.answers), ['old.d.example 300 DNAME new.d.example', 'www.old.d.example 300 CNAME www.new.d.example']);
    assert.equal(dname.authorities[0]?.type, TYPE.SOA, 'NODATA for DNAME at www.new');
  });

  it('YXDOMAIN with the DNAME when the substituted name would pass 255 octets (RFC 6672 2.2)', async () => {
    // Two names of ~250 octets need more than 512 bytes: ask with EDNS.
    const fits = await udpQuery(s.port, { name: 'abcdefghi.long.d.example', type: TYPE.A, edns: { payload: 1232 } });
    assert.equal(fits.rcode, 0);
    assert.deepEqual(show(fits.answers), [`long.d.example 3600 DNAME ${LONG_TARGET}`, `abcdefghi.long.d.example 3600 CNAME abcdefghi.${LONG_TARGET}`]);
    const tooLong = await udpQuery(s.port, { name: 'abcdefghij.long.d.example', type: TYPE.A });
    assert.equal(tooLong.rcode, YXDOMAIN);
    assert.ok(tooLong.aa);
    assert.deepEqual(show(tooLong.answers), [`long.d.example 3600 DNAME ${LONG_TARGET}`]);
    assert.equal(tooLong.authorities.length, 0);
  });

  it('stops a DNAME loop at the first repeated name', async () => {
    const r = await udpQuery(s.port, { name: 'a.dloop1.d.example', type: TYPE.A });
    assert.equal(r.rcode, 0);
    assert.deepEqual(show(r.answers), [
      'dloop1.d.example 3600 DNAME dloop2.d.example',
      'a.dloop1.d.example 3600 CNAME a.dloop2.d.example',
      'dloop2.d.example 3600 DNAME dloop1.d.example',
      'a.dloop2.d.example 3600 CNAME a.dloop1.d.example',
    ]);
  });

  it('a delegation above a DNAME wins: referral, no synthesis', async () => {
    const r = await udpQuery(s.port, { name: 'www.x.deleg.d.example', type: TYPE.A });
    assert.equal(r.rcode, 0);
    assert.equal(r.aa, false);
    assert.equal(r.answers.length, 0);
    assert.deepEqual(show(r.authorities), ['deleg.d.example 3600 NS ns.elsewhere.example']);
  });

  it('a DNAME at the apex redirects every name below the apex; the apex keeps its data', async () => {
    const below = await udpQuery(s.port, { name: 'www.dname-apex.example', type: TYPE.A });
    assert.equal(below.rcode, 0);
    assert.ok(below.aa);
    // The target is in another zone: this zone's answer ends at the CNAME, as for CNAMEs.
    assert.deepEqual(show(below.answers), ['dname-apex.example 3600 DNAME new.d.example', 'www.dname-apex.example 3600 CNAME www.new.d.example']);
    const apex = await udpQuery(s.port, { name: 'dname-apex.example', type: TYPE.A });
    assert.deepEqual(show(apex.answers), ['dname-apex.example 3600 A 192.0.2.70']);
  });

  it('keeps the query case (0x20) in the CNAME owner and the DNAME owner, for every casing of a cached answer', async () => {
    for (const name of ['WwW.OlD.d.ExAmPlE', 'www.old.D.EXAMPLE', 'WWW.OLD.D.EXAMPLE']) {
      const r = await udpQuery(s.port, { name, type: TYPE.A });
      assert.equal(r.questionName?.subarray(1, 4).toString('latin1'), name.slice(0, 3));
      const owner = name.slice(name.indexOf('.') + 1);
      const [dname, cname, a] = show(r.answers);
      assert.equal(dname, `${owner} 300 DNAME new.d.example`, name);
      assert.equal(cname, `${name} 300 CNAME www.new.d.example`, name);
      // Other owners share the question's suffix through compression, so only their letters' case may differ.
      assert.equal(a?.toLowerCase(), 'www.new.d.example 3600 a 192.0.2.51', name);
    }
  });

  it('prepared answers are per query name: names under one DNAME each get their own CNAME, again from the cache', async () => {
    for (let round = 0; round < 2; round++) {
      for (const label of ['one', 'two']) {
        const r = await udpQuery(s.port, { name: `${label}.old.d.example`, type: TYPE.A });
        assert.deepEqual(show(r.answers).slice(1), [`${label}.old.d.example 300 CNAME ${label}.new.d.example`, `${label}.new.d.example 3600 A 192.0.2.59`]);
      }
    }
    assert.match(await s.metrics(), /meridian_dns_template_lookups_total\{result="hit"\} [1-9]/);
  });

  it('dig accepts the synthesised answer', async () => {
    const out = await dig(['@127.0.0.1', '-p', String(s.port), 'www.old.d.example', 'A', '+norec']);
    assert.match(out, /status: NOERROR/);
    assert.match(out, /^old\.d\.example\.\s+300\s+IN\s+DNAME\s+new\.d\.example\.$/m);
    assert.match(out, /^www\.old\.d\.example\.\s+300\s+IN\s+CNAME\s+www\.new\.d\.example\.$/m);
    assert.match(out, /^www\.new\.d\.example\.\s+3600\s+IN\s+A\s+192\.0\.2\.51$/m);
    assert.match(out, /ANSWER: 3,/);
    assert.doesNotMatch(out, /malformed|warning/i);
    const yx = await dig(['@127.0.0.1', '-p', String(s.port), 'abcdefghij.long.d.example', 'A', '+norec']);
    assert.match(yx, /status: YXDOMAIN/);
  });
});

describe('DNAME occlusion (RFC 6672 2.4)', () => {
  it('data below a DNAME owner is never served, even in a zone built without the checks', async (t) => {
    const s = await startTestServer(t, { config: { udpIo: 'dgram' } });
    // Zone files with names below a DNAME are refused by the checks; a zone assembled in memory is not.
    const zone = s.store.findZone('d.example') as Zone;
    const nodes = new Map<string, RRsetsByType>(zone.nodes);
    const hidden = { name: 'www.old.d.example', type: TYPE.A, class: 1, ttl: 60, rdata: Buffer.from([192, 0, 2, 99]), text: '192.0.2.99', source: { file: 'memory', line: 1 } };
    nodes.set('www.old.d.example', new Map([[TYPE.A, [hidden]]]));
    s.store.setZone({ ...zone, nodes });
    const r = await udpQuery(s.port, { name: 'www.old.d.example', type: TYPE.A });
    assert.deepEqual(show(r.answers), [
      'old.d.example 300 DNAME new.d.example',
      'www.old.d.example 300 CNAME www.new.d.example',
      'www.new.d.example 3600 A 192.0.2.51',
    ]);
  });
});

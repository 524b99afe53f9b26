/** RFC 1034 4.3.2 answering over real UDP sockets, against test/dns/fixtures/t.example.zone. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE, addresses, buildQuery, decode, startTestServer, udpExchange, udpQuery, type TestServer, UDP_IO_UNDER_TEST } from './helpers.js';

for (const udpIo of UDP_IO_UNDER_TEST) {
  describe(`answers (RFC 1034 4.3.2) (udp: ${udpIo})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(undefined, { config: { udpIo } });
    });
    after(() => s.close());

    it('answers an existing name authoritatively, RA clear, RD copied', async () => {
      const r = await udpQuery(s.port, { name: 'www.t.example', type: TYPE.A, rd: true });
      assert.equal(r.rcode, 0);
      assert.ok(r.qr && r.aa);
      assert.equal(r.ra, false);
      assert.equal(r.rd, true);
      assert.deepEqual(addresses(r.answers), ['192.0.2.10']);
      assert.equal(r.answers[0]!.ttl, 3600);
      const norec = await udpQuery(s.port, { name: 'www.t.example', type: TYPE.A, rd: false });
      assert.equal(norec.rd, false);
      assert.equal(norec.ra, false);
    });

    it('keeps the query ID', async () => {
      const r = await udpQuery(s.port, { name: 'www.t.example', id: 0xbeef });
      assert.equal(r.id, 0xbeef);
    });

    it('NXDOMAIN carries the SOA with TTL min(SOA TTL, SOA minimum) (RFC 2308)', async () => {
      const r = await udpQuery(s.port, { name: 'nothing-here.t.example', type: TYPE.A });
      assert.equal(r.rcode, 3);
      assert.ok(r.aa);
      assert.equal(r.answers.length, 0);
      assert.equal(r.authorities.length, 1);
      assert.equal(r.authorities[0]!.type, TYPE.SOA);
      assert.equal(r.authorities[0]!.name, 't.example');
      assert.equal(r.authorities[0]!.ttl, 60);
    });

    it('NODATA: NOERROR, no answer, the SOA in authority', async () => {
      const r = await udpQuery(s.port, { name: 'www.t.example', type: TYPE.MX });
      assert.equal(r.rcode, 0);
      assert.ok(r.aa);
      assert.equal(r.answers.length, 0);
      assert.equal(r.authorities[0]?.type, TYPE.SOA);
      assert.equal(r.authorities[0]?.ttl, 60);
    });

    it('an empty non-terminal is NODATA, not NXDOMAIN (RFC 8020)', async () => {
      for (const name of ['b.c.t.example', 'c.t.example']) {
        const r = await udpQuery(s.port, { name, type: TYPE.A });
        assert.equal(r.rcode, 0, name);
        assert.equal(r.answers.length, 0, name);
        assert.equal(r.authorities[0]?.type, TYPE.SOA, name);
      }
    });

    it('follows a CNAME chain inside the zone', async () => {
      const r = await udpQuery(s.port, { name: 'chain1.t.example', type: TYPE.A });
      assert.equal(r.rcode, 0);
      assert.deepEqual(
        r.answers.map((a) => [a.name, a.type]),
        [
          ['chain1.t.example', TYPE.CNAME],
          ['chain2.t.example', TYPE.CNAME],
          ['www.t.example', TYPE.A],
        ],
      );
    });

    it('a CNAME loop ends without hanging and without repeating records', async () => {
      const r = await udpQuery(s.port, { name: 'loop1.t.example', type: TYPE.A });
      assert.equal(r.rcode, 0);
      assert.deepEqual(
        r.answers.map((a) => a.name),
        ['loop1.t.example', 'loop2.t.example'],
      );
    });

    it('a CNAME leaving the zone is returned alone; a dangling one ends in NXDOMAIN (RFC 6604)', async () => {
      const out = await udpQuery(s.port, { name: 'out.t.example', type: TYPE.A });
      assert.equal(out.rcode, 0);
      assert.deepEqual(out.answers.map((a) => a.type), [TYPE.CNAME]);
      assert.equal(out.answers[0]!.domain, 'www.elsewhere.example');
      const dangling = await udpQuery(s.port, { name: 'dangling.t.example', type: TYPE.A });
      assert.equal(dangling.rcode, 3);
      assert.deepEqual(dangling.answers.map((a) => a.type), [TYPE.CNAME]);
      assert.equal(dangling.authorities[0]?.type, TYPE.SOA);
    });

    it('asking for the CNAME itself returns it without following', async () => {
      const r = await udpQuery(s.port, { name: 'chain1.t.example', type: TYPE.CNAME });
      assert.deepEqual(r.answers.map((a) => [a.name, a.type]), [['chain1.t.example', TYPE.CNAME]]);
    });

    it('wildcards synthesize records owned by the query name (RFC 4592)', async () => {
      const r = await udpQuery(s.port, { name: 'anything.wild.t.example', type: TYPE.A });
      assert.equal(r.rcode, 0);
      assert.ok(r.aa);
      assert.deepEqual(r.answers.map((a) => [a.name, a.address]), [['anything.wild.t.example', '192.0.2.20']]);
      const deeper = await udpQuery(s.port, { name: 'x.y.wild.t.example', type: TYPE.A });
      assert.deepEqual(addresses(deeper.answers), ['192.0.2.20']);
      const txt = await udpQuery(s.port, { name: 'anything.wild.t.example', type: TYPE.TXT });
      assert.equal(txt.answers.length, 1);
      const nodata = await udpQuery(s.port, { name: 'anything.wild.t.example', type: TYPE.MX });
      assert.equal(nodata.rcode, 0);
      assert.equal(nodata.answers.length, 0);
      assert.equal(nodata.authorities[0]?.type, TYPE.SOA);
    });

    it('an existing name blocks the wildcard above it, and the literal * name is itself', async () => {
      const exact = await udpQuery(s.port, { name: 'sub.wild.t.example', type: TYPE.A });
      assert.deepEqual(addresses(exact.answers), ['192.0.2.21']);
      const below = await udpQuery(s.port, { name: 'x.sub.wild.t.example', type: TYPE.A });
      assert.equal(below.rcode, 3, 'closest encloser sub.wild has no wildcard: NXDOMAIN');
      const star = await udpQuery(s.port, { name: '*.wild.t.example', type: TYPE.A });
      assert.deepEqual(addresses(star.answers), ['192.0.2.20']);
      const ent = await udpQuery(s.port, { name: 'x.b.c.t.example', type: TYPE.A });
      assert.equal(ent.rcode, 3, 'an empty non-terminal is an existing name too');
    });

    it('a wildcard CNAME is synthesized and followed', async () => {
      const r = await udpQuery(s.port, { name: 'pic.cw.t.example', type: TYPE.AAAA });
      assert.deepEqual(r.answers.map((a) => [a.name, a.type]), [
        ['pic.cw.t.example', TYPE.CNAME],
        ['www.t.example', TYPE.AAAA],
      ]);
    });

    it('names below a delegation get a referral: AA clear, NS in authority, glue in additional', async () => {
      for (const name of ['deleg.t.example', 'host.deleg.t.example', 'ns.deleg.t.example']) {
        const r = await udpQuery(s.port, { name, type: TYPE.A });
        assert.equal(r.rcode, 0, name);
        assert.equal(r.aa, false, name);
        assert.equal(r.answers.length, 0, name);
        assert.deepEqual(r.authorities.map((a) => [a.name, a.type]).sort(), [
          ['deleg.t.example', TYPE.NS],
          ['deleg.t.example', TYPE.NS],
        ]);
        assert.deepEqual(r.additionals.map((a) => [a.name, a.address]), [['ns.deleg.t.example', '192.0.2.53']]);
      }
    });

    it('DS at a delegation point is answered by the parent side', async () => {
      const r = await udpQuery(s.port, { name: 'deleg.t.example', type: TYPE.DS });
      assert.ok(r.aa);
      assert.equal(r.rcode, 0);
      assert.equal(r.authorities[0]?.type, TYPE.SOA);
    });

    it('adds A/AAAA of in-zone NS, MX and SRV targets', async () => {
      const ns = await udpQuery(s.port, { name: 't.example', type: TYPE.NS });
      assert.equal(ns.answers.length, 2);
      assert.deepEqual(addresses(ns.additionals), ['192.0.2.1', '2001:db8::2']);
      const mx = await udpQuery(s.port, { name: 'mx.t.example', type: TYPE.MX });
      assert.equal(mx.answers.length, 2);
      assert.deepEqual(mx.additionals.map((a) => [a.name, a.address]), [['mail.t.example', '192.0.2.25']]);
      const srv = await udpQuery(s.port, { name: '_sip._udp.t.example', type: TYPE.SRV });
      assert.deepEqual(addresses(srv.additionals), ['192.0.2.10', '2001:db8::10']);
    });

    it('REFUSED for names outside every zone, and for other classes', async () => {
      const outside = await udpQuery(s.port, { name: 'www.example.org', type: TYPE.A });
      assert.equal(outside.rcode, 5);
      assert.equal(outside.aa, false);
      assert.equal(outside.ra, false);
      assert.equal(outside.answers.length + outside.authorities.length, 0);
      const chaos = await udpQuery(s.port, { name: 'version.bind', type: TYPE.TXT, qclass: 3 });
      assert.equal(chaos.rcode, 5);
    });

    it('refuses zone transfers, rejects OPT as a question, NOTIMP for MAILA/MAILB', async () => {
      assert.equal((await udpQuery(s.port, { name: 't.example', type: 252 })).rcode, 5);
      assert.equal((await udpQuery(s.port, { name: 't.example', type: 251 })).rcode, 5);
      assert.equal((await udpQuery(s.port, { name: 't.example', type: TYPE.OPT })).rcode, 1);
      assert.equal((await udpQuery(s.port, { name: 't.example', type: 254 })).rcode, 4);
    });

    it('echoes the question class; class ANY is answered like IN', async () => {
      await udpQuery(s.port, { name: 'mail.t.example', type: TYPE.A });
      const r = await udpQuery(s.port, { name: 'mail.t.example', type: TYPE.A, qclass: 255 });
      assert.deepEqual(addresses(r.answers), ['192.0.2.25']);
      assert.equal(r.raw.readUInt16BE(12 + r.questionName!.length + 2), 255);
    });

    it('picks the longest matching zone', async () => {
      const r = await udpQuery(s.port, { name: 'www.cdn.example.com', type: TYPE.A });
      assert.deepEqual(addresses(r.answers), ['192.0.2.10']);
      assert.ok(r.aa);
    });

    it('ANY gets one synthesized HINFO "RFC8482" (RFC 8482 4.2)', async () => {
      const r = await udpQuery(s.port, { name: 'www.t.example', type: TYPE.ANY });
      assert.equal(r.rcode, 0);
      assert.equal(r.answers.length, 1);
      assert.equal(r.answers[0]!.type, TYPE.HINFO);
      assert.match(Buffer.from(r.answers[0]!.data as Buffer).toString('latin1'), /RFC8482/);
      const missing = await udpQuery(s.port, { name: 'nothing.t.example', type: TYPE.ANY });
      assert.equal(missing.rcode, 3);
    });

    it('preserves the query name case (0x20) in the question and in owner names', async () => {
      const names = ['wWw.T.eXaMpLe', 'WWW.t.example', 'www.t.example'];
      for (const name of names) {
        const reply = await udpExchange(s.port, buildQuery({ name, type: TYPE.A }));
        const r = decode(reply!);
        assert.equal(r.questionName!.subarray(1, 4).toString(), name.slice(0, 3), name);
        assert.equal(r.answers[0]!.name, name, 'answer owner keeps the case');
      }
      const wild = decode((await udpExchange(s.port, buildQuery({ name: 'MiXeD.wild.t.example', type: TYPE.A })))!);
      assert.equal(wild.answers[0]!.name, 'MiXeD.wild.t.example');
    });
  });
}

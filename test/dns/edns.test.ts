/** EDNS0 (RFC 6891), Client Subnet (RFC 7871), NSID (RFC 5001) and the dynamic resolver hook. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CookieMaker } from '../../src/dns/cookies.js';
import type { DnsQuestionContext, DynamicResolver } from '../../src/dns/index.js';
import { TYPE, addresses, buildQuery, decode, ecsOption, optRecord, startTestServer, udpExchange, udpQuery, type TestServer, UDP_IO_UNDER_TEST } from './helpers.js';

const SECRET = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

for (const udpIo of UDP_IO_UNDER_TEST) {
  describe(`EDNS0 (udp: ${udpIo})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(undefined, { config: { udpIo, nsid: 'meridian-test', cookieSecret: SECRET.toString('hex') } });
    });
    after(() => s.close());

    it('echoes OPT only when the query had one, advertising 1232', async () => {
      const plain = await udpQuery(s.port, { name: 'www.t.example' });
      assert.equal(plain.opt, undefined);
      const withOpt = await udpQuery(s.port, { name: 'www.t.example', edns: { payload: 4096 } });
      assert.equal(withOpt.opt?.payload, 1232);
      assert.equal(withOpt.opt?.version, 0);
      assert.deepEqual(withOpt.opt?.options, []);
    });

    it('copies the DO bit (RFC 3225 3)', async () => {
      assert.equal((await udpQuery(s.port, { name: 'www.t.example', edns: { do: true } })).opt?.do, true);
      assert.equal((await udpQuery(s.port, { name: 'www.t.example', edns: {} })).opt?.do, false);
    });

    it('answers version > 0 with BADVERS (16) and an OPT of version 0', async () => {
      const r = await udpQuery(s.port, { name: 'www.t.example', edns: { version: 1 } });
      assert.equal(r.rcode, 16);
      assert.equal(r.opt?.extendedRcode, 1);
      assert.equal(r.opt?.version, 0);
      assert.equal(r.answers.length, 0);
    });

    it('ignores unknown options and does not echo them', async () => {
      const r = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [{ code: 65001, data: Buffer.from('hello') }] } });
      assert.equal(r.rcode, 0);
      assert.deepEqual(addresses(r.answers), ['192.0.2.10']);
      assert.deepEqual(r.opt?.options, []);
    });

    it('two OPT records are FORMERR', async () => {
      const query = buildQuery({ name: 'www.t.example', edns: {} });
      query.writeUInt16BE(2, 10);
      const r = decode((await udpExchange(s.port, Buffer.concat([query, optRecord({})])))!);
      assert.equal(r.rcode, 1);
      assert.equal(r.opt, undefined);
    });

    it('returns NSID when asked (RFC 5001)', async () => {
      const r = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [{ code: 3, data: Buffer.alloc(0) }] } });
      assert.deepEqual(r.opt?.options, [{ code: 3, data: Buffer.from('meridian-test') }]);
    });

    it('answers a client cookie with it and a server cookie (RFC 7873, RFC 9018 layout)', async () => {
      const client = Buffer.from('0102030405060708', 'hex');
      for (const sent of [client, Buffer.concat([client, Buffer.alloc(16, 0xaa)])]) {
        const r = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [{ code: 10, data: sent }] } });
        assert.equal(r.rcode, 0);
        const cookie = r.opt?.options.find((o) => o.code === 10)?.data;
        assert.ok(cookie, 'a COOKIE option');
        assert.equal(cookie.length, 24);
        assert.deepEqual(cookie.subarray(0, 8), client);
        assert.deepEqual([...cookie.subarray(8, 12)], [1, 0, 0, 0], 'version 1, reserved zero');
        const timestamp = cookie.readUInt32BE(12);
        assert.ok(Math.abs(timestamp - Date.now() / 1000) < 300, 'timestamp is now');
        // CookieMaker reproduces RFC 9018's published vectors (cookies.test.ts); here: the server used it with our secret and address.
        const expected = Buffer.alloc(16);
        new CookieMaker(SECRET, () => timestamp).write(expected, 0, client, '127.0.0.1');
        assert.deepEqual(cookie.subarray(8, 24), expected, 'SipHash-2-4 of client cookie, version, timestamp and client address');
      }
    });

    it('a COOKIE option of a wrong length is FORMERR (RFC 7873 5.2.2)', async () => {
      for (const length of [4, 12, 41]) {
        const r = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [{ code: 10, data: Buffer.alloc(length, 1) }] } });
        assert.equal(r.rcode, 1, `length ${length}`);
      }
    });

    it('echoes ECS with scope 0 for static answers (RFC 7871 7.2.1)', async () => {
      const v4 = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [ecsOption(1, 24, 0, [198, 51, 100])] } });
      assert.deepEqual(v4.opt?.options, [{ code: 8, data: Buffer.from([0, 1, 24, 0, 198, 51, 100]) }]);
      const v6 = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [ecsOption(2, 56, 0, [0x20, 1, 0xd, 0xb8, 0, 0, 0x12])] } });
      assert.deepEqual(v6.opt?.options, [{ code: 8, data: Buffer.from([0, 2, 56, 0, 0x20, 1, 0xd, 0xb8, 0, 0, 0x12]) }]);
      const zero = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [ecsOption(1, 0, 0, [])] } });
      assert.deepEqual(zero.opt?.options, [{ code: 8, data: Buffer.from([0, 1, 0, 0]) }]);
    });

    it('rejects malformed ECS with FORMERR', async () => {
      const bad = {
        'unknown family': ecsOption(3, 8, 0, [10]),
        'IPv4 prefix > 32': ecsOption(1, 33, 0, [10, 0, 0, 0, 0]),
        'IPv6 prefix > 128': ecsOption(2, 129, 0, new Array(17).fill(0)),
        'too many address bytes': ecsOption(1, 8, 0, [10, 0]),
        'too few address bytes': ecsOption(1, 24, 0, [10, 0]),
        'bits set past the prefix': ecsOption(1, 20, 0, [10, 0, 0x1f]),
        'shorter than its fixed part': { code: 8, data: Buffer.from([0, 1, 24]) },
      };
      for (const [what, option] of Object.entries(bad)) {
        const r = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [option] } });
        assert.equal(r.rcode, 1, what);
        assert.equal(r.answers.length, 0, what);
      }
      const twice = await udpQuery(s.port, { name: 'www.t.example', edns: { options: [ecsOption(1, 8, 0, [10]), ecsOption(1, 8, 0, [10])] } });
      assert.equal(twice.rcode, 1, 'two ECS options');
    });

    it('an option running past the OPT RDATA is FORMERR', async () => {
      const query = buildQuery({ name: 'www.t.example', edns: { options: [{ code: 65001, data: Buffer.from('abcd') }] } });
      query.writeUInt16BE(200, query.length - 6); // option length far past RDLENGTH
      const r = decode((await udpExchange(s.port, query))!);
      assert.equal(r.rcode, 1);
    });
  });
}

for (const udpIo of UDP_IO_UNDER_TEST) {
  describe(`dynamic resolver (udp: ${udpIo})`, () => {
    const seen: DnsQuestionContext[] = [];
    const dynamic: DynamicResolver = {
      resolve(question) {
        seen.push(question);
        if (question.name === 'routed.t.example' && question.type === TYPE.A) {
          return { records: [{ name: question.name, type: TYPE.A, ttl: 30, rdata: Buffer.from([192, 0, 2, 99]) }], ecsScopePrefix: 24 };
        }
        if (question.name === 'routed.t.example') return { records: [], ecsScopePrefix: 0 };
        if (question.name === 'down.t.example') return { records: [], ecsScopePrefix: 0, rcode: 2 };
        if (question.name === 'broken.t.example') throw new Error('resolver bug');
        return undefined;
      },
    };
    let s: TestServer;
    before(async () => {
      s = await startTestServer(undefined, { dynamic, config: { udpIo } });
    });
    after(() => s.close());

    it('answers routed names with the resolver decision and its ECS scope', async () => {
      const r = await udpQuery(s.port, { name: 'Routed.t.example', edns: { options: [ecsOption(1, 24, 0, [198, 51, 100])] } });
      assert.equal(r.rcode, 0);
      assert.ok(r.aa);
      assert.deepEqual(r.answers.map((a) => [a.name, a.address, a.ttl]), [['Routed.t.example', '192.0.2.99', 30]]);
      assert.deepEqual(r.opt?.options, [{ code: 8, data: Buffer.from([0, 1, 24, 24, 198, 51, 100]) }]);
      const question = seen.find((q) => q.name === 'routed.t.example');
      assert.deepEqual(question, { name: 'routed.t.example', type: TYPE.A, zone: 't.example', clientAddress: '127.0.0.1', ecs: { family: 1, sourcePrefix: 24, address: '198.51.100.0' } });
    });

    it('passes IPv6 ECS addresses in text form', async () => {
      await udpQuery(s.port, { name: 'routed.t.example', edns: { options: [ecsOption(2, 48, 0, [0x20, 1, 0xd, 0xb8, 0, 1])] } });
      assert.deepEqual(seen.at(-1)?.ecs, { family: 2, sourcePrefix: 48, address: '2001:db8:1::' });
    });

    it('empty records are NODATA with the SOA; rcode 2 is SERVFAIL', async () => {
      const nodata = await udpQuery(s.port, { name: 'routed.t.example', type: TYPE.AAAA });
      assert.equal(nodata.rcode, 0);
      assert.equal(nodata.answers.length, 0);
      assert.equal(nodata.authorities[0]?.type, TYPE.SOA);
      const down = await udpQuery(s.port, { name: 'down.t.example' });
      assert.equal(down.rcode, 2);
    });

    it('undefined falls through to static data; a throwing resolver costs one SERVFAIL', async () => {
      const r = await udpQuery(s.port, { name: 'www.t.example' });
      assert.deepEqual(addresses(r.answers), ['192.0.2.10']);
      const again = await udpQuery(s.port, { name: 'www.t.example' });
      assert.deepEqual(addresses(again.answers), ['192.0.2.10']);
      const broken = await udpQuery(s.port, { name: 'broken.t.example' });
      assert.equal(broken.rcode, 2);
      const after = await udpQuery(s.port, { name: 'www.t.example' });
      assert.equal(after.rcode, 0);
      assert.match(await s.metrics(), /meridian_dns_dropped_total\{reason="internal_error"\} 1/);
    });

    it('is not asked about names outside every zone', async () => {
      const before = seen.length;
      const r = await udpQuery(s.port, { name: 'www.example.org' });
      assert.equal(r.rcode, 5);
      assert.equal(seen.length, before);
    });
  });
}

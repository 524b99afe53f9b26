/** UDP size limits (RFC 1035 4.2.1, RFC 6891 6.2.3-6.2.5) and the retry over TCP. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE, startTestServer, tcpQuery, udpQuery, type TestServer, UDP_IO_UNDER_TEST } from './helpers.js';

for (const udpIo of UDP_IO_UNDER_TEST) {
  describe(`truncation (udp: ${udpIo})`, () => {
    let s: TestServer;
    let wide: TestServer;
    before(async () => {
      s = await startTestServer(undefined, { config: { udpIo } });
      wide = await startTestServer(undefined, { config: { udpIo, ednsPayload: 4096 } });
    });
    after(async () => {
      await s.close();
      await wide.close();
    });

    it('without EDNS a response over 512 bytes is truncated: TC=1, question kept, no records', async () => {
      const r = await udpQuery(s.port, { name: 'big.t.example', id: 7 });
      assert.equal(r.tc, true);
      assert.equal(r.id, 7);
      assert.equal(r.qdcount, 1);
      assert.equal(r.answers.length + r.authorities.length + r.additionals.length, 0);
      assert.ok(r.raw.length <= 512);
      assert.equal(r.opt, undefined);
    });

    it('with EDNS the limit is min(client payload, ours)', async () => {
      const fits = await udpQuery(s.port, { name: 'big.t.example', edns: { payload: 4096 } });
      assert.equal(fits.tc, false);
      assert.equal(fits.answers.length, 40);
      const small = await udpQuery(s.port, { name: 'big.t.example', edns: { payload: 512 } });
      assert.equal(small.tc, true);
      assert.equal(small.opt?.payload, 1232, 'the OPT stays on a truncated response');
      const tiny = await udpQuery(s.port, { name: 'big.t.example', edns: { payload: 100 } });
      assert.equal(tiny.tc, true, 'a payload below 512 counts as 512');
      const huge = await udpQuery(s.port, { name: 'huge.t.example', edns: { payload: 4096 } });
      assert.equal(huge.tc, true, 'larger than our 1232');
      assert.ok(huge.raw.length <= 1232);
    });

    it('the advertised payload is configurable', async () => {
      const r = await udpQuery(wide.port, { name: 'huge.t.example', edns: { payload: 4096 } });
      assert.equal(r.tc, false);
      assert.equal(r.answers.length, 100);
      assert.equal(r.opt?.payload, 4096);
    });

    it('TCP returns the whole answer', async () => {
      const r = await tcpQuery(s.port, { name: 'huge.t.example' });
      assert.equal(r.tc, false);
      assert.equal(r.answers.length, 100);
      const withOpt = await tcpQuery(s.port, { name: 'huge.t.example', edns: { payload: 512 } });
      assert.equal(withOpt.answers.length, 100);
    });

    it('drops optional additional records before truncating', async () => {
      const r = await udpQuery(s.port, { name: 'manymx.t.example', type: TYPE.MX });
      assert.equal(r.tc, false);
      assert.equal(r.answers.length, 10);
      assert.equal(r.additionals.length, 0);
      const full = await udpQuery(s.port, { name: 'manymx.t.example', type: TYPE.MX, edns: { payload: 1232 } });
      assert.equal(full.additionals.length, 20);
    });
  });
}

/** DNS over TCP (RFC 7766): several queries per connection, pipelining, timeouts, limits. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE, TcpClient, addresses, buildQuery, decode, startTestServer, u16, type TestServer } from './helpers.js';

describe('tcp', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer(undefined, { config: { tcp: { idleTimeoutMs: 1500, messageTimeoutMs: 1000, maxConnections: 3 } } });
  });
  after(() => s.close());

  it('answers several queries on one connection, one after another', async (t) => {
    const client = await TcpClient.connect(s.port);
    t.after(() => client.close());
    for (const [i, name] of ['www.t.example', 'mail.t.example', 'nothing.t.example'].entries()) {
      client.send(buildQuery({ name, id: i }));
      const [reply] = await client.receive(1);
      const r = decode(reply!);
      assert.equal(r.id, i);
      assert.equal(r.rcode, name.startsWith('nothing') ? 3 : 0);
    }
  });

  it('answers pipelined queries sent in one write', async (t) => {
    const client = await TcpClient.connect(s.port);
    t.after(() => client.close());
    const names = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'www.t.example' : 'huge.t.example'));
    client.write(Buffer.concat(names.map((name, id) => {
      const q = buildQuery({ name, id });
      return Buffer.concat([u16(q.length), q]);
    })));
    const replies = (await client.receive(20)).map(decode);
    assert.deepEqual(replies.map((r) => r.id).sort((a, b) => a - b), names.map((_, i) => i));
    for (const r of replies) assert.equal(r.answers.length, r.id % 2 === 0 ? 1 : 100);
  });

  it('reassembles a message split across many small writes', async (t) => {
    const client = await TcpClient.connect(s.port);
    t.after(() => client.close());
    const q = buildQuery({ name: 'www.t.example', type: TYPE.AAAA });
    const framed = Buffer.concat([u16(q.length), q]);
    for (let i = 0; i < framed.length; i += 5) {
      client.write(framed.subarray(i, i + 5));
      await new Promise((r) => setTimeout(r, 5));
    }
    const [reply] = await client.receive(1);
    assert.deepEqual(addresses(decode(reply!).answers), ['2001:db8::10']);
  });

  it('closes idle connections', async (t) => {
    const client = await TcpClient.connect(s.port);
    t.after(() => client.close());
    client.send(buildQuery({ name: 'www.t.example' }));
    await client.receive(1);
    assert.equal(await client.waitClosed(8000), true);
  });

  it('limits concurrent connections and recovers when they close', async (t) => {
    const held = await Promise.all([1, 2, 3].map(() => TcpClient.connect(s.port)));
    t.after(() => held.forEach((c) => c.close()));
    for (const c of held) {
      c.send(buildQuery({ name: 'www.t.example' }));
      await c.receive(1);
    }
    const extra = await TcpClient.connect(s.port);
    t.after(() => extra.close());
    assert.equal(await extra.waitClosed(5000), true, 'the 4th connection is closed by the server');
    held.forEach((c) => c.close());
    await new Promise((r) => setTimeout(r, 200));
    const fresh = await TcpClient.connect(s.port);
    t.after(() => fresh.close());
    fresh.send(buildQuery({ name: 'www.t.example' }));
    assert.equal(decode((await fresh.receive(1))[0]!).rcode, 0);
    assert.match(await s.metrics(), /meridian_dns_dropped_total\{reason="tcp_too_many_connections"\} [1-9]/);
  });
});

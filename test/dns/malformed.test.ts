/**
 * Malformed input: every case gets FORMERR/NOTIMP or is dropped, and a normal query
 * right after is still answered over UDP and over TCP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE, TcpClient, addresses, buildQuery, decode, encodeQName, optRecord, startTestServer, tcpQuery, u16, udpExchange, udpQuery, type TestServer, UDP_IO_UNDER_TEST } from './helpers.js';

function header(id: number, flags: number, qd: number, an: number, ns: number, ar: number): Buffer {
  return Buffer.concat([u16(id), u16(flags), u16(qd), u16(an), u16(ns), u16(ar)]);
}

const typeClass = Buffer.concat([u16(TYPE.A), u16(1)]);
const good = encodeQName('www.t.example');

/** Deterministic pseudo-random bytes (xorshift), so a failure can be replayed. */
function garbage(seed: number, length: number): Buffer {
  let x = seed;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const cases: Array<{ what: string; packet: Buffer; expect: 'drop' | number }> = [
  { what: 'empty datagram', packet: Buffer.alloc(0), expect: 'drop' },
  { what: 'short header', packet: Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00]), expect: 'drop' },
  { what: 'a response (QR=1)', packet: Buffer.concat([header(1, 0x8000, 1, 0, 0, 0), good, typeClass]), expect: 'drop' },
  { what: 'no question', packet: header(2, 0x0100, 0, 0, 0, 0), expect: 1 },
  { what: 'two questions', packet: Buffer.concat([header(3, 0, 2, 0, 0, 0), good, typeClass, good, typeClass]), expect: 1 },
  { what: 'compression loop in the question', packet: Buffer.concat([header(4, 0, 1, 0, 0, 0), Buffer.from([0xc0, 0x0c]), typeClass]), expect: 1 },
  { what: 'pointer out of range', packet: Buffer.concat([header(5, 0, 1, 0, 0, 0), Buffer.from([3, 0x77, 0x77, 0x77, 0xc3, 0xff]), typeClass]), expect: 1 },
  { what: 'label past the end', packet: Buffer.concat([header(6, 0, 1, 0, 0, 0), Buffer.from([50, 0x61, 0x62])]), expect: 1 },
  { what: 'reserved label type 0x40', packet: Buffer.concat([header(7, 0, 1, 0, 0, 0), Buffer.from([0x41, 0x61, 0]), typeClass]), expect: 1 },
  { what: 'name longer than 255', packet: Buffer.concat([header(8, 0, 1, 0, 0, 0), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])), Buffer.from([0]), typeClass]), expect: 1 },
  { what: 'question without type and class', packet: Buffer.concat([header(9, 0, 1, 0, 0, 0), good]), expect: 1 },
  { what: 'additional count larger than the records', packet: Buffer.concat([header(10, 0, 1, 0, 0, 3), good, typeClass]), expect: 1 },
  { what: 'OPT in the answer section', packet: Buffer.concat([header(11, 0, 1, 1, 0, 0), good, typeClass, optRecord({})]), expect: 1 },
  { what: 'OPT not owned by the root', packet: Buffer.concat([header(12, 0, 1, 0, 0, 1), good, typeClass, Buffer.from([1, 0x61]), optRecord({})]), expect: 1 },
  { what: 'forward pointer (loop) in an additional record', packet: Buffer.concat([header(13, 0, 1, 0, 0, 1), good, typeClass, Buffer.from([0xc0, 0x40]), u16(1), u16(1), Buffer.alloc(4), u16(0)]), expect: 1 },
  { what: 'record data past the end', packet: Buffer.concat([header(14, 0, 1, 0, 0, 1), good, typeClass, Buffer.from([0]), u16(1), u16(1), Buffer.alloc(4), u16(400), Buffer.alloc(4)]), expect: 1 },
  { what: 'opcode STATUS', packet: buildQuery({ name: 'www.t.example', opcode: 2, id: 15 }), expect: 4 },
  { what: 'opcode NOTIFY', packet: buildQuery({ name: 't.example', type: TYPE.SOA, opcode: 4, id: 16 }), expect: 4 },
  { what: 'opcode UPDATE', packet: buildQuery({ name: 't.example', type: TYPE.SOA, opcode: 5, id: 17 }), expect: 4 },
  { what: 'opcode 15 without a question', packet: header(18, 15 << 11, 0, 0, 0, 0), expect: 4 },
];
for (let seed = 1; seed <= 6; seed++) {
  // Random bytes behind a plausible header: FORMERR or drop, whichever the bytes imply.
  cases.push({ what: `garbage #${seed}`, packet: Buffer.concat([header(100 + seed, 0, 1, 0, 0, 0), garbage(seed, 40 + seed * 30)]), expect: -1 });
}

for (const udpIo of UDP_IO_UNDER_TEST) {
  describe(`malformed input (udp: ${udpIo})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(undefined, { config: { udpIo, tcp: { idleTimeoutMs: 3000, messageTimeoutMs: 600, maxConnections: 50 } } });
    });
    after(() => s.close());

    const assertStillAnswers = async (what: string): Promise<void> => {
      const udp = await udpQuery(s.port, { name: 'www.t.example' });
      assert.deepEqual(addresses(udp.answers), ['192.0.2.10'], `udp after ${what}`);
      const tcp = await tcpQuery(s.port, { name: 'www.t.example' });
      assert.deepEqual(addresses(tcp.answers), ['192.0.2.10'], `tcp after ${what}`);
    };

    for (const c of cases) {
      it(`UDP: ${c.what}`, async () => {
        const reply = await udpExchange(s.port, c.packet, { timeoutMs: c.expect === 'drop' ? 400 : 3000 });
        if (c.expect === 'drop') assert.equal(reply, undefined);
        else if (c.expect === -1) {
          if (reply !== undefined) assert.ok([1, 3, 5, 0].includes(decode(reply).rcode & 0xf), 'a reply to garbage is an error or an answer, well formed');
        } else {
          assert.ok(reply, 'a reply');
          const r = decode(reply);
          assert.equal(r.qr, true);
          assert.equal(r.rcode, c.expect);
          assert.equal(r.id, c.packet.readUInt16BE(0));
          assert.equal(r.answers.length, 0);
        }
        await assertStillAnswers(c.what);
      });

      if (c.packet.length >= 12) {
        it(`TCP: ${c.what}, then a good query on the same connection`, async (t) => {
          const client = await TcpClient.connect(s.port);
          t.after(() => client.close());
          client.send(c.packet);
          client.send(buildQuery({ name: 'www.t.example', id: 0xaaaa }));
          const replies = (await client.receive(c.expect === 'drop' ? 1 : 2)).map(decode);
          const last = replies.at(-1)!;
          assert.equal(last.id, 0xaaaa);
          assert.deepEqual(addresses(last.answers), ['192.0.2.10']);
          if (typeof c.expect === 'number' && c.expect >= 0) assert.equal(replies[0]!.rcode, c.expect);
        });
      }
    }

    it('UDP: NOTIMP keeps the opcode and the question', async () => {
      const r = decode((await udpExchange(s.port, buildQuery({ name: 'www.t.example', opcode: 2 })))!);
      assert.equal(r.rcode, 4);
      assert.equal(r.opcode, 2);
      assert.equal(r.qdcount, 1);
    });

    it('TCP: a frame too short to be a message closes the connection', async (t) => {
      const client = await TcpClient.connect(s.port);
      t.after(() => client.close());
      client.write(Buffer.from([0, 3, 1, 2, 3]));
      assert.equal(await client.waitClosed(3000), true);
      await assertStillAnswers('a short frame');
    });

    it('TCP: text instead of DNS (an HTTP request) is dropped', async (t) => {
      const client = await TcpClient.connect(s.port);
      t.after(() => client.close());
      client.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      assert.equal(await client.waitClosed(5000), true);
      await assertStillAnswers('HTTP over DNS TCP');
    });

    it('TCP: a length prefix promising more than is sent times out', async (t) => {
      const client = await TcpClient.connect(s.port);
      t.after(() => client.close());
      const q = buildQuery({ name: 'www.t.example' });
      client.write(Buffer.concat([u16(q.length + 100), q]));
      assert.equal(await client.waitClosed(5000), true);
      await assertStillAnswers('a lying length prefix');
    });

    it('TCP: a length prefix promising less splits the message into a FORMERR and garbage', async (t) => {
      const client = await TcpClient.connect(s.port);
      t.after(() => client.close());
      const q = buildQuery({ name: 'www.t.example', id: 77 });
      client.write(Buffer.concat([u16(q.length - 6), q]));
      const [first] = await client.receive(1);
      assert.equal(decode(first!).rcode, 1);
      await assertStillAnswers('a short length prefix');
    });

    it('TCP: slowloris (one byte at a time, slower than the message deadline) is cut off', async (t) => {
      const client = await TcpClient.connect(s.port);
      t.after(() => client.close());
      const q = buildQuery({ name: 'www.t.example' });
      const framed = Buffer.concat([u16(q.length), q]);
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < framed.length && !client.closed) client.write(framed.subarray(sent, ++sent));
      }, 100);
      t.after(() => clearInterval(timer));
      assert.equal(await client.waitClosed(5000), true);
      assert.ok(sent < framed.length, 'closed before the message completed');
      await assertStillAnswers('slowloris');
    });

    it('counts what it dropped', async () => {
      const text = await s.metrics();
      for (const reason of ['short_header', 'response_bit', 'tcp_bad_frame', 'tcp_timeout']) {
        assert.match(text, new RegExp(`meridian_dns_dropped_total\\{reason="${reason}"\\} [1-9]`), reason);
      }
      assert.match(text, /meridian_dns_queries_total\{transport="udp",rcode="FORMERR"\} [1-9]/);
      assert.match(text, /meridian_dns_queries_total\{transport="tcp",rcode="NOTIMP"\} [1-9]/);
    });
  });
}

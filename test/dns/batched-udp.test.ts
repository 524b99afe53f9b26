/**
 * The batched UDP path (native recvmmsg/sendmmsg): many datagrams from many peers
 * answered in one batch must each go back to their own sender with their own
 * answer, over IPv4 and IPv6, and the socket must behave like node:dgram's at the
 * edges (address in use, close, oversized datagrams).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { DnsError, DnsErrorCode, type DynamicResolver } from '../../src/dns/index.js';
import { freePort } from '../helpers/ports.js';
import { TYPE, buildQuery, decode, optRecord, startTestServer, u16, udpExchange, udpQuery, type Decoded, type TestServer } from './helpers.js';

/** Answers `peer.t.example` with the address the server saw the query come from. */
const echoPeer: DynamicResolver = {
  resolve(question) {
    if (question.name !== 'peer.t.example') return undefined;
    const v4 = isIPv4(question.clientAddress);
    if (question.type !== (v4 ? TYPE.A : TYPE.AAAA)) return { records: [], ecsScopePrefix: 0 };
    const rdata = Buffer.from(ipaddr.parse(question.clientAddress).toByteArray());
    return { records: [{ name: question.name, type: question.type, ttl: 5, rdata }], ecsScopePrefix: 0 };
  },
};

async function boundSocket(host: string): Promise<Socket> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return socket;
}

/**
 * Sends `count` queries for `name` (ids first..first+count) back to back, without
 * waiting, and collects the replies by id until all came or `timeoutMs` passed.
 */
function burst(socket: Socket, port: number, host: string, name: string, type: number, first: number, count: number, timeoutMs = 5000): Promise<Map<number, Decoded>> {
  return new Promise((resolve) => {
    const replies = new Map<number, Decoded>();
    const done = (): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(replies);
    };
    const onMessage = (message: Buffer): void => {
      const decoded = decode(message);
      replies.set(decoded.id, decoded);
      if (replies.size === count) done();
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('message', onMessage);
    for (let id = first; id < first + count; id++) socket.send(buildQuery({ name, type, id }), port, host);
  });
}

describe('batched UDP', () => {
  let s: TestServer;
  let s6: TestServer;
  let port6: number;
  before(async () => {
    s = await startTestServer(undefined, { dynamic: echoPeer, config: { udpIo: 'batched' } });
    port6 = await freePort('::1');
    s6 = await startTestServer(undefined, { dynamic: echoPeer, config: { udpIo: 'batched', listen: [{ host: '::1', port: port6 }] } });
  });
  after(async () => {
    await s.close();
    await s6.close();
  });

  it('answers waves of back-to-back queries, every reply with its own id and the whole answer', async () => {
    const socket = await boundSocket('127.0.0.1');
    try {
      // Waves small enough for default socket buffers on a busy machine, large enough to fill batches.
      for (let wave = 0; wave < 20; wave++) {
        const first = 1000 + wave * 150;
        const replies = await burst(socket, s.port, '127.0.0.1', 'www.t.example', TYPE.A, first, 150);
        assert.equal(replies.size, 150, `wave ${wave}: every query answered`);
        for (const [id, reply] of replies) {
          assert.ok(id >= first && id < first + 150, `wave ${wave}: reply id ${id} belongs to this wave`);
          assert.equal(reply.rcode, 0);
          assert.deepEqual(reply.answers.map((r) => r.address), ['192.0.2.10']);
        }
      }
      const metrics = await s.metrics();
      const batches = Number(/^meridian_dns_udp_batches_total (\d+)/m.exec(metrics)?.[1]);
      const queries = Number(/^meridian_dns_queries_total\{transport="udp",rcode="NOERROR"\} (\d+)/m.exec(metrics)?.[1]);
      assert.ok(queries >= 3000, `counted ${queries} UDP answers`);
      // The queries of a wave are all queued before the server's turn on the event loop, so they arrive in batches.
      assert.ok(batches > 0 && batches < queries / 2, `${queries} queries came in ${batches} batches`);
    } finally {
      socket.close();
    }
  });

  it('sends each reply of a batch back to its own peer, and the responder sees each peer address', async () => {
    const hosts = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
    const sockets = await Promise.all(hosts.map(boundSocket));
    try {
      const results = await Promise.all(sockets.map((socket, i) => burst(socket, s.port, '127.0.0.1', 'peer.t.example', TYPE.A, 100 * i, 60)));
      results.forEach((replies, i) => {
        assert.equal(replies.size, 60, `${hosts[i]}: every query answered`);
        for (const [id, reply] of replies) {
          assert.ok(id >= 100 * i && id < 100 * i + 60, `${hosts[i]} got only its own ids (got ${id})`);
          assert.deepEqual(reply.answers.map((r) => r.address), [hosts[i]], 'the responder saw this peer');
        }
      });
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('serves IPv6 peers on an IPv6 listen address', async () => {
    const r = await udpQuery(port6, { name: 'peer.t.example', type: TYPE.AAAA }, '::1');
    assert.equal(r.rcode, 0);
    assert.deepEqual(r.answers.map((a) => a.address), ['::1']);
    const www = await udpQuery(port6, { name: 'www.t.example', type: TYPE.AAAA, edns: {} }, '::1');
    assert.deepEqual(www.answers.map((a) => a.address), ['2001:db8::10']);
  });

  it('a 60000-byte datagram arrives whole: a big additional record, then the OPT that gets echoed', async () => {
    const query = buildQuery({ name: 'www.t.example', id: 77 });
    query.writeUInt16BE(2, 10);
    const big = Buffer.concat([Buffer.from([0]), u16(65280), u16(1), Buffer.alloc(4), u16(60_000), Buffer.alloc(60_000, 0xab)]);
    const reply = await udpExchange(s.port, Buffer.concat([query, big, optRecord({ payload: 1232 })]));
    assert.ok(reply, 'answered');
    const decoded = decode(reply);
    assert.equal(decoded.id, 77);
    assert.equal(decoded.rcode, 0, 'parsed to the end: a cut datagram would be FORMERR');
    assert.ok(decoded.opt, 'the OPT after the big record was read and echoed');
    const next = await udpQuery(s.port, { name: 'www.t.example' });
    assert.deepEqual(next.answers.map((a) => a.address), ['192.0.2.10']);
  });

  it('a port already taken is a LISTEN error naming the address; close frees the port', async () => {
    const holder = await boundSocket('127.0.0.1');
    const taken = holder.address().port;
    await assert.rejects(startTestServer(undefined, { config: { udpIo: 'batched', listen: [{ host: '127.0.0.1', port: taken }] } }), (err: unknown) => {
      assert.ok(err instanceof DnsError);
      assert.equal(err.code, DnsErrorCode.LISTEN);
      assert.match(err.message, new RegExp(`cannot listen on udp 127\\.0\\.0\\.1:${taken}: bind: address already in use`));
      return true;
    });
    holder.close();

    const server = await startTestServer(undefined, { config: { udpIo: 'batched' } });
    assert.equal((await udpQuery(server.port, { name: 'www.t.example' })).rcode, 0);
    await server.close();
    assert.equal(await udpExchange(server.port, buildQuery({ name: 'www.t.example' }), { timeoutMs: 300 }), undefined, 'no answer after close');
    const again = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(server.port, '127.0.0.1', resolve);
    });
    again.close();
  });
});

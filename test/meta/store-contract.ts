import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { MetaStore, NodeInfo, LoadReport, PurgeRequest } from '../../src/meta/index.js';
import { urlScope, tagScope, prefixScope, siteScope } from '../../src/meta/index.js';

export type StoreFactory = (t: TestContext, options?: { maxVersions?: number }) => Promise<MetaStore>;

export const node = (id: string, addresses = ['192.0.2.1']): NodeInfo => ({
  id,
  region: 'eu-west',
  tier: 'edge',
  addresses,
  location: { lat: 52.37, lon: 4.9 },
  capacity: { requestsPerSecond: 1000, bytesPerSecond: 1e8, connections: 500 },
});

export const idleLoad: LoadReport = { requestsPerSecond: 0, bytesPerSecond: 0, openConnections: 0, eventLoopUtilization: 0, hitRatio: 0 };

const hard = (url: string): PurgeRequest => ({ scope: urlScope(url), soft: false });

/** The one contract every MetaStore passes (undici's habit: one suite, every store). */
export function storeContract(name: string, makeStore: StoreFactory): void {
  test(`${name}: publish assigns consecutive sequences and chains entries`, async (t) => {
    const store = await makeStore(t);
    const first = await store.publish([hard('https://a.example/1'), hard('https://a.example/2')], 1000);
    const second = await store.publish([{ scope: tagScope('product-7'), soft: true }], 2000);
    assert.equal(first.events.length, 2);
    assert.ok(first.events[0]!.sequence > 0);
    assert.equal(first.events[1]!.sequence, first.events[0]!.sequence + 1);
    assert.equal(second.events[0]!.sequence, first.events[1]!.sequence + 1);
    assert.equal(first.previousId, '0-0');
    assert.equal(second.previousId, first.id);
    assert.deepEqual(second.events[0], { sequence: second.events[0]!.sequence, scope: { kind: 'tag', host: '*', tag: 'product-7' }, soft: true, issuedAt: 2000 });

    const read = await store.read('0-0', { count: 10, blockMs: 0 });
    assert.deepEqual(read, [first, second]);
    assert.deepEqual(await store.read(first.id, { count: 10, blockMs: 0 }), [second]);
    assert.deepEqual(await store.read('0-0', { count: 1, blockMs: 0 }), [first]);
    assert.equal(await store.streamLength(), 2);
  });

  test(`${name}: hosts are normalised and empty publishes refused`, async (t) => {
    const store = await makeStore(t);
    const batch = await store.publish([{ scope: { kind: 'url', host: 'WWW.Example.COM.', path: '/x' }, soft: false }], 1);
    assert.deepEqual(batch.events[0]!.scope, { kind: 'url', host: 'www.example.com', path: '/x' });
    await assert.rejects(store.publish([], 1), { code: 'MERIDIAN_E_META_BAD_PURGE' });
  });

  test(`${name}: a blocking read wakes on a new entry and times out empty`, async (t) => {
    const store = await makeStore(t);
    const started = Date.now();
    assert.deepEqual(await store.read('0-0', { count: 10, blockMs: 100 }), []);
    assert.ok(Date.now() - started >= 50, 'the read waited');
    const waiting = store.read('0-0', { count: 10, blockMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const published = await store.publish([hard('https://a.example/w')], 5);
    const got = await waiting;
    assert.deepEqual(got.map((b) => b.id), [published.id]);
  });

  test(`${name}: the snapshot holds the newest sequence per scope, hard and soft apart`, async (t) => {
    const store = await makeStore(t);
    const earlier = await store.publish([hard('https://a.example/x'), { scope: prefixScope('https://a.example/img/'), soft: true }], 1);
    const later = await store.publish([hard('https://a.example/x'), { scope: siteScope('b.example'), soft: false }], 2);
    const snapshot = await store.snapshot();
    assert.equal(snapshot.lastId, later.id);
    assert.equal(snapshot.sequence, later.events[1]!.sequence);
    assert.equal(snapshot.epoch, await store.epoch());
    const hardMap = new Map(snapshot.hard);
    assert.equal(hardMap.get('u a.example /x'), later.events[0]!.sequence);
    assert.equal(hardMap.get('s b.example'), later.events[1]!.sequence);
    assert.equal(new Map(snapshot.soft).get('p a.example /img/'), earlier.events[1]!.sequence);
    assert.equal(snapshot.hardFloor, 0);
  });

  test(`${name}: a reserved sequence is unique and below every later purge`, async (t) => {
    const store = await makeStore(t);
    const before = await store.publish([hard('https://a.example/1')], 1);
    const reserved = await store.reserveSequence();
    const after = await store.publish([hard('https://a.example/2')], 1);
    assert.ok(reserved > before.events[0]!.sequence);
    assert.ok(after.events[0]!.sequence > reserved);
    assert.equal(await store.epoch(), await store.epoch());
  });

  test(`${name}: a sequence reserved above a given one raises the counter past it (a node that applied sequences the store lost)`, async (t) => {
    const store = await makeStore(t);
    const before = await store.publish([hard('https://a.example/1')], 1);
    const seen = before.events[0]!.sequence + 1000;
    const reserved = await store.reserveSequence(seen);
    assert.ok(reserved > seen);
    const after = await store.publish([hard('https://a.example/2')], 1);
    assert.ok(after.events[0]!.sequence > reserved);
    assert.ok((await store.reserveSequence(1)) > after.events[0]!.sequence, 'a lower bound never moves the counter back');
  });

  test(`${name}: after trimming, the next entry read does not chain to an old id`, async (t) => {
    const store = await makeStore(t);
    const old = await store.publish([hard('https://a.example/0')], 1);
    for (let i = 1; i <= 5; i++) await store.publish([hard(`https://a.example/${i}`)], 1);
    assert.equal(await store.trim(2), 4);
    assert.equal(await store.streamLength(), 2);
    const read = await store.read(old.id, { count: 10, blockMs: 0 });
    assert.equal(read.length, 2);
    assert.notEqual(read[0]!.previousId, old.id);
  });

  test(`${name}: versions past maxVersions fold into a floor`, async (t) => {
    const store = await makeStore(t, { maxVersions: 20 });
    const requests = Array.from({ length: 30 }, (_, i) => hard(`https://a.example/${i}`));
    const batch = await store.publish(requests, 1);
    const snapshot = await store.snapshot();
    assert.ok(snapshot.hard.length <= 20);
    assert.ok(snapshot.hardFloor >= batch.events[9]!.sequence, 'every dropped version is covered by the floor');
    const kept = new Map(snapshot.hard);
    for (const event of batch.events) {
      if (event.sequence > snapshot.hardFloor) assert.ok(kept.has(`u a.example ${(event.scope as { path: string }).path}`));
    }
  });

  test(`${name}: nodes register, report load, and expire by themselves`, async (t) => {
    const store = await makeStore(t);
    await store.heartbeat(node('edge-b', ['192.0.2.2']), { ...idleLoad, requestsPerSecond: 12 }, 10_000);
    await store.heartbeat(node('edge-a'), idleLoad, 1000);
    const nodes = await store.listNodes();
    assert.deepEqual(nodes.map((n) => n.id), ['edge-a', 'edge-b']);
    assert.equal(nodes[1]!.load.requestsPerSecond, 12);
    assert.deepEqual(nodes[1]!.addresses, ['192.0.2.2']);
    assert.ok(nodes[0]!.expiresAt > nodes[0]!.updatedAt);
    assert.equal(nodes[0]!.adminUrl, undefined, 'a node registered without an admin URL has none');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.deepEqual((await store.listNodes()).map((n) => n.id), ['edge-b']);
    await store.removeNode('edge-b');
    assert.deepEqual(await store.listNodes(), []);
  });

  test(`${name}: a node's admin URL round-trips through the registry`, async (t) => {
    const store = await makeStore(t);
    await store.heartbeat({ ...node('edge-a'), adminUrl: 'http://192.0.2.1:9090' }, idleLoad, 10_000);
    await store.heartbeat({ ...node('edge-a'), adminUrl: 'http://192.0.2.1:9091' }, idleLoad, 10_000);
    const [listed] = await store.listNodes();
    assert.equal(listed!.adminUrl, 'http://192.0.2.1:9091', 'the newest heartbeat wins');
    assert.deepEqual(listed!.addresses, node('edge-a').addresses, 'the rest of the record is unchanged');
  });

  test(`${name}: acks are recorded per node, the newest wins`, async (t) => {
    const store = await makeStore(t);
    await store.ack({ nodeId: 'edge-a', sequence: 5, streamId: '1-0', at: 1 });
    await store.ack({ nodeId: 'edge-a', sequence: 7, streamId: '2-0', at: 2 });
    await store.ack({ nodeId: 'edge-b', sequence: 3, streamId: '1-0', at: 3 });
    const acks = await store.acks();
    assert.equal(acks.get('edge-a')!.sequence, 7);
    assert.equal(acks.get('edge-b')!.streamId, '1-0');
  });

  test(`${name}: close ends a blocked read and refuses later calls`, async (t) => {
    const store = await makeStore(t);
    const waiting = store.read('0-0', { count: 10, blockMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await store.close();
    assert.deepEqual(await waiting, []);
    assert.ok(Date.now() - started < 5000);
    await assert.rejects(store.publish([hard('https://a.example/1')], 1), { code: 'MERIDIAN_E_META_CLOSED' });
  });
}

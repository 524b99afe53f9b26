/**
 * Prepared bodies of routed answers: re-used only for the very same decision, so
 * clients the resolver answers differently never see each other's answer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DynamicResolver } from '../../src/dns/index.js';
import { TYPE, ecsOption, startTestServer, udpQuery, type TestServer, UDP_IO_UNDER_TEST } from './helpers.js';

/** The resolver's answer per ECS /24: a different address and scope each. */
const BY_CLIENT: Record<string, { address: number[]; scope: number }> = {
  '198.51.100.0': { address: [192, 0, 2, 1], scope: 24 },
  '203.0.113.0': { address: [192, 0, 2, 2], scope: 16 },
};

for (const udpIo of UDP_IO_UNDER_TEST) {
  describe(`prepared bodies for routed answers (udp: ${udpIo})`, () => {
    let ttl = 30;
    /** Reused on purpose: a resolver may change a buffer it already handed out. */
    const shared = Buffer.from([192, 0, 2, 50]);
    let calls = 0;
    const dynamic: DynamicResolver = {
      resolve(question) {
        calls++;
        if (question.name === 'shared.t.example') return { records: [{ name: question.name, type: TYPE.A, ttl: 30, rdata: shared }], ecsScopePrefix: 0 };
        if (question.name !== 'routed.t.example') return undefined;
        const choice = BY_CLIENT[question.ecs?.address ?? ''];
        if (choice === undefined) return { records: [], ecsScopePrefix: 0 };
        return { records: [{ name: question.name, type: TYPE.A, ttl, rdata: Buffer.from(choice.address) }], ecsScopePrefix: choice.scope };
      },
    };
    let s: TestServer;
    before(async () => {
      s = await startTestServer(undefined, { dynamic, config: { udpIo } });
    });
    after(() => s.close());

    async function ask(name: string, net: number[]): Promise<{ address: unknown; ttl: number; ecs: Buffer | undefined }> {
      const r = await udpQuery(s.port, { name, edns: { options: [ecsOption(1, 24, 0, net)] } });
      assert.equal(r.rcode, 0);
      assert.equal(r.answers.length, 1, name);
      assert.equal(r.answers[0]!.name, name, 'the question case is kept');
      return { address: r.answers[0]!.address, ttl: r.answers[0]!.ttl, ecs: r.opt?.options.find((o) => o.code === 8)?.data };
    }

    it('two clients with different routed answers each get their own answer and ECS scope, repeatedly', async () => {
      const before = calls;
      for (let round = 0; round < 3; round++) {
        for (const name of ['routed.t.example', 'ROUTED.t.example', 'rOuTeD.t.example']) {
          const a = await ask(name, [198, 51, 100]);
          assert.equal(a.address, '192.0.2.1', `client A, round ${round}`);
          assert.deepEqual(a.ecs, Buffer.from([0, 1, 24, 24, 198, 51, 100]));
          const b = await ask(name, [203, 0, 113]);
          assert.equal(b.address, '192.0.2.2', `client B, round ${round}`);
          assert.deepEqual(b.ecs, Buffer.from([0, 1, 24, 16, 203, 0, 113]));
        }
      }
      assert.equal(calls - before, 18, 'every query is still decided by the resolver');
    });

    it('a changed decision for the same client is served as the new decision', async () => {
      assert.equal((await ask('routed.t.example', [198, 51, 100])).ttl, 30);
      ttl = 45;
      assert.equal((await ask('routed.t.example', [198, 51, 100])).ttl, 45);
      ttl = 30;
      assert.equal((await ask('routed.t.example', [198, 51, 100])).ttl, 30);
    });

    it('follows RDATA the resolver changed in place after a body was prepared', async () => {
      assert.equal((await ask('shared.t.example', [198, 51, 100])).address, '192.0.2.50');
      shared[3] = 51;
      assert.equal((await ask('shared.t.example', [198, 51, 100])).address, '192.0.2.51');
    });

    it('a client with no answer gets NODATA even after other clients got records', async () => {
      await ask('routed.t.example', [198, 51, 100]);
      const r = await udpQuery(s.port, { name: 'routed.t.example', edns: { options: [ecsOption(1, 24, 0, [10, 0, 0])] } });
      assert.equal(r.rcode, 0);
      assert.equal(r.answers.length, 0);
      assert.equal(r.authorities[0]?.type, TYPE.SOA);
    });
  });
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { continueTrace, parseTraceparent } from '../../src/telemetry/index.js';

const RECEIVED = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent (W3C Trace Context)', () => {
  it('parses a valid header', () => {
    assert.deepEqual(parseTraceparent(RECEIVED), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', sampled: true });
    assert.equal(parseTraceparent(`${RECEIVED.slice(0, -2)}00`)?.sampled, false);
    assert.equal(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736', 'a later version may add fields');
  });

  it('rejects malformed headers, so the hop starts a new trace', () => {
    for (const bad of [undefined, '', 'garbage', RECEIVED.toUpperCase(), `ff${RECEIVED.slice(2)}`, `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`, `${RECEIVED}-extra`]) {
      assert.equal(parseTraceparent(bad), undefined, String(bad));
    }
  });

  it('continues the trace with a new span id, or starts one', () => {
    const next = continueTrace(RECEIVED);
    assert.equal(next.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(next.parentId, '00f067aa0ba902b7');
    assert.match(next.spanId, /^[0-9a-f]{16}$/);
    assert.notEqual(next.spanId, '00f067aa0ba902b7');
    assert.equal(next.traceparent, `00-${next.traceId}-${next.spanId}-01`);
    const fresh = continueTrace('not a header');
    assert.match(fresh.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(fresh.parentId, undefined);
    assert.notEqual(fresh.traceId, continueTrace(undefined).traceId);
  });
});

import { Agent, request } from 'undici';
import type { ProbeOutcome, ResolvedProbeTarget } from './types.js';

/** Enough body to find a health marker without letting a huge response cost memory. */
const MAX_BODY_BYTES = 64 * 1024;

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The connection settings of one target: TLS name and verification are per target. */
export function createProbeAgent(target: ResolvedProbeTarget): Agent {
  return new Agent({
    connect: {
      timeout: target.timeoutMs,
      rejectUnauthorized: target.tlsVerify,
      ...(target.host !== undefined ? { servername: target.host.replace(/:\d+$/, '') } : {}),
    },
    // Each probe opens its own connection: a kept-alive socket would hide a node that stopped accepting.
    pipelining: 0,
  });
}

async function readPrefix(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

function bodyMatches(body: string, match: string | RegExp): boolean {
  if (typeof match === 'string') return body.includes(match);
  match.lastIndex = 0;
  return match.test(body);
}

/**
 * One raw probe: GET the URL, compare the status and optionally the body, all within
 * timeoutMs. Never throws; the outcome says what happened. Hysteresis is not its job.
 */
export async function probeHttp(target: ResolvedProbeTarget, dispatcher: Agent, signal?: AbortSignal): Promise<ProbeOutcome> {
  const started = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), target.timeoutMs);
  const onStop = (): void => deadline.abort();
  signal?.addEventListener('abort', onStop, { once: true });
  const done = (result: ProbeOutcome['result'], reason: string): ProbeOutcome => ({
    ok: result === 'ok',
    result,
    reason,
    durationMs: Math.round(performance.now() - started),
  });
  try {
    const response = await request(target.url, {
      method: 'GET',
      dispatcher,
      signal: deadline.signal,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      reset: true,
      headers: { 'user-agent': 'meridian-health/1', ...(target.host !== undefined ? { host: target.host } : {}) },
    });
    if (response.statusCode !== target.expectStatus) {
      await response.body.dump();
      return done('bad_status', `status ${response.statusCode}, expected ${target.expectStatus}`);
    }
    if (target.bodyMatch === undefined) {
      await response.body.dump();
      return done('ok', 'ok');
    }
    const body = await readPrefix(response.body);
    if (!response.body.destroyed) response.body.destroy();
    return bodyMatches(body, target.bodyMatch) ? done('ok', 'ok') : done('body_mismatch', `body does not contain ${String(target.bodyMatch)}`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (deadline.signal.aborted || (code !== undefined && TIMEOUT_CODES.has(code))) return done('timeout', `timeout after ${target.timeoutMs} ms`);
    return done('connect_error', code ?? (err as Error).message ?? 'request failed');
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onStop);
  }
}

import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../telemetry/index.js';
import type { MetaStore, PurgeEvent } from './types.js';
import type { PurgePublisher } from './purge-publisher.js';
import { purgeRequestsFromSpec, describeScope } from './scope.js';
import { waitForAcks } from './ack-wait.js';
import { MeridianError } from '../errors/index.js';

export interface PurgeHandlerOptions {
  publisher: PurgePublisher;
  logger: Logger;
  /** Bearer token; when set, the handler checks `Authorization` itself. Leave unset only if the listener already did. */
  token?: string;
  /** For `wait` in the body: the store whose registry and acks are read. */
  store?: MetaStore;
}

export interface PurgeHttpInput {
  /** The Authorization header as received. */
  authorization?: string | undefined;
  /** The parsed JSON body: {urls?, tags?, prefixes?, all?, host?, soft?, wait?, timeoutMs?}. */
  body: unknown;
  /** For the log line. */
  remote?: string | undefined;
}

export interface PurgeHttpResult {
  status: number;
  body: Record<string, unknown>;
}

export type PurgeHandler = (input: PurgeHttpInput) => Promise<PurgeHttpResult>;

/**
 * The admin purge endpoint's logic, independent of the HTTP server that mounts it:
 * 401 for a missing or wrong token (logged), 400 for a malformed body, 503 when the store
 * refused the purge (never a silent 200), 200 with the sequences otherwise; with
 * `wait: true`, 200 only when every live node acknowledged in time, else 504 naming them.
 */
export function createPurgeHandler(options: PurgeHandlerOptions): PurgeHandler {
  const logger = options.logger.child({ module: 'meta', component: 'purge-endpoint' });
  return async (input) => {
    if (options.token !== undefined && !bearerMatches(input.authorization, options.token)) {
      logger.warn({ remote: input.remote, reason: input.authorization ? 'wrong token' : 'missing token' }, 'purge refused: not authorised');
      return { status: 401, body: { error: 'MERIDIAN_E_META_UNAUTHORIZED', message: 'a valid bearer token is required' } };
    }
    const { wait, timeoutMs, spec } = splitWait(input.body);
    let events: PurgeEvent[];
    try {
      const requests = purgeRequestsFromSpec(spec);
      events = await options.publisher.purge(requests);
    } catch (err) {
      const status = err instanceof MeridianError && err.code === 'MERIDIAN_E_META_BAD_PURGE' ? 400 : 503;
      if (status === 503) logger.error({ err: err instanceof Error ? err.message : String(err) }, 'purge failed: the store refused it');
      return { status, body: errorBody(err) };
    }
    const sequence = events[events.length - 1]!.sequence;
    logger.info({ remote: input.remote, count: events.length, sequence }, 'purge accepted');
    const body: Record<string, unknown> = {
      sequence,
      purged: events.map((event) => ({ sequence: event.sequence, scope: describeScope(event.scope), soft: event.soft })),
    };
    if (!wait) return { status: 200, body };
    if (!options.store) return { status: 400, body: { error: 'MERIDIAN_E_META_BAD_PURGE', message: 'wait is not available on this endpoint' } };
    try {
      const result = await waitForAcks(options.store, sequence, { timeoutMs });
      return { status: result.complete ? 200 : 504, body: { ...body, acked: result.acked, missing: result.missing } };
    } catch (err) {
      return { status: 503, body: { ...body, ...errorBody(err) } };
    }
  };
}

function splitWait(body: unknown): { wait: boolean; timeoutMs: number; spec: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { wait: false, timeoutMs: 0, spec: body };
  const { wait, timeoutMs, ...spec } = body as Record<string, unknown>;
  const timeout = typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) ? Math.min(Math.max(timeoutMs, 0), 60_000) : 5000;
  return { wait: wait === true, timeoutMs: timeout, spec };
}

function errorBody(err: unknown): Record<string, unknown> {
  if (err instanceof MeridianError) return { error: err.code, message: err.message, hint: err.hint };
  return { error: 'MERIDIAN_E_META_UNAVAILABLE', message: err instanceof Error ? err.message : String(err) };
}

/** Constant-time comparison (of hashes, so lengths match) to not leak the token by timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match || token.length === 0) return false;
  const given = createHash('sha256').update(match[1]!).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}

const MAX_BODY_BYTES = 1 << 20;

/**
 * A plain node:http listener around the handler (POST, JSON body up to 1 MiB), for
 * servers that mount it as is; others call the handler with their parsed body.
 */
export function purgeRequestListener(handler: PurgeHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const send = (result: PurgeHttpResult): void => {
      const text = JSON.stringify(result.body);
      res.writeHead(result.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      send({ status: 405, body: { error: 'MERIDIAN_E_META_BAD_PURGE', message: 'use POST' } });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES && !refused) {
        refused = true;
        send({ status: 413, body: { error: 'MERIDIAN_E_META_BAD_PURGE', message: `body larger than ${MAX_BODY_BYTES} bytes` } });
        req.resume();
      } else if (!refused) chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // Not an object, so the handler answers 400 — after checking the token, so an
        // unauthenticated caller learns nothing about what it sent.
        body = 'invalid JSON';
      }
      handler({ authorization: req.headers.authorization, body, remote: req.socket.remoteAddress }).then(send, (err: unknown) =>
        send({ status: 500, body: errorBody(err) }),
      );
    });
    req.on('error', () => res.destroy());
  };
}

/** Structurally the cache admin listener's AdminRoute: it authenticates, then hands over the body. */
export interface PurgeAdminRoute {
  method: 'POST';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;
}

/** The purge endpoint as a route for the cache node's admin listener (`POST /purge` by default). */
export function purgeAdminRoute(handler: PurgeHandler, path = '/purge'): PurgeAdminRoute {
  return {
    method: 'POST',
    path,
    handler: async (req, res, body) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = 'invalid JSON';
      }
      const result = await handler({ authorization: req.headers.authorization, body: parsed, remote: req.socket.remoteAddress });
      const text = JSON.stringify(result.body);
      res.writeHead(result.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  };
}

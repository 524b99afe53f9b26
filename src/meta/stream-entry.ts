import type { PurgeBatch, PurgeEvent, PurgeRequest } from './types.js';
import { parseScopeKey, scopeKey, normalizeScope } from './scope.js';
import { MetaError } from './errors.js';

/**
 * The wire form of one stream entry, shared by both stores (see README.md, "Stream format"):
 * fields `prev` (id of the previous entry), `first` (sequence of the first purge),
 * `at` (ms when accepted) and `events`, a JSON list of [scopeKey, soft 0|1].
 * Purge i of the entry has sequence first + i.
 */
export type WireEvents = Array<[string, 0 | 1]>;

export function encodeRequests(requests: readonly PurgeRequest[]): WireEvents {
  return requests.map((request) => [scopeKey(normalizeScope(request.scope)), request.soft ? 1 : 0]);
}

export function decodeEntry(id: string, fields: Record<string, string>): PurgeBatch {
  const first = Number(fields.first);
  const issuedAt = Number(fields.at);
  let items: unknown;
  try {
    items = JSON.parse(fields.events ?? '');
  } catch (cause) {
    throw corrupt(id, cause);
  }
  if (typeof fields.prev !== 'string' || !Number.isSafeInteger(first) || !Number.isFinite(issuedAt) || !Array.isArray(items)) throw corrupt(id);
  const events: PurgeEvent[] = items.map((item: unknown, i) => {
    if (!Array.isArray(item) || typeof item[0] !== 'string') throw corrupt(id);
    let scope;
    try {
      scope = parseScopeKey(item[0]);
    } catch (cause) {
      throw corrupt(id, cause);
    }
    return { sequence: first + i, scope, soft: item[1] === 1, issuedAt };
  });
  return { id, previousId: fields.prev, events };
}

function corrupt(id: string, cause?: unknown): MetaError {
  return new MetaError('MERIDIAN_E_META_CORRUPT', `invalidation stream entry ${id} is malformed`, {
    cause,
    hint: 'something other than Meridian wrote to the stream; nodes reset (drop everything cached) and continue after it',
  });
}

/** Field array from XREAD ([k1, v1, k2, v2, ...]) into an object. */
export function fieldsOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** The batch a publisher gets back: built from its own requests, no need to decode what it just encoded. */
export function publishedBatch(id: string, previousId: string, first: number, requests: readonly PurgeRequest[], issuedAt: number): PurgeBatch {
  return { id, previousId, events: requests.map((request, i) => ({ sequence: first + i, scope: normalizeScope(request.scope), soft: request.soft, issuedAt })) };
}

/** decodeEntry for readers: an unreadable entry becomes a `corrupt` batch instead of stopping the stream. */
export function readEntry(id: string, fields: Record<string, string>): PurgeBatch {
  try {
    return decodeEntry(id, fields);
  } catch {
    return { id, previousId: fields.prev ?? '', events: [], corrupt: true };
  }
}

/** Order of two stream ids (`ms-seq`): negative, zero or positive. */
export function compareIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

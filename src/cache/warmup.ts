import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { z } from 'zod';
import type { Logger } from '../telemetry/index.js';
import type { CacheNodeConfig } from './config.js';
import type { HotKey, MemoryStore } from './stores/memory-store.js';
import type { AdminRoute, WarmupPeer } from './types.js';
import { warmThrough, type WarmReport } from './warm.js';

/** Marks the node's own warm-up requests (random per process), so its rate limit does not throttle them. */
export const WARM_TOKEN_HEADER = 'meridian-warm-token';

const MAX_HOT_KEYS = 10_000;
/** Longest wait for one peer's answer, or for the registry's list of peers. */
const PEER_TIMEOUT_MS = 5000;

const hotKeysAnswer = z.object({
  keys: z.array(z.object({ host: z.string().min(1), path: z.string().startsWith('/'), bytes: z.number().nonnegative(), frequency: z.number().nonnegative() })).max(MAX_HOT_KEYS),
});

/** `GET /hot-keys?limit=N` on the admin listener: the memory store's most valuable URLs, most valuable first. */
export function hotKeysRoute(nodeId: string, store: MemoryStore | undefined): AdminRoute {
  return {
    method: 'GET',
    path: '/hot-keys',
    handler: (req: IncomingMessage, res: ServerResponse) => {
      const asked = Number(new URL(req.url ?? '/', 'http://admin').searchParams.get('limit') ?? 100);
      const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_HOT_KEYS) : 100;
      const keys: HotKey[] = store?.hottest(limit) ?? [];
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ node: nodeId, keys }));
    },
  };
}

export interface WarmupOptions {
  config: CacheNodeConfig;
  /** The node's own serving address: objects are fetched through it, so they take the normal fill path. */
  ownAddress: string;
  /** Region peers from the node registry (the caller filters nothing: region, tier and self are filtered here). */
  peers: (() => Promise<readonly WarmupPeer[]>) | undefined;
  warmToken: string;
  logger: Logger;
}

export interface WarmupResult {
  peers: number;
  keys: number;
  report: WarmReport;
  durationMs: number;
}

/** Registry members, or [] when the registry is down, slow or answers nonsense: warming then goes on with the configured peers. */
async function registryPeers(options: WarmupOptions, deadline: number): Promise<readonly WarmupPeer[]> {
  if (!options.peers) return [];
  const listPeers = options.peers;
  let timer: NodeJS.Timeout | undefined;
  try {
    const remaining = Math.max(1, Math.min(PEER_TIMEOUT_MS, deadline - Date.now()));
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`node registry did not list peers within ${remaining} ms`)), remaining);
    });
    // Called inside the try: a peers() that throws synchronously is a failed listing too.
    const listed: unknown = await Promise.race([Promise.resolve().then(listPeers), timedOut]);
    if (!Array.isArray(listed)) throw new Error('node registry listed no array of peers');
    return listed as readonly WarmupPeer[];
  } catch (err) {
    options.logger.warn({ err }, 'warm-up: cannot list region peers');
    return [];
  } finally {
    clearTimeout(timer);
  }
}

/** Admin URLs of the peers to ask: configured ones, plus registry nodes of this region and tier. */
async function peerUrls(options: WarmupOptions, deadline: number): Promise<string[]> {
  const { config } = options;
  const urls = new Set(config.warmup.peers.map((url) => url.replace(/\/$/, '')));
  for (const peer of await registryPeers(options, deadline)) {
    if (typeof peer?.adminUrl !== 'string') continue;
    if (peer.id !== config.id && peer.region === config.region && peer.tier === config.tier) urls.add(peer.adminUrl.replace(/\/$/, ''));
  }
  return [...urls];
}

async function askPeer(url: string, options: WarmupOptions, deadline: number): Promise<HotKey[]> {
  const { config } = options;
  const token = config.admin?.token;
  const response = await request(`${url}/hot-keys?limit=${config.warmup.keys}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(Math.max(1, Math.min(PEER_TIMEOUT_MS, deadline - Date.now()))),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`peer ${url} answered ${response.statusCode}`);
  return hotKeysAnswer.parse(JSON.parse(text)).keys;
}

/**
 * Rehydrate a starting node from its region peers: ask each for its hottest keys, merge them
 * (frequencies summed), keep what fits in `warmup.maxBytes`, and GET them through the node itself
 * within `warmup.maxSeconds`. A peer that fails is logged and skipped: warming is best effort and
 * never keeps a node out of service past its deadline.
 */
export async function runWarmup(options: WarmupOptions): Promise<WarmupResult> {
  const started = Date.now();
  const { warmup } = options.config;
  const deadline = started + warmup.maxSeconds * 1000;
  const urls = await peerUrls(options, deadline);
  const merged = new Map<string, HotKey>();
  await Promise.all(
    urls.map(async (url) => {
      try {
        for (const key of await askPeer(url, options, deadline)) {
          const id = `${key.host}\n${key.path}`;
          const seen = merged.get(id);
          if (seen) seen.frequency += key.frequency;
          else merged.set(id, { ...key });
        }
      } catch (err) {
        options.logger.warn({ err, peer: url }, 'warm-up: peer did not list its hot keys');
      }
    }),
  );
  const planned: HotKey[] = [];
  let plannedBytes = 0;
  for (const key of [...merged.values()].sort((a, b) => b.frequency - a.frequency)) {
    if (plannedBytes + key.bytes > warmup.maxBytes) continue;
    plannedBytes += key.bytes;
    planned.push(key);
  }
  const report = await warmThrough(options.ownAddress, planned, {
    concurrency: warmup.concurrency,
    deadline,
    maxBytes: warmup.maxBytes,
    headers: { [WARM_TOKEN_HEADER]: options.warmToken },
    insecure: true,
  });
  return { peers: urls.length, keys: planned.length, report, durationMs: Date.now() - started };
}

import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { InvalidationView, PurgeEvent, PurgeScope, PurgeTarget } from '../../src/meta/index.js';
import { parseCacheConfig, startCacheNode, type CacheConfigInput, type CacheNode, type CacheNodeDeps } from '../../src/cache/index.js';

export interface Origin {
  url: string;
  /** Requests seen, in order. */
  requests: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
  count(path?: string): number;
}

/** A real node:http origin; `handler` answers each request (after its body was read). */
export async function startOrigin(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<Origin> {
  const requests: Origin['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    handler(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    count: (path) => requests.filter((r) => path === undefined || r.url === path).length,
  };
}

/** Start a node on a free loopback port with the given config (listen defaults to port 0). */
export async function startNode(t: TestContext, input: Partial<CacheConfigInput> & Pick<CacheConfigInput, 'sites'>, deps: CacheNodeDeps = {}): Promise<CacheNode> {
  const node = await startCacheNode(parseCacheConfig({ listen: ['127.0.0.1:0'], ...input }), deps);
  t.after(() => node.close());
  return node;
}

export interface Reply {
  status: number;
  /** Field values as strings (repeated fields such as Set-Cookie joined with newlines). */
  headers: Record<string, string | undefined>;
  body: string;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join('\n') : value;
  return out;
}

/** One HTTP/1.1 request with full control over headers (Host included). */
export function send(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An in-process InvalidationView (the contract src/meta implements over Redis), so cache
 * tests can apply purges without the meta room.
 */
export class LocalInvalidation implements InvalidationView {
  private sequence = 0;
  private readonly events: PurgeEvent[] = [];
  private readonly listeners = new Set<(event: PurgeEvent) => void>();

  appliedSequence(): number {
    return this.sequence;
  }

  purge(scope: PurgeScope, soft = false): PurgeEvent {
    const event: PurgeEvent = { sequence: ++this.sequence, scope, soft, issuedAt: Date.now() };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Advance the applied sequence without a purge that covers anything here. */
  bump(): void {
    this.purge({ kind: 'url', host: 'unrelated.invalid', path: '/' });
  }

  /** The contract's answer (src/meta/types.ts): exact with `fetchSequence`, conservative without. */
  newestPurge(target: PurgeTarget, fetchSequence?: number): { sequence: number; soft: boolean } | undefined {
    const covering = this.events.filter(({ scope }) => {
      const hostMatches = scope.host === '*' || scope.host === target.host;
      return (
        hostMatches &&
        ((scope.kind === 'url' && scope.path === target.path) ||
          (scope.kind === 'prefix' && target.path.startsWith(scope.prefix)) ||
          (scope.kind === 'tag' && target.tags.includes(scope.tag)) ||
          scope.kind === 'site')
      );
    });
    const newest = covering.at(-1);
    if (!newest) return undefined;
    if (fetchSequence === undefined) return { sequence: newest.sequence, soft: covering.every((event) => event.soft) };
    const newer = covering.filter((event) => event.sequence > fetchSequence);
    const hard = newer.filter((event) => !event.soft).at(-1);
    if (hard) return { sequence: hard.sequence, soft: false };
    return { sequence: newest.sequence, soft: newest.soft };
  }

  onPurge(listener: (event: PurgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

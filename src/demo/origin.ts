import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { continueTrace, createSilentLogger, type Logger } from '../telemetry/index.js';
import { DemoError, DemoErrorCode } from './errors.js';

/**
 * The demo's origin: a handful of pages and assets with the headers a CDN cares about
 * (Cache-Control, ETag, Surrogate-Key), so the tour can show misses, hits and purges.
 * It logs one line per request with the trace id it received, to show the trace chain.
 */
export interface DemoOrigin {
  /** `http://host:port` */
  readonly url: string;
  /** Requests served, per path: lets tests see how often the fleet came back to the origin. */
  hits(path: string): number;
  close(): Promise<void>;
}

interface Page {
  type: string;
  cacheControl: string;
  tags: string;
  body: (path: string) => string;
}

const PAGES: Record<string, Page> = {
  '/': {
    type: 'text/html; charset=utf-8',
    cacheControl: 'public, max-age=60',
    tags: 'page home',
    body: () => '<!doctype html><title>Meridian demo</title><link rel="stylesheet" href="/style.css"><h1>Hello from the Meridian demo origin</h1><img src="/logo.svg" alt="logo">\n',
  },
  '/style.css': {
    type: 'text/css',
    cacheControl: 'public, max-age=3600',
    tags: 'asset css',
    body: () => 'body { font-family: system-ui, sans-serif; margin: 2rem; }\n',
  },
  '/logo.svg': {
    type: 'image/svg+xml',
    cacheControl: 'public, max-age=86400',
    tags: 'asset img',
    body: () => '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="28" fill="#2a7"/></svg>\n',
  },
};

export interface DemoOriginOptions {
  host: string;
  port: number;
  logger?: Logger;
}

export async function startDemoOrigin(options: DemoOriginOptions): Promise<DemoOrigin> {
  const logger = (options.logger ?? createSilentLogger()).child({ module: 'demo-origin' });
  const counts = new Map<string, number>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const trace = continueTrace(req.headers.traceparent);
    const path = new URL(req.url ?? '/', 'http://origin').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    logger.info({ reqId: randomUUID(), traceId: trace.traceId, parentId: trace.parentId, method: req.method, path, via: req.headers.via }, 'origin request');
    if (path === '/time') {
      // Dynamic: never stored, so the tour can show a pass-through.
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end(`${new Date().toISOString()}\n`);
      return;
    }
    const page = PAGES[path];
    if (!page || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(page ? 405 : 404, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=10' });
      res.end(page ? 'method not allowed\n' : 'not found\n');
      return;
    }
    const body = page.body(path);
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    const headers = { 'content-type': page.type, 'cache-control': page.cacheControl, etag, 'surrogate-key': page.tags, 'last-modified': new Date(Date.UTC(2026, 0, 1)).toUTCString() };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const server: Server = createServer(handle);
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new DemoError(DemoErrorCode.LISTEN, `demo origin cannot listen on ${options.host}:${options.port}: ${err.message}`, { cause: err, hint: 'pick another port with --origin HOST:PORT' })),
    );
    server.listen(options.port, options.host, () => resolve(server.address() as AddressInfo));
  });
  return {
    url: `http://${address.address}:${address.port}`,
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

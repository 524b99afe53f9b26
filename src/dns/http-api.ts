/**
 * The server's small HTTP side: GET /healthz and GET /metrics, plus whatever
 * routes other rooms add (routing adds /v1/route and a status page). A route is a
 * handler for one method and one exact path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger, Registry } from '../telemetry/index.js';
import { DnsError, DnsErrorCode } from './errors.js';
import { formatListenAddress } from './listen-address.js';
import type { ListenAddress } from './types.js';

export type HttpHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>;

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: HttpHandler;
}

export interface HttpApiOptions {
  registry: Registry;
  logger: Logger;
  routes?: readonly HttpRoute[];
  /** Extra readiness check for /healthz; the default is "the process answers". */
  healthy?: () => boolean;
  /** The /metrics body when it takes more than this registry (other threads' numbers); default `registry.metrics()`. */
  metrics?: () => Promise<string>;
}

export interface HttpApi {
  addRoute(route: HttpRoute): void;
  listen(address: ListenAddress): Promise<number>;
  close(): Promise<void>;
}

export function createHttpApi(options: HttpApiOptions): HttpApi {
  const routes = new Map<string, HttpHandler>();
  const add = (route: HttpRoute): void => {
    routes.set(`${route.method} ${route.path}`, route.handler);
  };
  add({
    method: 'GET',
    path: '/healthz',
    handler: (_req, res) => {
      const ok = options.healthy?.() ?? true;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(ok ? 'ok\n' : 'unhealthy\n');
    },
  });
  add({
    method: 'GET',
    path: '/metrics',
    handler: async (_req, res) => {
      const body = await (options.metrics ?? (() => options.registry.metrics()))();
      res.writeHead(200, { 'content-type': options.registry.contentType }).end(body);
    },
  });
  for (const route of options.routes ?? []) add(route);

  let server: Server | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handler = routes.get(`${req.method} ${url.pathname}`);
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    await handler(req, res, url);
  };

  return {
    addRoute: add,
    async listen(address) {
      const s = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          options.logger.error({ err, url: req.url }, 'http handler failed');
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('internal error\n');
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', (err) => reject(new DnsError(DnsErrorCode.LISTEN, `cannot listen on http ${formatListenAddress(address)}: ${err.message}`, { cause: err })));
        s.listen(address.port, address.host, () => resolve());
      });
      server = s;
      const bound = s.address();
      return typeof bound === 'object' && bound !== null ? bound.port : address.port;
    },
    async close() {
      const s = server;
      server = undefined;
      if (s !== undefined) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

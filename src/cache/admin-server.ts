import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger, Registry } from '../telemetry/index.js';
import type { AdminRoute } from './types.js';

export interface AdminServerOptions {
  token: string | undefined;
  registry: Registry;
  logger: Logger;
  healthy: () => boolean;
}

/** Bodies larger than this are refused: admin calls are small JSON documents. */
const MAX_ADMIN_BODY = 1024 * 1024;

/**
 * The admin listener: /healthz (open, for orchestrators), /metrics and every registered
 * route (POST /purge, ...) behind a bearer token. Without a configured token, /metrics
 * stays open and registered routes are refused, so a purge endpoint is never exposed
 * unauthenticated by accident.
 */
export class AdminServer {
  readonly server: Server;
  private readonly routes = new Map<string, AdminRoute>();

  constructor(private readonly options: AdminServerOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        options.logger.error({ err, url: req.url }, 'admin request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
    });
  }

  register(route: AdminRoute): void {
    this.routes.set(`${route.method.toUpperCase()} ${route.path}`, route);
  }

  private authorized(req: IncomingMessage): boolean {
    const token = this.options.token;
    if (!token) return false;
    const header = req.headers.authorization ?? '';
    const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(token);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }

  private unauthorized(req: IncomingMessage, res: ServerResponse): void {
    this.options.logger.warn({ url: req.url, method: req.method, client: req.socket.remoteAddress, reason: this.options.token ? 'bad or missing token' : 'no admin token configured' }, 'admin request refused');
    res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="meridian-admin"' });
    res.end(this.options.token ? 'unauthorized\n' : 'unauthorized: configure admin.token (--admin-token or MERIDIAN_ADMIN_TOKEN) to use this endpoint\n');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const ok = this.options.healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'unavailable\n');
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      if (this.options.token && !this.authorized(req)) return this.unauthorized(req, res);
      res.writeHead(200, { 'content-type': this.options.registry.contentType });
      res.end(await this.options.registry.metrics());
      return;
    }
    const route = this.routes.get(`${req.method} ${path}`);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    if (!this.authorized(req)) return this.unauthorized(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_ADMIN_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain' });
        res.end('body too large\n');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    await route.handler(req, res, Buffer.concat(chunks));
  }
}

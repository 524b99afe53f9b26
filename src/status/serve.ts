import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseOptions, serveSchema } from './options.js';
import { createStatusRoutes } from './routes.js';
import type { StatusRoutes, StatusRoutesOptions, StatusSource } from './types.js';

export interface StatusServer {
  /** `http://host:port` the server listens on. */
  url: string;
  port: number;
  routes: StatusRoutes;
  /** End the event streams, drop every connection and stop listening. */
  close(): Promise<void>;
}

export interface ServeStatusOptions extends StatusRoutesOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

/**
 * The status routes alone on a node:http server: for tests, and for running the page
 * on its own. The DNS server mounts `createStatusRoutes` on its --http port instead.
 */
export async function serveStatusPage(source: StatusSource, options: ServeStatusOptions = {}): Promise<StatusServer> {
  const { host: givenHost, port: givenPort, ...routeOptions } = options;
  const { host, port } = parseOptions(serveSchema, { host: givenHost, port: givenPort }, 'status server');
  const routes = createStatusRoutes(source, routeOptions);
  const server = createServer((req, res) => {
    if (routes.handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${bound}`,
    port: bound,
    routes,
    close: async () => {
      routes.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // An open page reconnects or polls on its keep-alive connection; cut it rather than wait.
      server.closeAllConnections();
      await closed;
    },
  };
}

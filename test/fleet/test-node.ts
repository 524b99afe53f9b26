import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '../helpers/ports.js';

export type NodeMode = { status: number; body?: string; delayMs?: number } | 'hang';

/**
 * A real HTTP server standing in for a cache node's health endpoint. It can change its
 * answer, stop (connections refused) and start again on the same port.
 */
export class TestNode {
  private server: Server | undefined;
  mode: NodeMode = { status: 200, body: 'OK' };
  requests = 0;
  open = 0;
  maxOpen = 0;
  lastHost: string | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<TestNode> {
    const node = new TestNode(await freePort());
    await node.up();
    return node;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/health`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Stop listening and drop every connection: probes now get ECONNREFUSED. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    this.open++;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    this.lastHost = req.headers.host;
    res.on('close', () => {
      this.open--;
    });
    const mode = this.mode;
    if (mode === 'hang') return;
    const reply = (): void => {
      res.writeHead(mode.status, { 'content-type': 'text/plain' });
      res.end(mode.body ?? '');
    };
    if (mode.delayMs) setTimeout(reply, mode.delayMs);
    else reply();
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../telemetry/index.js';

interface StreamClient {
  res: ServerResponse;
  /** True while the socket buffer is full; snapshots are skipped, the next one supersedes. */
  blocked: boolean;
}

export interface EventStreamHubOptions {
  intervalMs: number;
  keepAliveMs: number;
  maxClients: number;
  /** The next snapshot as JSON text; throws when the source fails. */
  snapshotJson(): string;
  /** Push source, if any: called when the first client arrives, unsubscribed when the last leaves. */
  subscribe: ((listener: () => void) => () => void) | undefined;
  logger: Logger;
  onClientsChanged(count: number): void;
}

/** How long a burst of source notifications is gathered into one push. */
const COALESCE_MS = 25;

/**
 * Server-Sent Events for every watcher of the page. One timer and one serialisation per
 * tick serve all clients; timers and the source subscription exist only while someone
 * watches, so an idle DNS server does no work for the page.
 */
export class EventStreamHub {
  readonly #options: EventStreamHubOptions;
  readonly #clients = new Set<StreamClient>();
  #tick: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #pushSoon: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #failing = false;
  #closed = false;

  constructor(options: EventStreamHubOptions) {
    this.#options = options;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  accept(req: IncomingMessage, res: ServerResponse): void {
    if (this.#closed || this.#clients.size >= this.#options.maxClients) {
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '10', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ error: { code: 'too_many_watchers', message: 'too many open status streams; poll /v1/status instead' } }));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back in their buffers.
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const client: StreamClient = { res, blocked: false };
    this.#clients.add(client);
    res.on('close', () => this.#remove(client));
    res.on('error', () => this.#remove(client));
    req.socket.setNoDelay(true);
    this.#write(client, 'retry: 3000\n\n');
    const first = this.#frame();
    if (first) this.#write(client, first);
    this.#startTimers();
    this.#options.onClientsChanged(this.#clients.size);
  }

  /** End every stream and stop the timers; later connections get 503. */
  close(): void {
    this.#closed = true;
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
    this.#stopTimers();
    this.#options.onClientsChanged(0);
  }

  #remove(client: StreamClient): void {
    if (!this.#clients.delete(client)) return;
    if (this.#clients.size === 0) this.#stopTimers();
    this.#options.onClientsChanged(this.#clients.size);
  }

  #startTimers(): void {
    if (this.#tick) return;
    this.#tick = setInterval(() => this.#broadcast(), this.#options.intervalMs);
    this.#keepAlive = setInterval(() => this.#send(': keep-alive\n\n'), this.#options.keepAliveMs);
    // The page is an observer: it must never keep a stopping process alive.
    this.#tick.unref();
    this.#keepAlive.unref();
    try {
      this.#unsubscribe = this.#options.subscribe?.(() => this.#schedulePush());
    } catch (err) {
      // Without push the stream still carries every change, one tick later.
      this.#options.logger.warn({ err }, 'status source subscribe failed; streams fall back to the periodic push');
    }
  }

  #stopTimers(): void {
    clearInterval(this.#tick);
    clearInterval(this.#keepAlive);
    clearTimeout(this.#pushSoon);
    this.#tick = undefined;
    this.#keepAlive = undefined;
    this.#pushSoon = undefined;
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    unsubscribe?.();
  }

  #schedulePush(): void {
    if (this.#pushSoon || this.#clients.size === 0) return;
    this.#pushSoon = setTimeout(() => {
      this.#pushSoon = undefined;
      this.#broadcast();
    }, COALESCE_MS);
    this.#pushSoon.unref();
  }

  #broadcast(): void {
    const frame = this.#frame();
    if (frame) this.#send(frame);
  }

  /** One `snapshot` event, or undefined when the source failed (logged once per failure streak). */
  #frame(): string | undefined {
    try {
      const json = this.#options.snapshotJson();
      if (this.#failing) this.#options.logger.info('status source recovered');
      this.#failing = false;
      return `event: snapshot\ndata: ${json}\n\n`;
    } catch (err) {
      if (!this.#failing) this.#options.logger.warn({ err }, 'status source failed; event streams pause until it recovers');
      this.#failing = true;
      return undefined;
    }
  }

  #send(chunk: string): void {
    for (const client of this.#clients) this.#write(client, chunk);
  }

  #write(client: StreamClient, chunk: string): void {
    if (client.blocked || client.res.writableEnded || client.res.destroyed) return;
    if (!client.res.write(chunk)) {
      client.blocked = true;
      client.res.once('drain', () => {
        client.blocked = false;
      });
    }
  }
}

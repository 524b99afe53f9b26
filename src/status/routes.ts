import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, createSilentLogger, type Registry } from '../telemetry/index.js';
import { StatusError, StatusErrorCode } from './errors.js';
import { EventStreamHub } from './event-stream.js';
import { StatusHistoryRecorder } from './history.js';
import { parseOptions, statusRoutesSchema, type ResolvedStatusRoutesOptions } from './options.js';
import { createStatusPageTemplate } from './page.js';
import type { StatusHandler, StatusRoute, StatusRoutes, StatusRoutesOptions, StatusSnapshot, StatusSource } from './types.js';
import { landOutlinePath } from './world-map.js';

export const STATUS_PATHS = Object.freeze({
  page: '/',
  pageAlias: '/status',
  json: '/v1/status',
  events: '/v1/status/events',
});

interface StatusMetrics {
  requests: Counter<'route'>;
  streams: Gauge;
  snapshotErrors: Counter;
}

function createMetrics(registry: Registry | undefined): StatusMetrics | undefined {
  if (!registry) return undefined;
  return {
    requests: new Counter({ name: 'meridian_status_requests_total', help: 'Status page requests by route', labelNames: ['route'], registers: [registry] }),
    streams: new Gauge({ name: 'meridian_status_event_streams', help: 'Open status event streams', registers: [registry] }),
    snapshotErrors: new Counter({ name: 'meridian_status_snapshot_errors_total', help: 'Snapshots the status source failed to produce', registers: [registry] }),
  };
}

/**
 * The status page's HTTP handlers, framework-free, for whatever node:http server the
 * DNS process runs on its --http port. Options are checked here, once.
 */
export function createStatusRoutes(source: StatusSource, options: StatusRoutesOptions = {}): StatusRoutes {
  const { logger: givenLogger, registry, ...plain } = options;
  const settings = parseOptions(statusRoutesSchema, plain, 'status page');
  const logger = givenLogger ?? createSilentLogger();
  const metrics = createMetrics(registry);

  let landOutline = '';
  try {
    landOutline = landOutlinePath();
  } catch (err) {
    // The page is still useful without coastlines; the operator learns why from the log.
    logger.warn({ err }, 'status page map drawn without land outline');
  }
  const template = createStatusPageTemplate({ title: settings.title, landOutline, jsonPath: STATUS_PATHS.json, eventsPath: STATUS_PATHS.events });

  const fresh = (): StatusSnapshot => {
    try {
      return boundSnapshot(source.snapshot(), settings);
    } catch (cause) {
      metrics?.snapshotErrors.inc();
      throw new StatusError(StatusErrorCode.SnapshotFailed, 'the status source could not produce a snapshot', { cause });
    }
  };
  const history = new StatusHistoryRecorder({ intervalMs: settings.historyIntervalMs, capacity: settings.historySamples, maxPurges: settings.maxPurges });
  const snapshot = (): StatusSnapshot => {
    const current = fresh();
    history.observe(current);
    return { ...current, history: history.view() };
  };
  // The history samples whether anyone watches or not, so a page opened during an incident
  // shows the minutes before it. One cheap in-memory snapshot per interval.
  let samplingFails = false;
  const sampler = setInterval(() => {
    try {
      history.sample(fresh());
      samplingFails = false;
    } catch (err) {
      if (!samplingFails) logger.warn({ err }, 'status history skips samples while the source fails');
      samplingFails = true;
    }
  }, settings.historyIntervalMs);
  sampler.unref();

  const hub = new EventStreamHub({
    intervalMs: settings.intervalMs,
    keepAliveMs: settings.keepAliveMs,
    maxClients: settings.maxClients,
    snapshotJson: () => JSON.stringify(snapshot()),
    subscribe: source.subscribe?.bind(source),
    logger,
    onClientsChanged: (count) => metrics?.streams.set(count),
  });

  const page: StatusHandler = (_req, res) => {
    metrics?.requests.inc({ route: 'page' });
    let body: string;
    try {
      body = template.render(snapshot());
    } catch (err) {
      // Serve the page anyway: it retries through its stream and shows what arrives.
      logger.warn({ err }, 'status page served without an initial snapshot');
      body = template.render({ generatedAt: Date.now(), nodes: [], decisions: [], purges: [], history: history.view() });
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'content-security-policy': template.contentSecurityPolicy,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    res.end(body);
  };

  const json: StatusHandler = (_req, res) => {
    metrics?.requests.inc({ route: 'json' });
    let status = 200;
    let body: string;
    try {
      body = JSON.stringify(snapshot());
    } catch (err) {
      logger.warn({ err }, 'status snapshot failed');
      status = 500;
      const code = err instanceof StatusError ? err.code : StatusErrorCode.SnapshotFailed;
      body = JSON.stringify({ error: { code, message: 'the status source could not produce a snapshot' } });
    }
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  };

  const events: StatusHandler = (req, res) => {
    metrics?.requests.inc({ route: 'events' });
    hub.accept(req, res);
  };

  const routes: StatusRoute[] = [
    { method: 'GET', path: STATUS_PATHS.page, handler: page },
    { method: 'GET', path: STATUS_PATHS.pageAlias, handler: page },
    { method: 'GET', path: STATUS_PATHS.json, handler: json },
    { method: 'GET', path: STATUS_PATHS.events, handler: events },
  ];
  const byPath = new Map(routes.map((route) => [route.path, route]));

  return {
    routes,
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      const route = byPath.get(requestPath(req.url));
      if (!route) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
        res.end('method not allowed\n');
        return true;
      }
      route.handler(req, res);
      return true;
    },
    close: () => {
      clearInterval(sampler);
      hub.close();
    },
  };
}

/** The path of a request target, without query; '' for targets that are not paths (`*`, garbage). */
function requestPath(target: string | undefined): string {
  if (!target || !target.startsWith('/')) return '';
  try {
    return new URL(target, 'http://status.invalid').pathname;
  } catch {
    return '';
  }
}

/**
 * Cap what is sent and tolerate a sloppy source: lists that are not arrays become empty,
 * so one bad field cannot take the page down. Whatever `history` the source set is dropped:
 * the routes keep their own.
 */
function boundSnapshot(snapshot: StatusSnapshot, settings: ResolvedStatusRoutesOptions): StatusSnapshot {
  const list = <T>(value: T[] | undefined, max: number): T[] => (Array.isArray(value) ? value.slice(0, max) : []);
  return {
    generatedAt: Number.isFinite(snapshot?.generatedAt) ? snapshot.generatedAt : Date.now(),
    nodes: list(snapshot?.nodes, 10_000),
    decisions: list(snapshot?.decisions, settings.maxDecisions),
    purges: list(snapshot?.purges, settings.maxPurges),
  };
}

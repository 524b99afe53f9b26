import { Agent, request } from 'undici';
import type { Logger } from '../telemetry/index.js';
import type { CacheMetrics } from './metrics.js';
import { WARM_TOKEN_HEADER } from './warmup.js';

/** A configured rule: when `match` (a RegExp source) matches a served path, the matched part is replaced by `next`, expanded. */
export interface PrefetchRule {
  match: string;
  next: string;
}

export interface CompiledRule {
  pattern: RegExp;
  next: string;
}

export interface PrefetcherOptions {
  /** Prefetches in flight at most (K). */
  maxConcurrent: number;
  /** Skip prefetching while at least this share of the upstream concurrency limit is taken. */
  busyFraction: number;
  /** Candidates taken from one response at most. */
  maxPerResponse: number;
  upstreamLimit: number;
  upstreamInFlight: () => number;
  /** True when the key is stored already or a fill for it is in flight. */
  present: (host: string, path: string) => boolean;
  warmToken: string;
  metrics: CacheMetrics;
  logger: Logger;
}

/**
 * `{n}` is capture group 1, `{2}` group 2; `{n+1}`, `{n-1}`, `{2+1}` add to a numeric group,
 * keeping its zero padding (`seg-009` → `seg-010`). Undefined when a group is missing or not a number.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string | undefined {
  let failed = false;
  const out = template.replace(/\{(n|\d+)(?:([+-])(\d+))?\}/g, (_all, which: string, sign: string | undefined, amount: string | undefined) => {
    const group = match[which === 'n' ? 1 : Number(which)];
    const value = group !== undefined && sign !== undefined && /^\d+$/.test(group) ? Number(group) + (sign === '+' ? 1 : -1) * Number(amount) : undefined;
    if (group === undefined || (sign !== undefined && (value === undefined || !Number.isSafeInteger(value) || value < 0))) {
      failed = true;
      return '';
    }
    return value === undefined ? group : String(value).padStart(group.startsWith('0') ? group.length : 0, '0');
  });
  return failed ? undefined : out;
}

/** The paths a rule set names after `path` was served. Rules match the path without its query, which is kept. */
export function rulePaths(rules: readonly CompiledRule[], path: string): string[] {
  const paths: string[] = [];
  if (rules.length === 0) return paths;
  const queryAt = path.indexOf('?');
  const pathname = queryAt === -1 ? path : path.slice(0, queryAt);
  const query = queryAt === -1 ? '' : path.slice(queryAt);
  for (const rule of rules) {
    const match = rule.pattern.exec(pathname);
    if (!match) continue;
    const replacement = expandTemplate(rule.next, match);
    if (replacement === undefined) continue;
    const next = pathname.slice(0, match.index) + replacement + pathname.slice(match.index + match[0].length);
    if (next.startsWith('/') && next !== pathname) paths.push(next + query);
  }
  return paths;
}

/** Same-host targets of `Link: <...>; rel=prefetch` (RFC 8288; rel may list several types). */
export function linkPrefetchPaths(link: string | string[] | undefined, host: string, path: string): string[] {
  if (link === undefined) return [];
  const paths: string[] = [];
  const base = `http://${host}${path}`;
  for (const value of Array.isArray(link) ? link : [link]) {
    for (const match of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(match[2] ?? '');
      const types = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
      if (!types.includes('prefetch') || !URL.canParse(match[1]!, base)) continue;
      const target = new URL(match[1]!, base);
      if (/^https?:$/.test(target.protocol) && target.hostname.toLowerCase() === host) paths.push(target.pathname + target.search);
    }
  }
  return paths;
}

/** Rules as configured (validated by the config schema) → compiled patterns. */
export function compileRules(rules: readonly PrefetchRule[]): CompiledRule[] {
  return rules.map((rule) => ({ pattern: new RegExp(rule.match), next: rule.next }));
}

/**
 * Background prefetch at low priority: a candidate is fetched through the node's own listener
 * (the normal fill path) only when fewer than K prefetches run, the upstream limit is far from
 * saturation, and the object is neither stored nor being fetched. Anything else is skipped,
 * never queued: a prefetch that cannot run now is not worth running late.
 */
export class Prefetcher {
  private active = 0;
  private readonly pending = new Set<string>();
  private address: string | undefined;
  private readonly dispatcher: Agent;
  private closed = false;

  constructor(private readonly options: PrefetcherOptions) {
    this.dispatcher = new Agent({ connections: options.maxConcurrent, connect: { rejectUnauthorized: false } });
  }

  /** The node's own serving address, once it listens. */
  setAddress(address: string): void {
    this.address = address;
  }

  /** After a client request for `path` was answered: prefetch what rules and hints name. */
  consider(host: string, paths: readonly string[]): void {
    for (const path of paths.slice(0, this.options.maxPerResponse)) {
      const skip = this.skipReason(host, path);
      if (skip) {
        this.options.metrics.prefetches.inc({ outcome: `skipped-${skip}` });
        continue;
      }
      this.start(host, path);
    }
  }

  private skipReason(host: string, path: string): string | undefined {
    if (this.closed || this.address === undefined) return 'closed';
    if (this.pending.has(`${host}\n${path}`)) return 'in-flight';
    if (this.active >= this.options.maxConcurrent) return 'busy';
    if (this.options.upstreamInFlight() >= this.options.busyFraction * this.options.upstreamLimit) return 'busy';
    if (this.options.present(host, path)) return 'present';
    return undefined;
  }

  private start(host: string, path: string): void {
    const id = `${host}\n${path}`;
    this.active++;
    this.pending.add(id);
    // setImmediate: after the I/O already queued (client requests) has had its turn.
    setImmediate(() => {
      this.fetch(host, path)
        .then((ok) => this.options.metrics.prefetches.inc({ outcome: ok ? 'fetched' : 'failed' }))
        .catch((err: unknown) => {
          this.options.metrics.prefetches.inc({ outcome: 'failed' });
          this.options.logger.debug({ err, host, path }, 'prefetch failed');
        })
        .finally(() => {
          this.active--;
          this.pending.delete(id);
        });
    });
  }

  private async fetch(host: string, path: string): Promise<boolean> {
    const response = await request(new URL(path, this.address), {
      method: 'GET',
      headers: { host, [WARM_TOKEN_HEADER]: this.options.warmToken },
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(30_000),
    });
    // Read to the end: the node stores the object before answering, so the body itself is not needed.
    for await (const _chunk of response.body);
    return response.statusCode < 400;
  }

  /** Prefetches in flight now. */
  get inFlight(): number {
    return this.active;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dispatcher.close();
  }
}

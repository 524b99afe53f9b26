import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { CacheError, CacheErrorCode } from './errors.js';

/** One object to load: the Host it is asked for and its path (with query). */
export interface WarmTarget {
  host: string;
  path: string;
}

/** What loading a list through one node did. */
export interface WarmReport {
  node: string;
  /** Already stored there (Cache-Status of that node says hit). */
  hits: number;
  /** Fetched through the node's fill path. */
  misses: number;
  /** Error statuses, refused requests or unreachable node. */
  failures: number;
  /** Not attempted: the time or byte budget ran out first. */
  skipped: number;
  bytes: number;
}

export interface WarmOptions {
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Stop starting requests at this wall-clock ms. */
  deadline?: number;
  /** Stop starting requests once this many body bytes arrived. */
  maxBytes?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Extra request fields (the node's own warm-up token). */
  headers?: Record<string, string>;
  /** Accept any TLS certificate (the node warming itself through its own HTTPS listener). */
  insecure?: boolean;
}

/**
 * GET every target through one node (`http(s)://host:port`), as a client would, so each miss
 * is filled by the node's normal path (parents, coalescing, admission) and stored. Bounded in
 * concurrency, time and bytes; never throws for a failed object: it is counted.
 */
export async function warmThrough(node: string, targets: readonly WarmTarget[], options: WarmOptions = {}): Promise<WarmReport> {
  const report: WarmReport = { node, hits: 0, misses: 0, failures: 0, skipped: 0, bytes: 0 };
  const dispatcher = new Agent({ connections: options.concurrency ?? 8, connect: { rejectUnauthorized: !options.insecure } });
  const statusName = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join(', ') : (value ?? ''));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const target = targets[next++]!;
      const outOfTime = options.deadline !== undefined && Date.now() >= options.deadline;
      const outOfBytes = options.maxBytes !== undefined && report.bytes >= options.maxBytes;
      if (outOfTime || outOfBytes) {
        report.skipped++;
        continue;
      }
      try {
        const timeoutMs = Math.min(options.timeoutMs ?? 30_000, options.deadline === undefined ? Infinity : Math.max(1, options.deadline - Date.now()));
        const response = await request(new URL(target.path, node), {
          method: 'GET',
          headers: { host: target.host, ...options.headers },
          dispatcher,
          signal: AbortSignal.timeout(timeoutMs),
        });
        let bytes = 0;
        for await (const chunk of response.body) bytes += (chunk as Buffer).length;
        report.bytes += bytes;
        if (response.statusCode >= 400) report.failures++;
        // The last Cache-Status member is the node's own (RFC 9211: members are appended towards the client).
        else if (/; hit(;|$)/.test(statusName(response.headers['cache-status']).split(',').at(-1)!.trim())) report.hits++;
        else report.misses++;
      } catch {
        report.failures++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  } finally {
    await dispatcher.close();
  }
  return report;
}

/**
 * A URL list: one per line, absolute (`https://www.example.com/a.css`: Host from the URL) or a
 * path (`/a.css`: Host from `defaultHost`). Blank lines and `#` comments are skipped. A line that
 * is neither is an error naming the line, so a typo never warms silently less than asked.
 */
export function parseWarmList(text: string, source: string, defaultHost?: string): WarmTarget[] {
  const targets: WarmTarget[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('/')) {
      if (!defaultHost) throw new CacheError(CacheErrorCode.WARM_INPUT_INVALID, `${source}:${i + 1}: "${line}" is a path but no --host was given`, { hint: 'pass --host www.example.com or list absolute URLs' });
      targets.push({ host: defaultHost, path: line });
      continue;
    }
    if (!URL.canParse(line) || !/^https?:$/.test(new URL(line).protocol)) {
      throw new CacheError(CacheErrorCode.WARM_INPUT_INVALID, `${source}:${i + 1}: "${line}" is neither an http(s) URL nor a path`, { hint: 'one URL or /path per line; # starts a comment' });
    }
    const url = new URL(line);
    targets.push({ host: defaultHost ?? url.host, path: url.pathname + url.search });
  }
  return targets;
}

export function readWarmList(file: string, defaultHost?: string): WarmTarget[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CacheError(CacheErrorCode.WARM_INPUT_INVALID, `cannot read ${file}`, { cause: err, hint: 'check the --urls path' });
  }
  return parseWarmList(text, file, defaultHost);
}

import type { IncomingHttpHeaders } from 'node:http';
import type { StoredHeaders } from './types.js';

/** RFC 9110 7.6.1 hop-by-hop fields, plus the proxy-only ones no proxy may forward. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
]);

/**
 * Copy header fields without the hop-by-hop ones (and those named in Connection).
 * Also drops `skip` fields. Values keep their shape (Set-Cookie stays an array).
 */
export function withoutHopByHop(headers: IncomingHttpHeaders | StoredHeaders, skip?: ReadonlySet<string>): StoredHeaders {
  const named = headers.connection;
  const listed = named ? new Set(String(named).toLowerCase().split(',').map((token) => token.trim())) : undefined;
  const out: StoredHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listed?.has(name) || skip?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** One string per field (RFC 9110 5.3 list join), except Set-Cookie, which cannot be joined. */
export function singleValue(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Surrogate keys for purge-by-tag: `Surrogate-Key` is space-separated, `Cache-Tag` comma-separated. */
export function responseTags(headers: StoredHeaders): string[] {
  const tags = new Set<string>();
  const surrogate = singleValue(headers['surrogate-key']);
  if (surrogate) for (const tag of surrogate.split(/\s+/)) if (tag) tags.add(tag);
  const cacheTag = singleValue(headers['cache-tag']);
  if (cacheTag) for (const tag of cacheTag.split(',')) if (tag.trim()) tags.add(tag.trim());
  return [...tags];
}

/** Parse a Cache-Control-style field into directive → value (true when valueless). */
export function parseDirectives(field: string | undefined): Map<string, string | true> {
  const directives = new Map<string, string | true>();
  if (!field) return directives;
  for (const part of field.split(',')) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!name || directives.has(name)) continue;
    directives.set(name, eq === -1 ? true : part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return directives;
}

/** A delta-seconds directive value, or undefined when absent or malformed. */
export function deltaSeconds(value: string | true | undefined): number | undefined {
  if (value === undefined || value === true || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// Case-insensitive (the `i` flags): RFC 9110 5.6.7 encourages recipients to be robust in parsing
// timestamps, and nginx reads an Expires of `THU, 18 AUG 2050 ... gmt` as that date too; only the
// shape (fields, separators, GMT) stays strict.
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

/**
 * RFC 9110 5.6.7 HTTP-date, strictly in shape (names in any case): IMF-fixdate, the obsolete
 * RFC 850 and asctime forms, nothing else (Date.parse accepts far more, which would make an
 * invalid Expires look valid). Milliseconds since the epoch, or undefined.
 */
export function parseHttpDate(value: string): number | undefined {
  let day: string, month: string, year: number, h: string, m: string, s: string;
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    [, day, month, , h, m, s] = match as unknown as string[] as [string, string, string, string, string, string, string];
    year = Number(match[3]);
  } else if ((match = RFC850_DATE.exec(value))) {
    [, day, month, , h, m, s] = match as unknown as string[] as [string, string, string, string, string, string, string];
    const short = Number(match[3]);
    // RFC 9110 5.6.7: a two-digit year more than 50 years in the future means the previous century.
    const now = new Date().getUTCFullYear();
    year = 2000 + short > now + 50 ? 1900 + short : 2000 + short;
  } else if ((match = ASCTIME_DATE.exec(value))) {
    [, month, day, h, m, s] = match as unknown as string[] as [string, string, string, string, string, string];
    year = Number(match[6]);
  } else {
    return undefined;
  }
  const time = Date.UTC(year, MONTHS.indexOf(month.toLowerCase()), Number(day.trim()), Number(h), Number(m), Number(s));
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Shallow copy of a header object. A for-in loop, because object spread of objects with
 * non-identifier keys ("cache-control") hits a slow V8 path: ~20x slower on the hit path.
 */
export function copyHeaders(headers: StoredHeaders): StoredHeaders {
  const out: StoredHeaders = {};
  for (const name in headers) out[name] = headers[name]!;
  return out;
}

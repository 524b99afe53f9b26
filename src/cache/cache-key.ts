import type { IncomingHttpHeaders } from 'node:http';

/** The host part of a Host header, lower-cased and without the port. */
export function hostOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const host = hostHeader.toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** The request target as origin-form (path and query), even if the client sent absolute-form. */
export function pathOf(url: string): string {
  if (url.startsWith('/')) return url;
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  }
  return '/';
}

/** Primary cache key: one per (host, path+query). */
export function primaryKey(host: string, path: string): string {
  return `${host}\n${path}`;
}

/** Field names from a Vary value, lower-cased, in order. */
export function varyFields(vary: string | undefined): string[] {
  if (!vary) return [];
  return vary.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
}

/** Fields whose values are case-insensitive throughout (language ranges, content codings, `q`: RFC 9110 12.5). */
const CASE_INSENSITIVE_FIELDS = new Set(['accept-language', 'accept-encoding']);

/**
 * RFC 9111 4.1: selecting fields match when they differ only by whitespace the syntax allows or
 * by a normalisation their definition makes equivalent. So the key drops optional whitespace
 * around list commas (node already trimmed the ends, and joins repeated lines with ", "), and for
 * the case-insensitive Accept fields also around `;` parameters, and their case. Order is kept:
 * equal-q language ranges are often read in order of preference (RFC 9110 12.5.4).
 */
export function normaliseVaryValue(name: string, value: string): string {
  if (CASE_INSENSITIVE_FIELDS.has(name)) return value.replace(/[ \t]*([,;])[ \t]*/g, '$1').toLowerCase();
  return value.includes(',') ? value.replace(/[ \t]*,[ \t]*/g, ',') : value;
}

export type VaryNormaliser = (name: string, value: string) => string;

/** Values longer than this are normalised every time rather than remembered. */
const MEMO_VALUE_CHARS = 256;

/**
 * `normaliseVaryValue` remembered per field: request values repeat (a few browser strings), and
 * normalising allocates (~0.4 µs) where a lookup costs ~0.05 µs — this runs on every Vary'd hit.
 * One per node; each field's memo is emptied when it reaches `limit` entries, so odd values cannot grow it.
 */
export function createVaryNormaliser(limit = 1024): VaryNormaliser {
  const byField = new Map<string, Map<string, string>>();
  return (name, value) => {
    if (value.length > MEMO_VALUE_CHARS) return normaliseVaryValue(name, value);
    let memo = byField.get(name);
    if (!memo) {
      if (byField.size >= limit) byField.clear();
      byField.set(name, (memo = new Map()));
    }
    let normalised = memo.get(value);
    if (normalised === undefined) {
      if (memo.size >= limit) memo.clear();
      normalised = normaliseVaryValue(name, value);
      memo.set(value, normalised);
    }
    return normalised;
  };
}

/** The part of the key a Vary response adds: the request's values of the varying fields, normalised. */
export function secondaryKey(fields: readonly string[], headers: IncomingHttpHeaders, normalise: VaryNormaliser): string {
  let key = '';
  for (const name of fields) {
    const value = headers[name];
    key += `${name}:${value === undefined ? '' : normalise(name, Array.isArray(value) ? value.join(',') : value)}\n`;
  }
  return key;
}

export function variantKey(primary: string, epoch: string, secondary: string): string {
  return `${primary}\n${epoch}\n${secondary}`;
}

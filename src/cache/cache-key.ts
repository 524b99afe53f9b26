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

/** The part of the key a Vary response adds: the request's values of the varying fields. */
export function secondaryKey(fields: readonly string[], headers: IncomingHttpHeaders): string {
  let key = '';
  for (const name of fields) {
    const value = headers[name];
    key += `${name}:${Array.isArray(value) ? value.join(', ') : (value ?? '')}\n`;
  }
  return key;
}

export function variantKey(primary: string, epoch: string, secondary: string): string {
  return `${primary}\n${epoch}\n${secondary}`;
}

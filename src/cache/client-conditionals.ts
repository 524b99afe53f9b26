import type { IncomingHttpHeaders } from 'node:http';
import { singleValue } from './http-headers.js';
import type { StoredHeaders } from './types.js';

/** RFC 9110 8.8.3.2 weak comparison: opaque tags equal, W/ ignored. */
function weakMatch(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '');
}

function entityTags(list: string): string[] {
  return list.match(/(W\/)?"[^"]*"|\*/g) ?? [];
}

/**
 * Answer a client's GET/HEAD conditional from a stored 200 (RFC 9110 13.2.2 order):
 * If-None-Match wins over If-Modified-Since. True → reply 304 Not Modified.
 */
export function isNotModified(request: IncomingHttpHeaders, stored: StoredHeaders): boolean {
  const ifNoneMatch = request['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const etag = singleValue(stored.etag);
    const tags = entityTags(ifNoneMatch);
    if (tags.includes('*')) return true;
    // A tag echoed byte for byte matches even when malformed (unquoted, `w/`): the origin sent it as
    // its validator, and nginx, Varnish and Fastly answer such a repeat with 304 too.
    return etag !== undefined && (ifNoneMatch === etag || tags.some((tag) => weakMatch(tag, etag)));
  }
  const ifModifiedSince = request['if-modified-since'];
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    const lastModified = Date.parse(singleValue(stored['last-modified']) ?? '');
    if (Number.isNaN(since) || Number.isNaN(lastModified)) return false;
    return lastModified <= since;
  }
  return false;
}

/** Fields kept on a 304 built from a stored response (RFC 9110 15.4.5: the ones a 200 would have sent, minus content framing). */
export function notModifiedHeaders(headers: StoredHeaders): StoredHeaders {
  const out: StoredHeaders = {};
  for (const name in headers) {
    if (name === 'content-length' || name === 'content-range') continue;
    out[name] = headers[name]!;
  }
  return out;
}

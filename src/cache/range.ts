import type { IncomingHttpHeaders } from 'node:http';
import { singleValue } from './http-headers.js';
import type { StoredHeaders } from './types.js';

export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * Answer a Range request from a cached full representation (RFC 9110 14.2).
 * One byte range is served as 206; several ranges are answered with the full 200,
 * which RFC 9110 14.2 allows; a failed If-Range also yields the full 200.
 */
export function rangeFor(request: IncomingHttpHeaders, stored: StoredHeaders, length: number): RangeAnswer {
  const header = request.range;
  if (!header) return { kind: 'full' };
  const ifRange = request['if-range'];
  if (ifRange !== undefined && !ifRangeMatches(singleValue(ifRange) ?? '', stored)) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: 'full' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'full' };
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, length - suffix);
    end = length - 1;
  } else {
    start = Number(first);
    end = last === '' ? length - 1 : Math.min(Number(last), length - 1);
    if (last !== '' && Number(last) < start) return { kind: 'full' };
  }
  if (start >= length || length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** If-Range holds an entity tag (strong comparison) or an HTTP date (must equal Last-Modified). */
function ifRangeMatches(ifRange: string, stored: StoredHeaders): boolean {
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    const etag = singleValue(stored.etag);
    return etag !== undefined && !etag.startsWith('W/') && !value.startsWith('W/') && etag === value;
  }
  const lastModified = singleValue(stored['last-modified']);
  return lastModified !== undefined && Date.parse(lastModified) === Date.parse(value);
}

import CachePolicy from 'http-cache-semantics';
import type { IncomingHttpHeaders } from 'node:http';
import { deltaSeconds, parseDirectives, parseHttpDate, singleValue } from './http-headers.js';
import { parseSfDictionary } from './structured-field.js';
import type { StoredHeaders } from './types.js';

/**
 * RFC 9111 decisions through http-cache-semantics in shared-cache mode, with two things
 * the library does not know:
 *
 * - Targeted cache control (RFC 9213). When `Meridian-Cache-Control` (Meridian only,
 *   highest precedence) or else `CDN-Cache-Control` is present, its directives replace
 *   Cache-Control and Expires for Meridian's own decisions. The stored/forwarded headers
 *   are untouched: the library only sees a "policy view" of them.
 * - Request-side evaluation: the library treats must-revalidate as "never fresh" and has
 *   no stale-if-error helper, so freshness is decided here from its age()/maxAge().
 */

export interface PolicyOptions {
  heuristicFraction: number;
  allowSetCookie: boolean;
}

/** The request fields a policy keeps: only what its decisions read (no cookies on disk). */
export function policyRequest(host: string, path: string, headers: IncomingHttpHeaders, varyNames: readonly string[]): CachePolicy.Request {
  const kept: Record<string, string> = { host };
  const cacheControl = singleValue(headers['cache-control']);
  if (cacheControl) kept['cache-control'] = cacheControl;
  if (headers.authorization) kept.authorization = 'present';
  for (const name of varyNames) {
    const value = singleValue(headers[name]);
    if (value !== undefined) kept[name] = value;
  }
  return { method: 'GET', url: path, headers: kept };
}

/** Status codes http-cache-semantics understands (it refuses to store any other). */
const LIBRARY_UNDERSTOOD = new Set([200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501]);
const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';
/** Directives whose value must be an integer (delta-seconds) in a targeted field. */
const DELTA_DIRECTIVES = new Set(['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error']);

/** RFC 9213 2.1: a targeted field is a Structured Dictionary; when it does not parse, it is ignored. */
function targetedDirectives(field: string | undefined): string | undefined {
  if (field === undefined) return undefined;
  const dictionary = parseSfDictionary(field);
  if (!dictionary) return undefined;
  const parts: string[] = [];
  for (const [name, item] of dictionary) {
    if (DELTA_DIRECTIVES.has(name) && item.type !== 'integer') return undefined;
    if (item.type === 'boolean' && item.value === true) parts.push(name);
    else if (item.type === 'integer' || item.type === 'token') parts.push(`${name}=${item.value}`);
    else parts.push(`${name}="${String(item.value)}"`);
  }
  return parts.join(', ');
}

function serialise(directives: Map<string, string | true>): string {
  return [...directives].map(([name, value]) => (value === true ? name : `${name}=${value}`)).join(', ');
}

/**
 * The headers the library judges (the stored headers stay as received):
 * - targeted field (Meridian-Cache-Control, else CDN-Cache-Control) replaces Cache-Control and Expires;
 * - directive names lower-cased (RFC 9111 5.2: case-insensitive);
 * - an Age that is not a non-negative integer is ignored; an Expires that is not an
 *   HTTP-date means "already expired" (RFC 9111 5.3);
 * - RFC 9111 3: any final status may be stored with explicit freshness; must-understand
 *   stores understood statuses despite no-store and refuses the rest;
 * - Set-Cookie hidden when the site allows storing it.
 */
export function policyView(status: number, headers: StoredHeaders, options: PolicyOptions): CachePolicy.Response {
  const view: Record<string, string> = {};
  for (const name in headers) {
    if (name === 'set-cookie') {
      if (!options.allowSetCookie) view[name] = 'present';
      continue;
    }
    view[name] = singleValue(headers[name]) ?? '';
  }
  const targeted = targetedDirectives(view['meridian-cache-control']) ?? targetedDirectives(view['cdn-cache-control']);
  if (targeted !== undefined) {
    view['cache-control'] = targeted;
    delete view.expires;
    delete view.pragma;
  }
  const directives = parseDirectives(view['cache-control']);
  if (view.age !== undefined) {
    // A list (or repeated field) keeps its first member, as a recipient of an invalid list would (RFC 9111 5.1).
    const first = view.age.split(',')[0]!.trim();
    if (/^\d+$/.test(first)) view.age = first;
    else delete view.age;
  }
  if (view.expires !== undefined) {
    const expires = parseHttpDate(view.expires.trim());
    view.expires = expires === undefined ? EPOCH : new Date(expires).toUTCString();
  }
  let policyStatus = status;
  if (directives.has('must-understand')) {
    if (LIBRARY_UNDERSTOOD.has(status)) directives.delete('no-store');
    else directives.set('no-store', true);
  } else if (!LIBRARY_UNDERSTOOD.has(status) && status >= 200 && status < 600 && status !== 206 && status !== 304) {
    // Not `public` alone (RFC 9111 4.2.2 allows a heuristic then): a lifetime guessed from
    // Last-Modified for an error status could keep serving an outage for hours.
    const explicit = directives.has('max-age') || directives.has('s-maxage') || view.expires !== undefined;
    if (explicit) policyStatus = 200;
  }
  if (view['cache-control'] !== undefined || directives.size > 0) view['cache-control'] = serialise(directives);
  return { status: policyStatus, headers: view };
}

export function createPolicy(request: CachePolicy.Request, response: CachePolicy.Response, options: PolicyOptions): CachePolicy {
  return new CachePolicy(request, response, { shared: true, cacheHeuristic: options.heuristicFraction, immutableMinTimeToLive: 24 * 3600 * 1000 });
}

/** True when a shared cache may store this response under this site's rules. */
export function isStorable(policy: CachePolicy, response: CachePolicy.Response, headers: StoredHeaders, options: PolicyOptions): boolean {
  if (!policy.storable()) return false;
  if (!options.allowSetCookie && headers['set-cookie'] !== undefined) return false;
  const vary = singleValue(response.headers.vary);
  if (vary && vary.split(',').some((name) => name.trim() === '*')) return false;
  // A response that can never be used without revalidation is still worth storing when it has a validator.
  return policy.maxAge() > 0 || response.headers.etag !== undefined || response.headers['last-modified'] !== undefined;
}

export type Freshness =
  | { use: 'fresh'; ttl: number; age: number }
  | { use: 'stale-while-revalidate'; ttl: number }
  | { use: 'revalidate'; reason: 'stale' | 'request' };

function responseDirectives(policy: CachePolicy): Map<string, string | true> {
  return parseDirectives((policy.toObject() as { resh: Record<string, string> }).resh['cache-control']);
}

/** Cached per policy object: the response directives never change for one policy. */
const directivesCache = new WeakMap<CachePolicy, Map<string, string | true>>();

export function directivesOf(policy: CachePolicy): Map<string, string | true> {
  let directives = directivesCache.get(policy);
  if (!directives) {
    directives = responseDirectives(policy);
    directivesCache.set(policy, directives);
  }
  return directives;
}

/** RFC 9111 4.2 + 5.2.1 + RFC 5861: may this stored response answer this request? */
export function evaluateFreshness(policy: CachePolicy, requestHeaders: IncomingHttpHeaders, honorRequestNoCache: boolean): Freshness {
  const age = policy.age();
  const maxAge = policy.maxAge();
  const ttl = maxAge - age;
  const requestCacheControl = requestHeaders['cache-control'];
  let request: Map<string, string | true> | undefined;
  if (requestCacheControl) {
    request = parseDirectives(singleValue(requestCacheControl));
    if (honorRequestNoCache && request.has('no-cache')) return { use: 'revalidate', reason: 'request' };
    const requestMaxAge = deltaSeconds(request.get('max-age'));
    if (requestMaxAge !== undefined && age > requestMaxAge) return { use: 'revalidate', reason: 'request' };
    const minFresh = deltaSeconds(request.get('min-fresh'));
    if (minFresh !== undefined && ttl < minFresh) return { use: 'revalidate', reason: 'request' };
  } else if (honorRequestNoCache && requestHeaders.pragma?.includes('no-cache')) {
    return { use: 'revalidate', reason: 'request' };
  }
  if (ttl > 0) return { use: 'fresh', ttl, age };

  const response = directivesOf(policy);
  if (response.has('must-revalidate') || response.has('proxy-revalidate') || response.has('no-cache')) return { use: 'revalidate', reason: 'stale' };
  const maxStale = request?.get('max-stale');
  if (maxStale === true || (maxStale !== undefined && -ttl <= (deltaSeconds(maxStale) ?? -1))) return { use: 'fresh', ttl, age };
  const swr = deltaSeconds(response.get('stale-while-revalidate'));
  if (swr !== undefined && -ttl < swr) return { use: 'stale-while-revalidate', ttl };
  return { use: 'revalidate', reason: 'stale' };
}

/** RFC 5861 4: may this stale response be served because the upstream failed? */
export function allowsStaleIfError(policy: CachePolicy): boolean {
  const response = directivesOf(policy);
  if (response.has('must-revalidate') || response.has('proxy-revalidate')) return false;
  const sie = deltaSeconds(response.get('stale-if-error'));
  return sie !== undefined && policy.age() < policy.maxAge() + sie;
}

/**
 * RFC 9111 4.2.4: a cache that cannot reach upstream ("disconnected") may serve stale,
 * unless the response forbids it (must-revalidate, proxy-revalidate, no-cache, and for a
 * shared cache s-maxage, which implies proxy-revalidate, RFC 9111 5.2.2.10).
 */
export function allowsStaleOnDisconnect(policy: CachePolicy): boolean {
  const response = directivesOf(policy);
  return !response.has('must-revalidate') && !response.has('proxy-revalidate') && !response.has('no-cache') && !response.has('s-maxage');
}

/** How long (ms) the entry is worth keeping: its usable lifetime, plus retention for revalidation and stale-on-disconnect. */
export function retentionMs(policy: CachePolicy, staleRetentionSeconds: number): number {
  return policy.timeToLive() + staleRetentionSeconds * 1000;
}

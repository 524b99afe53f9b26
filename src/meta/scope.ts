import type { PurgeRequest, PurgeScope } from './types.js';
import { badPurge } from './errors.js';

/*
 * Scope keys: one string per purge scope, used as the field name of the per-scope
 * versions in the store and as the key of the in-process index. A space separates the
 * parts because neither a host nor a surrogate key may contain one; the path/prefix is
 * last, so it may contain anything.
 */

export function scopeKey(scope: PurgeScope): string {
  switch (scope.kind) {
    case 'url': return `u ${scope.host} ${scope.path}`;
    case 'prefix': return `p ${scope.host} ${scope.prefix}`;
    case 'tag': return `t ${scope.host} ${scope.tag}`;
    case 'site': return `s ${scope.host}`;
  }
}

export function parseScopeKey(key: string): PurgeScope {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  const space = rest.indexOf(' ');
  const host = space === -1 ? rest : rest.slice(0, space);
  const tail = space === -1 ? '' : rest.slice(space + 1);
  switch (kind) {
    case 'u ': return { kind: 'url', host, path: tail };
    case 'p ': return { kind: 'prefix', host, prefix: tail };
    case 't ': return { kind: 'tag', host, tag: tail };
    case 's ': return { kind: 'site', host };
    default: throw badPurge(`unknown scope key ${JSON.stringify(key)}`);
  }
}

/** Lower-case, no trailing dot: the form the index stores and looks up. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

const HOST_PATTERN = /^(\*|\[[0-9a-f:.]+\](:\d{1,5})?|[a-z0-9_.-]+(:\d{1,5})?)$/;
const MAX_TAG_LENGTH = 1024;
const MAX_PATH_LENGTH = 8192;

function checkHost(raw: string, what: string): string {
  const host = normalizeHost(raw.trim());
  if (!host || !HOST_PATTERN.test(host)) throw badPurge(`${what}: ${JSON.stringify(raw)} is not a host name`);
  return host;
}

function parseUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badPurge(`${what}: ${JSON.stringify(raw)} is not an absolute URL (https://host/path)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badPurge(`${what}: ${JSON.stringify(raw)} is not an http(s) URL`);
  return url;
}

/** A URL purge: host plus the path with query string, as in a request line. */
export function urlScope(raw: string): PurgeScope {
  const url = parseUrl(raw, 'url');
  const path = url.pathname + url.search;
  if (path.length > MAX_PATH_LENGTH) throw badPurge(`url: path longer than ${MAX_PATH_LENGTH} characters`);
  return { kind: 'url', host: checkHost(url.host, 'url'), path };
}

/** A prefix purge from a full URL prefix (https://host/path/). The query string, if any, is part of the prefix. */
export function prefixScope(raw: string): PurgeScope {
  const url = parseUrl(raw, 'prefix');
  const prefix = url.pathname + url.search;
  if (prefix.length > MAX_PATH_LENGTH) throw badPurge(`prefix: longer than ${MAX_PATH_LENGTH} characters`);
  return { kind: 'prefix', host: checkHost(url.host, 'prefix'), prefix };
}

/** A tag purge; host '*' (the default) purges the tag on every site. */
export function tagScope(tag: string, host = '*'): PurgeScope {
  const trimmed = tag.trim();
  if (!trimmed || /\s/.test(trimmed) || trimmed.length > MAX_TAG_LENGTH) {
    throw badPurge(`tag: ${JSON.stringify(tag)} must be one surrogate key (no spaces, 1-${MAX_TAG_LENGTH} characters)`);
  }
  return { kind: 'tag', host: checkHost(host, 'tag host'), tag: trimmed };
}

export function siteScope(host: string): PurgeScope {
  return { kind: 'site', host: checkHost(host, 'all') };
}

/** What the admin endpoint and the CLI accept, before validation. */
export interface PurgeSpec {
  urls?: unknown;
  tags?: unknown;
  prefixes?: unknown;
  all?: unknown;
  host?: unknown;
  soft?: unknown;
}

const MAX_ITEMS = 100_000;

function stringList(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw badPurge(`${what} must be a list of strings`);
  return value as string[];
}

/** Validate a purge spec from untrusted input into requests. Throws MERIDIAN_E_META_BAD_PURGE. */
export function purgeRequestsFromSpec(spec: unknown): PurgeRequest[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw badPurge('the purge body must be a JSON object');
  const body = spec as PurgeSpec;
  const known = new Set(['urls', 'tags', 'prefixes', 'all', 'host', 'soft']);
  for (const key of Object.keys(body)) if (!known.has(key)) throw badPurge(`unknown field ${JSON.stringify(key)} (expected urls, tags, prefixes, all, host, soft)`);
  if (body.soft !== undefined && typeof body.soft !== 'boolean') throw badPurge('soft must be true or false');
  if (body.host !== undefined && typeof body.host !== 'string') throw badPurge('host must be a string');
  if (body.all !== undefined && typeof body.all !== 'string') throw badPurge('all must be a host name');
  const soft = body.soft === true;
  const scopes: PurgeScope[] = [
    ...stringList(body.urls, 'urls').map(urlScope),
    ...stringList(body.tags, 'tags').map((tag) => tagScope(tag, (body.host as string | undefined) ?? '*')),
    ...stringList(body.prefixes, 'prefixes').map(prefixScope),
    ...(body.all === undefined ? [] : [siteScope(body.all as string)]),
  ];
  if (scopes.length === 0) throw badPurge('nothing to purge: give urls, tags, prefixes or all');
  if (scopes.length > MAX_ITEMS) throw badPurge(`too many items in one purge (${scopes.length} > ${MAX_ITEMS})`);
  return scopes.map((scope) => ({ scope, soft }));
}

export function describeScope(scope: PurgeScope): string {
  switch (scope.kind) {
    case 'url': return `url ${scope.host}${scope.path}`;
    case 'prefix': return `prefix ${scope.host}${scope.prefix}`;
    case 'tag': return `tag ${scope.tag}${scope.host === '*' ? '' : ` on ${scope.host}`}`;
    case 'site': return `all of ${scope.host}`;
  }
}

/** The same scope with its host in index form, so a request from code matches one from the CLI. */
export function normalizeScope(scope: PurgeScope): PurgeScope {
  const host = normalizeHost(scope.host);
  return host === scope.host ? scope : { ...scope, host };
}

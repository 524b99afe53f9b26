/**
 * RFC 9211 Cache-Status. The field is a list ordered from the origin towards the user
 * (RFC 9211 section 2: "the first member of the list represents the cache closest to
 * the origin"), so each Meridian node APPENDS its member after the ones its upstream
 * sent. A chain therefore reads top to bottom: regional first, then edge.
 */
export interface CacheStatusMember {
  hit?: boolean;
  /** RFC 9211 2.2 values: uri-miss, vary-miss, miss, request, stale, partial, bypass, method. */
  fwd?: 'uri-miss' | 'vary-miss' | 'miss' | 'request' | 'stale' | 'bypass' | 'method';
  fwdStatus?: number;
  stored?: boolean;
  collapsed?: boolean;
  ttl?: number;
  detail?: string;
}

export function formatMember(name: string, member: CacheStatusMember): string {
  let out = name;
  if (member.hit) out += '; hit';
  if (member.fwd) out += `; fwd=${member.fwd}`;
  if (member.fwdStatus !== undefined) out += `; fwd-status=${member.fwdStatus}`;
  if (member.stored) out += '; stored';
  if (member.collapsed) out += '; collapsed';
  if (member.ttl !== undefined) out += `; ttl=${Math.floor(member.ttl)}`;
  if (member.detail) out += `; detail=${/^[A-Za-z*][A-Za-z0-9_.*:/%+-]*$/.test(member.detail) ? member.detail : JSON.stringify(member.detail)}`;
  return out;
}

/** Add this node's member after the upstream's (if any). */
export function appendCacheStatus(upstream: string | string[] | undefined, member: string): string {
  const previous = Array.isArray(upstream) ? upstream.join(', ') : upstream;
  return previous ? `${previous}, ${member}` : member;
}

/**
 * RFC 6672 DNAME substitution: the name arithmetic behind CNAME synthesis. The
 * answer algorithm (answer.ts) decides when a DNAME applies; this says what it yields.
 */
import { encodeName } from '../zone/index.js';
import { MAX_NAME_LENGTH } from './wire.js';

/**
 * RFC 6672 2.2: `name` with its suffix `owner` (the DNAME owner, a proper ancestor)
 * replaced by `target`. Undefined when the result would exceed 255 octets on the wire,
 * which the server answers with YXDOMAIN. Names are canonical (lowercase, escaped).
 */
export function substituteDname(name: string, owner: string, target: string): string | undefined {
  // Wire lengths, not text lengths: escaped bytes (\. \DDD) take one octet each.
  const prefixOctets = encodeName(name).length - encodeName(owner).length;
  if (prefixOctets + encodeName(target).length > MAX_NAME_LENGTH) return undefined;
  const prefix = owner === '' ? name : name.slice(0, name.length - owner.length - 1);
  return target === '' ? prefix : `${prefix}.${target}`;
}

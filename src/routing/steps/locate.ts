import { parseAddress } from '../address.js';
import { note, type DecisionState, type RoutingEnv } from '../state.js';

/** Bits of the client address that identify "the same client" for stickiness (a /24 or a /56). */
export const HASH_PREFIX_V4 = 24;
export const HASH_PREFIX_V6 = 56;

function maskKey(state: DecisionState): void {
  const { words } = state.parsed;
  const key = state.key;
  const bits = state.hashPrefix;
  for (let w = 0; w < 4; w++) {
    const from = w * 32;
    const word = state.parsed.family === 6 || w === 0 ? words[w]! : 0;
    if (bits >= from + 32) key[w] = word;
    else if (bits <= from) key[w] = 0;
    else key[w] = (word & (0xffffffff << (32 - (bits - from)))) >>> 0;
  }
  // An IPv6 key never uses its last word (/56 at most): mark IPv4 keys there so 10.0.0.0/24 and a:0::/56 differ.
  if (state.parsed.family === 4) key[3] = 4;
}

/**
 * locate: the ECS address when the query carries one with a source prefix > 0 (RFC 7871
 * section 7.1.2), else the resolver's address; then the GeoLocator's facts about it.
 */
export function locate(state: DecisionState, env: RoutingEnv): void {
  const ecs = state.ecs;
  const useEcs = ecs !== undefined && ecs.sourcePrefix > 0;
  state.address = useEcs ? ecs.address : state.resolverAddress;
  state.sourcePrefix = ecs === undefined ? 0 : ecs.sourcePrefix;
  if (!parseAddress(state.address, state.parsed)) {
    state.key.fill(0);
    state.hashPrefix = 0;
    if (state.trace) note(state, 'locate', `cannot parse client address '${state.address}': no location, all clients hash alike`);
    return;
  }
  const cap = state.parsed.family === 4 ? HASH_PREFIX_V4 : HASH_PREFIX_V6;
  state.hashPrefix = useEcs && ecs.sourcePrefix < cap ? ecs.sourcePrefix : cap;
  maskKey(state);
  try {
    state.location = env.geo?.locate(state.address);
  } catch (err) {
    // A locator that cannot place an address must not fail the query: route it unlocated.
    state.location = undefined;
    if (state.trace) note(state, 'locate', `locator failed for ${state.address}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (state.trace) {
    const from = useEcs ? `ECS ${ecs.address}/${ecs.sourcePrefix}` : `resolver ${state.address}${ecs ? ' (ECS source prefix 0)' : ''}`;
    const loc = state.location;
    let facts = 'no geo data configured';
    if (loc) {
      const parts: string[] = [];
      if (loc.continent) parts.push(`continent ${loc.continent}`);
      if (loc.country) parts.push(`country ${loc.country}`);
      if (loc.subdivision) parts.push(`subdivision ${loc.subdivision}`);
      if (loc.site) parts.push(`site ${loc.site}`);
      if (loc.pool) parts.push(`pool ${loc.pool}`);
      if (loc.latitude !== undefined && loc.longitude !== undefined) parts.push(`at ${loc.latitude},${loc.longitude}`);
      facts = loc.source === 'none' ? 'not found in coverage map or GeoIP' : `${loc.source} /${loc.networkPrefix}: ${parts.join(', ') || 'no details'}`;
    }
    note(state, 'locate', `${from}: ${facts}; client subnet key /${state.hashPrefix}`);
  }
}

import type { ClientLocation } from '../../geo/index.js';
import { dependOn, note, type DecisionState, type RoutingEnv } from '../state.js';
import type { CompiledGeo, CompiledPool, CompiledRule } from '../types.js';

function geoMatches(location: ClientLocation | undefined, geos: readonly CompiledGeo[]): boolean {
  if (!location) return false;
  for (let i = 0; i < geos.length; i++) {
    const geo = geos[i]!;
    if (location.continent !== geo.continent) continue;
    if (geo.country !== undefined && location.country !== geo.country) continue;
    if (geo.subdivision !== undefined && location.subdivision !== geo.subdivision) continue;
    return true;
  }
  return false;
}

function poolNamed(pools: readonly CompiledPool[], name: string | undefined, bySite: boolean): CompiledPool | undefined {
  if (name === undefined) return undefined;
  for (let i = 0; i < pools.length; i++) {
    const pool = pools[i]!;
    if (bySite ? pool.site === name : pool.name === name) return pool;
  }
  return undefined;
}

/** The prefix that made a location-based choice: the matched network, or the client subnet when nothing was found. */
function locationPrefix(state: DecisionState): number {
  const prefix = state.location?.networkPrefix ?? 0;
  return prefix > 0 ? prefix : state.hashPrefix;
}

/**
 * rule/pool: the operator's coverage map may name a pool (or a site a pool serves) for the
 * client's network; otherwise the first rule whose subnets and geos both match (a rule
 * listing both needs both, octoDNS's "subnet+geo" category). The last rule is a catch-all.
 */
export function chooseRule(state: DecisionState, _env: RoutingEnv): void {
  const record = state.record;
  const location = state.location;
  const covered = poolNamed(record.pools, location?.pool, false) ?? poolNamed(record.pools, location?.site, true);
  if (covered) {
    state.rulePool = covered;
    dependOn(state, locationPrefix(state));
    if (state.trace) {
      const via = location?.pool === covered.name ? `pool ${covered.name}` : `site ${location?.site}`;
      note(state, 'rule', `coverage map /${location?.networkPrefix} names ${via}: pool ${covered.name}`);
    }
    return;
  }
  let subnetPrefix = -1;
  if (record.subnets && state.parsed.family !== 0) {
    subnetPrefix = record.subnets.match(state.parsed.family, state.parsed.words, state.ruleMask);
  }
  const rules = record.rules;
  let chosen: CompiledRule | undefined;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.subnets !== undefined && (subnetPrefix < 0 || ((state.ruleMask[i >>> 5]! >>> (i & 31)) & 1) === 0)) continue;
    if (rule.geos !== undefined && !geoMatches(location, rule.geos)) continue;
    chosen = rule;
    break;
  }
  // Validation guarantees a final catch-all; the fallback keeps a bad compile from throwing.
  chosen ??= rules[rules.length - 1];
  state.rule = chosen;
  state.rulePool = chosen === undefined ? undefined : record.pools[chosen.pool];
  if (rules.length > 1) {
    dependOn(state, locationPrefix(state));
    if (subnetPrefix >= 0) dependOn(state, subnetPrefix);
  }
  if (state.trace && chosen) {
    const what = chosen.subnets || chosen.geos
      ? [chosen.subnets ? `subnets ${chosen.subnets.join(', ')}` : '', chosen.geos ? `geos ${chosen.geos.map((g) => [g.continent, g.country, g.subdivision].filter(Boolean).join('-')).join(', ')}` : '']
          .filter(Boolean)
          .join(' and ')
      : 'catch-all';
    note(state, 'rule', `rule ${chosen.index} (${what}) matches: pool ${state.rulePool?.name}`);
  }
}

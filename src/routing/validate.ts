/**
 * Cross-field checks of one schema-valid routing record: what zod cannot see alone.
 * Every problem names its path; the SourceMap turns the path into a line.
 */
import { parseGeoCode } from '../geo/index.js';
import type { ZoneProblem } from '../zone/index.js';
import { createParsedAddress, parseAddress, parseCidr } from './address.js';
import { PROBE_DEFAULTS } from './probes.js';
import type { HealthcheckExtensionInput, RoutingRecordInput } from './schema.js';
import type { ConfigPath, SourceMap } from './source-map.js';

type Report = (path: ConfigPath, message: string, severity?: ZoneProblem['severity']) => void;

const HOSTNAME = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)+$/;

/** Why `value` cannot be an answer of `type`, or undefined when it can. */
export function valueProblem(type: RoutingRecordInput['type'], value: string): string | undefined {
  if (type === 'CNAME') {
    if (!value.endsWith('.')) return `'${value}' must be a fully qualified name ending in '.'`;
    return HOSTNAME.test(value) && value.length <= 254 ? undefined : `'${value}' is not a valid host name`;
  }
  const parsed = createParsedAddress();
  const ok = parseAddress(value, parsed) && !value.includes('%');
  const written6 = value.includes(':');
  if (type === 'A') return ok && !written6 ? undefined : `'${value}' is not an IPv4 address (type A)`;
  return ok && written6 ? undefined : `'${value}' is not an IPv6 address (type AAAA)`;
}

function checkHealthcheck(hc: HealthcheckExtensionInput | undefined, path: ConfigPath, report: Report): void {
  if (!hc) return;
  if (hc.url !== undefined) {
    if (hc.path !== undefined || hc.protocol !== undefined || hc.port !== undefined) {
      report([...path, 'url'], 'give either url or path/protocol/port, not both');
    }
    if (!hc.url.includes('{address}')) {
      report([...path, 'url'], "must contain '{address}' where each value's address goes");
    } else {
      try {
        const url = new URL(hc.url.replaceAll('{address}', '192.0.2.1'));
        if (url.protocol !== 'http:' && url.protocol !== 'https:') report([...path, 'url'], 'must be an http:// or https:// URL');
      } catch {
        report([...path, 'url'], `'${hc.url}' is not a valid URL`);
      }
    }
  }
}

/** A probe that may outlast its interval hides a slow node behind the schedule (the fleet prober refuses it). */
function checkTimings(merged: HealthcheckExtensionInput, path: ConfigPath, report: Report): void {
  const interval = merged.interval ?? PROBE_DEFAULTS.intervalS;
  const timeout = merged.timeout ?? PROBE_DEFAULTS.timeoutS;
  if (timeout > interval) report([...path, 'timeout'], `timeout (${timeout} s) must not exceed the interval (${interval} s)`);
}

/** Checks a record; `path` is where it sits in the file (['www'] or ['www', 1]). */
export function validateRecord(record: RoutingRecordInput, path: ConfigPath, map: SourceMap): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const report: Report = (p, message, severity = 'error') => {
    problems.push(map.problem(p, message, severity));
  };

  // Static values: the answer without dynamic data and the 'fallback' all-down policy.
  if (record.value !== undefined && record.values !== undefined) report([...path, 'values'], 'give value or values, not both');
  if (record.type === 'CNAME' && record.values !== undefined) report([...path, 'values'], 'a CNAME has one value: use value');
  if (record.value === undefined && record.values === undefined) {
    report(path, 'needs value or values (the static answer, also used when every pool is down)');
  }
  if (record.value !== undefined) {
    const why = valueProblem(record.type, record.value);
    if (why) report([...path, 'value'], why);
  }
  record.values?.forEach((value, i) => {
    const why = valueProblem(record.type, value);
    if (why) report([...path, 'values', i], why);
  });

  const ttl = record.meridian?.ttl;
  if (ttl?.min !== undefined && ttl.max !== undefined && ttl.min > ttl.max) {
    report([...path, 'meridian', 'ttl', 'min'], `must not exceed ttl.max (${ttl.max})`);
  }
  checkHealthcheck(record.meridian?.healthcheck, [...path, 'meridian', 'healthcheck'], report);
  checkTimings(record.meridian?.healthcheck ?? {}, [...path, 'meridian', 'healthcheck'], report);

  const dynamic = record.dynamic;
  if (!dynamic) {
    if (record.meridian && Object.keys(record.meridian).some((k) => k !== 'ttl')) {
      report([...path, 'meridian'], 'routing settings have no effect on a record without dynamic pools', 'warning');
    }
    return problems;
  }

  const poolNames = Object.keys(dynamic.pools);
  const used = new Set<string>();
  for (const [poolName, pool] of Object.entries(dynamic.pools)) {
    const poolPath = [...path, 'dynamic', 'pools', poolName];
    const seen = new Set<string>();
    pool.values.forEach((v, i) => {
      const why = valueProblem(record.type, v.value);
      if (why) report([...poolPath, 'values', i, 'value'], why);
      const key = v.value.toLowerCase();
      if (seen.has(key)) report([...poolPath, 'values', i, 'value'], `'${v.value}' appears twice in pool ${poolName}`);
      seen.add(key);
    });
    if (pool.fallback !== undefined) {
      if (!(pool.fallback in dynamic.pools)) {
        report([...poolPath, 'fallback'], `unknown pool '${pool.fallback}' (pools: ${poolNames.join(', ')})`);
      } else {
        used.add(pool.fallback);
      }
    }
    const selection = pool.meridian?.selection ?? record.meridian?.selection ?? 'weighted';
    if (selection === 'closest') {
      pool.values.forEach((v, i) => {
        if (!v.meridian?.location && !pool.meridian?.location) {
          report([...poolPath, 'values', i], 'closest selection needs meridian.location (lat/lon) on the value or its pool');
        }
      });
    }
    checkHealthcheck(pool.meridian?.healthcheck, [...poolPath, 'meridian', 'healthcheck'], report);
    if (pool.meridian?.healthcheck) checkTimings({ ...record.meridian?.healthcheck, ...pool.meridian.healthcheck }, [...poolPath, 'meridian', 'healthcheck'], report);
  }

  // Fallback chains must end: follow each one, flag the first pool that repeats.
  const reportedCycles = new Set<string>();
  for (const start of poolNames) {
    const chain: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && current in dynamic.pools) {
      if (chain.includes(current)) {
        const cycle = chain.slice(chain.indexOf(current));
        const key = [...cycle].sort().join(',');
        if (!reportedCycles.has(key)) {
          reportedCycles.add(key);
          report([...path, 'dynamic', 'pools', current, 'fallback'], `fallback cycle: ${[...cycle, current].join(' -> ')}`);
        }
        break;
      }
      chain.push(current);
      current = dynamic.pools[current]?.fallback;
    }
  }

  const geoSeen = new Map<string, number>();
  dynamic.rules.forEach((rule, i) => {
    const rulePath = [...path, 'dynamic', 'rules', i];
    if (!(rule.pool in dynamic.pools)) {
      report([...rulePath, 'pool'], `unknown pool '${rule.pool}' (pools: ${poolNames.join(', ')})`);
    } else {
      used.add(rule.pool);
    }
    rule.geos?.forEach((geo, g) => {
      try {
        parseGeoCode(geo);
      } catch (err) {
        report([...rulePath, 'geos', g], err instanceof Error ? err.message : String(err));
        return;
      }
      const earlier = geoSeen.get(geo);
      if (earlier !== undefined) report([...rulePath, 'geos', g], `'${geo}' already appears in rule ${earlier}; this never matches`);
      else geoSeen.set(geo, i);
    });
    rule.subnets?.forEach((cidr, s) => {
      const parsed = parseCidr(cidr);
      if (typeof parsed === 'string') report([...rulePath, 'subnets', s], parsed);
    });
    const catchAll = rule.geos === undefined && rule.subnets === undefined;
    const last = i === dynamic.rules.length - 1;
    if (last && !catchAll) report(rulePath, 'the last rule must be a catch-all (no geos, no subnets)');
    if (!last && catchAll) report(rulePath, 'only the last rule may be a catch-all: the rules after it never match');
  });

  for (const poolName of poolNames) {
    if (!used.has(poolName)) report([...path, 'dynamic', 'pools', poolName], 'pool is not used by any rule or fallback', 'warning');
  }
  return problems;
}

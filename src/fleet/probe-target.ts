import { z } from 'zod';
import { FleetError, FleetErrorCode } from './errors.js';
import type { ProbeTarget, ResolvedProbeTarget } from './types.js';

/** CDN defaults: a dead node is down within interval × downThreshold + timeout ≈ 7 s < 10 s. */
export const PROBE_DEFAULTS = Object.freeze({
  expectStatus: 200,
  intervalMs: 2000,
  timeoutMs: 1000,
  upThreshold: 2,
  downThreshold: 3,
  initial: 'up' as const,
  tlsVerify: true,
});

const probeTargetSchema = z
  .strictObject({
    id: z.string().min(1),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    host: z.string().min(1).optional(),
    expectStatus: z.number().int().min(100).max(599).default(PROBE_DEFAULTS.expectStatus),
    bodyMatch: z.union([z.string().min(1), z.instanceof(RegExp)]).optional(),
    intervalMs: z.number().int().min(10).max(3_600_000).default(PROBE_DEFAULTS.intervalMs),
    timeoutMs: z.number().int().min(10).max(60_000).default(PROBE_DEFAULTS.timeoutMs),
    upThreshold: z.number().int().min(1).max(100).default(PROBE_DEFAULTS.upThreshold),
    downThreshold: z.number().int().min(1).max(100).default(PROBE_DEFAULTS.downThreshold),
    initial: z.enum(['up', 'down']).default(PROBE_DEFAULTS.initial),
    tlsVerify: z.boolean().default(PROBE_DEFAULTS.tlsVerify),
  })
  // As gdnsd: a probe that may outlast its interval hides a slow node behind the schedule.
  .refine((t) => t.timeoutMs <= t.intervalMs, { message: 'timeoutMs must not exceed intervalMs', path: ['timeoutMs'] });

/**
 * Validate one target and apply the defaults; throws MERIDIAN_E_FLEET_TARGET_INVALID naming
 * the field (`where` prefixes the message, e.g. `zones/cdn.yaml: www.pools.eu.healthcheck`).
 */
export function resolveProbeTarget(target: ProbeTarget, where = 'probe target'): ResolvedProbeTarget {
  const result = probeTargetSchema.safeParse(target);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = (issue?.path ?? []).map(String).join('.');
    throw new FleetError(FleetErrorCode.TargetInvalid, `${where}${path ? `: ${path}` : ''}: ${issue?.message ?? 'invalid'}`, {
      cause: result.error,
      hint: 'a probe target is {id, url, host?, expectStatus?, bodyMatch?, intervalMs?, timeoutMs?, upThreshold?, downThreshold?, initial?, tlsVerify?}',
    });
  }
  const { host, bodyMatch, ...rest } = result.data;
  const resolved: ResolvedProbeTarget = { ...rest };
  if (host !== undefined) resolved.host = host;
  if (bodyMatch !== undefined) resolved.bodyMatch = bodyMatch;
  return Object.freeze(resolved);
}

/** Same target config? (A changed target restarts its probe loop; an unchanged one keeps running.) */
export function sameProbeTarget(a: ResolvedProbeTarget, b: ResolvedProbeTarget): boolean {
  const keys = Object.keys(PROBE_DEFAULTS) as (keyof typeof PROBE_DEFAULTS)[];
  return (
    a.id === b.id &&
    a.url === b.url &&
    a.host === b.host &&
    String(a.bodyMatch) === String(b.bodyMatch) &&
    typeof a.bodyMatch === typeof b.bodyMatch &&
    keys.every((k) => a[k] === b[k])
  );
}

/**
 * The shape of one routing record in `zones/<zone>.yaml` (octoDNS layout plus Meridian's
 * extensions under `meridian:`). Unknown keys are rejected everywhere so a typo is an
 * error, not a silently ignored setting. Cross-field checks (pools that exist, cycles,
 * values matching the type, geo codes, CIDRs) live in validate.ts.
 */
import { z } from 'zod';

const location = z.strictObject({
  lat: z.number().min(-90, 'must be -90..90').max(90, 'must be -90..90'),
  lon: z.number().min(-180, 'must be -180..180').max(180, 'must be -180..180'),
});

const siteCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be a site code (letters, digits, _ . -)');

const seconds = (max: number) => z.number().positive('must be > 0').max(max, `must be at most ${max} s`);
const threshold = z.number().int('must be a whole number').min(1, 'must be 1-100').max(100, 'must be 1-100');

export const healthcheckExtension = z.strictObject({
  /** http(s) URL with `{address}` where each value's address goes; overrides path/protocol/port. */
  url: z.string().optional(),
  path: z.string().startsWith('/', "must start with '/'").optional(),
  protocol: z.enum(['http', 'https', 'HTTP', 'HTTPS']).optional(),
  port: z.number().int().min(1, 'must be 1-65535').max(65535, 'must be 1-65535').optional(),
  expect_status: z.number().int().min(100, 'must be 100-599').max(599, 'must be 100-599').optional(),
  body_match: z.string().min(1).optional(),
  interval: seconds(3600).optional(),
  timeout: seconds(600).optional(),
  up_threshold: threshold.optional(),
  down_threshold: threshold.optional(),
});

const selection = z.enum(['closest', 'weighted']);
const answers = z.number().int('must be a whole number').min(1, 'must be 1-16').max(16, 'must be 1-16');
const watermark = z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]');

const valueExtension = z.strictObject({
  location: location.optional(),
  site: siteCode.optional(),
});

const poolExtension = z.strictObject({
  location: location.optional(),
  site: siteCode.optional(),
  selection: selection.optional(),
  answers: answers.optional(),
  healthcheck: healthcheckExtension.optional(),
  load_watermark: watermark.optional(),
});

const ttlSeconds = z.number().int('must be a whole number').min(0, 'must be 0-2147483647').max(2147483647, 'must be 0-2147483647');

const recordExtension = z.strictObject({
  selection: selection.optional(),
  answers: answers.optional(),
  ttl: z.strictObject({ max: ttlSeconds.optional(), min: ttlSeconds.optional() }).optional(),
  healthcheck: healthcheckExtension.optional(),
  load_watermark: watermark.optional(),
  all_down: z.enum(['all', 'fallback', 'empty', 'servfail']).optional(),
});

const poolValue = z.strictObject({
  value: z.string().min(1),
  weight: z.number().int('must be a whole number').min(1, 'must be 1-100').max(100, 'must be 1-100').optional(),
  status: z.enum(['up', 'down', 'obey']).optional(),
  meridian: valueExtension.optional(),
});

const pool = z.strictObject({
  values: z.array(poolValue).min(1, 'a pool needs at least one value'),
  fallback: z.string().min(1).optional(),
  meridian: poolExtension.optional(),
});

const rule = z.strictObject({
  pool: z.string().min(1),
  geos: z.array(z.string()).min(1, 'leave geos out instead of an empty list').optional(),
  subnets: z.array(z.string()).min(1, 'leave subnets out instead of an empty list').optional(),
});

const octodnsHealthcheck = z.strictObject({
  host: z.string().min(1).optional(),
  path: z.string().startsWith('/', "must start with '/'").optional(),
  port: z.number().int().min(1, 'must be 1-65535').max(65535, 'must be 1-65535').optional(),
  // octoDNS also knows TCP; Meridian's prober speaks HTTP(S) only, so TCP is refused here.
  protocol: z.enum(['HTTP', 'HTTPS', 'http', 'https'], { message: 'must be HTTP or HTTPS (TCP checks are not supported)' }).optional(),
});

export const routingRecordSchema = z.strictObject({
  type: z.enum(['A', 'AAAA', 'CNAME'], { message: 'must be A, AAAA or CNAME (other types belong in the .zone file)' }),
  ttl: ttlSeconds.optional(),
  value: z.string().min(1).optional(),
  values: z.array(z.string().min(1)).min(1).optional(),
  dynamic: z
    .strictObject({
      pools: z.record(z.string().min(1), pool),
      rules: z.array(rule).min(1, 'a dynamic record needs at least one rule'),
    })
    .optional(),
  octodns: z.strictObject({ healthcheck: octodnsHealthcheck.optional() }).optional(),
  meridian: recordExtension.optional(),
});

export type RoutingRecordInput = z.infer<typeof routingRecordSchema>;
export type PoolInput = z.infer<typeof pool>;
export type HealthcheckExtensionInput = z.infer<typeof healthcheckExtension>;

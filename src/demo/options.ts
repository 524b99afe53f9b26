import { z } from 'zod';
import { formatConfigIssues } from '../config/index.js';
import { DemoError, DemoErrorCode } from './errors.js';
import type { DemoOptions } from './types.js';

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[0-9.]+|localhost):\d{1,5}$/, 'must be IP:PORT');
const port = z.coerce.number().int().min(1).max(65535);

/** The demo's one schema: defaults here and nowhere else, unknown keys rejected, frozen. */
export const demoOptionsSchema = z.strictObject({
  zonesDir: z.string().min(1).default('zones'),
  dns: hostPort.default('127.0.0.1:5300'),
  http: hostPort.default('127.0.0.1:8053'),
  origin: hostPort.default('127.0.0.1:8000'),
  edgePort: port.default(8080),
  adminPort: port.default(9090),
  geoip: z.string().min(1).default('geo-data/test-city.mmdb'),
  coverageFile: z.string().min(1).optional(),
  redis: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  adminToken: z.string().min(8, 'must be at least 8 characters').optional(),
  settleMs: z.coerce.number().int().min(0).max(60_000).default(8000),
});

export type DemoOptionsInput = z.input<typeof demoOptionsSchema>;

export function parseDemoOptions(input: unknown): Readonly<DemoOptions> {
  const result = demoOptionsSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = formatConfigIssues(result.error.issues, '(options)');
    throw new DemoError(DemoErrorCode.CONFIG, lines.join('; '), { hint: 'meridian demo --help lists the flags' });
  }
  if (result.data.edgePort === result.data.adminPort) {
    throw new DemoError(DemoErrorCode.CONFIG, `adminPort: must differ from edgePort (${result.data.edgePort})`, { hint: 'pass another --admin-port' });
  }
  return Object.freeze(result.data);
}

import { z } from 'zod';
import { formatConfigIssues } from '../config/index.js';
import { StatusError, StatusErrorCode } from './errors.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** The plain (serialisable) options of createStatusRoutes; logger and registry are checked by type. */
export const statusRoutesSchema = z.strictObject({
  title: z.string().min(1).max(120).default('Meridian'),
  intervalMs: int(100, 60_000).default(1000),
  keepAliveMs: int(1000, 300_000).default(15_000),
  maxClients: int(1, 10_000).default(64),
  maxDecisions: int(1, 1000).default(50),
  maxPurges: int(1, 1000).default(100),
  historyIntervalMs: int(100, 600_000).default(5000),
  historySamples: int(2, 2000).default(120),
});

export type ResolvedStatusRoutesOptions = Readonly<z.infer<typeof statusRoutesSchema>>;

export const serveSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: int(0, 65_535).default(0),
});

/** Parse once at the edge; errors name every offending option. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): Readonly<z.infer<S>> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = formatConfigIssues(result.error.issues, what);
    throw new StatusError(StatusErrorCode.OptionsInvalid, `invalid ${what} options: ${problems.join('; ')}`, {
      hint: 'see src/status/README.md for the accepted options and ranges',
    });
  }
  return Object.freeze(result.data) as Readonly<z.infer<S>>;
}

import { RoomError, type ErrorCodeOf } from '../errors/index.js';
import type { ZoneProblem } from './types.js';

/** Error codes of the zone room; the README lists each with what to do. */
export const ZoneErrorCode = {
  /** A zone file (or one of its $INCLUDEs) has errors; `problems` lists them with file:line. */
  invalid: 'MERIDIAN_E_ZONE_INVALID',
  /** A zone file or folder could not be read. */
  read: 'MERIDIAN_E_ZONE_READ',
  /** A value given to an exported encoder (name, rdata, TTL, type) is malformed. */
  syntax: 'MERIDIAN_E_ZONE_SYNTAX',
  /** A folder could not be watched for changes. */
  watch: 'MERIDIAN_E_ZONE_WATCH',
} as const;

export type ZoneErrorCode = ErrorCodeOf<typeof ZoneErrorCode>;

/** Malformed presentation-format input: a name, an rdata field, a TTL, a type. */
export class ZoneSyntaxError extends RoomError<ZoneErrorCode> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(ZoneErrorCode.syntax, message, { ...options, hint: 'see the zone file reference in src/zone/README.md' });
  }
}

/** A zone that cannot be used; every problem carries file:line. */
export class ZoneInvalidError extends RoomError<ZoneErrorCode> {
  readonly problems: readonly ZoneProblem[];

  constructor(file: string, problems: readonly ZoneProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const first = errors[0];
    const summary = first ? `${first.file}:${first.line}: ${first.message}` : file;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
    super(ZoneErrorCode.invalid, `zone file ${file} is invalid: ${summary}${more}`, {
      hint: `run 'meridian zone check ${file}' to see every problem`,
    });
    this.problems = problems;
  }
}

/**
 * Coded errors. Every failure Meridian reports to an operator carries a stable
 * `MERIDIAN_E_*` code, a message that says what went wrong and a hint that says
 * what to do. Each room keeps its own codes in its own `errors.ts`; they all
 * extend this class so callers can test `err instanceof MeridianError`.
 */
export interface MeridianErrorOptions {
  cause?: unknown;
  hint?: string;
}

export class MeridianError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: MeridianErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MeridianError';
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * Base of a room's error class: `class DnsError extends RoomError<DnsErrorCode> {}` gives a
 * MeridianError that accepts only that room's codes and is named after the subclass, so each
 * room's `errors.ts` holds its codes table and nothing else to keep in step.
 */
export class RoomError<Code extends string> extends MeridianError {
  declare readonly code: Code;

  constructor(code: Code, message: string, options: MeridianErrorOptions = {}) {
    super(code, message, options);
    this.name = new.target.name;
  }
}

/** The union of a codes table's values: `ErrorCodeOf<typeof DnsErrorCode>`. */
export type ErrorCodeOf<Table extends Record<string, string>> = Table[keyof Table];

/** One line for a terminal: code, message, and the hint when there is one. */
export function describeError(err: unknown): string {
  if (err instanceof MeridianError) {
    return `${err.code}: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

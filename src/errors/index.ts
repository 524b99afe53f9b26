/**
 * Coded errors. Every failure Meridian reports to an operator carries a stable
 * `MERIDIAN_E_*` code, a message that says what went wrong and a hint that says
 * what to do. Each room keeps its own codes in its own `errors.ts`; they all
 * extend this class so callers can test `err instanceof MeridianError`.
 */
export class MeridianError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MeridianError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** One line for a terminal: code, message, and the hint when there is one. */
export function describeError(err: unknown): string {
  if (err instanceof MeridianError) {
    return `${err.code}: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

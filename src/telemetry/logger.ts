import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Pretty, human-readable lines; defaults to true when stdout is a terminal. */
  pretty?: boolean;
}

/**
 * The root logger of one process. Modules take a child (`logger.child({ module: 'dns' })`)
 * from whoever constructs them; nothing logs through a global.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.MERIDIAN_LOG_LEVEL ?? 'info';
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  if (pretty) {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino({ level });
}

/** A logger that discards everything: for tests and library use where the caller does not care. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

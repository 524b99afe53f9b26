import type { ZoneProblem } from './types.js';

/**
 * Splits master-file text into entries (RFC 1035 section 5.1): one entry per line,
 * except that parentheses continue an entry over line breaks. Comments (";" to the end
 * of the line) are dropped. Tokens keep their escapes (\X, \DDD) undecoded: what an
 * escape means depends on the field (a name label or a character-string).
 */

export interface Token {
  /** Raw text between the delimiters; quotes removed, escapes kept. */
  text: string;
  quoted: boolean;
  line: number;
}

export interface Entry {
  line: number;
  /** The entry's line starts with a blank: the owner is omitted and the previous one applies. */
  ownerOmitted: boolean;
  tokens: Token[];
}

const isBlank = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r';

/** Checks the escape starting at `text[i]` (a backslash); returns its length or an error message. */
function escapeLength(text: string, i: number): number | string {
  const next = text[i + 1];
  if (next === undefined || next === '\n') return 'bad escape: backslash at the end of a line';
  if (next >= '0' && next <= '9') {
    const digits = text.slice(i + 1, i + 4);
    if (!/^\d{3}$/.test(digits)) return `bad escape "\\${digits.replace(/\D.*$/s, '')}": \\DDD needs exactly three digits`;
    if (Number(digits) > 255) return `bad escape "\\${digits}": \\DDD must be at most 255`;
    return 4;
  }
  return 2;
}

/** Where a token stops: a quoted one at its closing quote (or, unterminated, the line's end); a bare one at any delimiter. */
function endsToken(c: string, quoted: boolean): boolean {
  if (quoted) return c === '"' || c === '\n';
  return isBlank(c) || c === '\n' || c === ';' || c === '(' || c === ')' || c === '"';
}

export function tokenize(text: string, file: string): { entries: Entry[]; problems: ZoneProblem[] } {
  const entries: Entry[] = [];
  const problems: ZoneProblem[] = [];
  const error = (line: number, message: string): void => {
    problems.push({ file, line, message, severity: 'error' });
  };

  let line = 1;
  let depth = 0;
  let parenLine = 0;
  let entry: Entry | undefined;
  let broken = false;
  let atLineStart = true;

  const finishEntry = (): void => {
    if (entry && entry.tokens.length > 0 && !broken) entries.push(entry);
    entry = undefined;
    broken = false;
  };
  const addToken = (token: Token): void => {
    entry ??= { line: token.line, ownerOmitted: false, tokens: [] };
    entry.tokens.push(token);
  };

  let i = 0;
  /** The characters of a token from `i` to its end (left at `i`), escapes checked and kept. */
  const readChars = (quoted: boolean): string => {
    let value = '';
    while (i < text.length) {
      const c = text[i] as string;
      if (endsToken(c, quoted)) break;
      if (c !== '\\') {
        value += c;
        i++;
        continue;
      }
      const length = escapeLength(text, i);
      if (typeof length === 'string') {
        // The entry is dropped (broken), so what the token holds no longer matters: skip the backslash.
        error(line, length);
        broken = true;
        i++;
        continue;
      }
      value += text.slice(i, i + length);
      i += length;
    }
    return value;
  };

  while (i < text.length) {
    const ch = text[i] as string;
    if (atLineStart) {
      atLineStart = false;
      if (depth === 0) entry = { line, ownerOmitted: isBlank(ch), tokens: [] };
    }
    if (ch === '\n') {
      line++;
      i++;
      atLineStart = true;
      if (depth === 0) finishEntry();
      continue;
    }
    if (isBlank(ch)) {
      i++;
      continue;
    }
    if (ch === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '(') {
      if (depth === 0) parenLine = line;
      depth++;
      i++;
      continue;
    }
    if (ch === ')') {
      if (depth === 0) {
        error(line, 'unbalanced ")" without a matching "("');
        broken = true;
      } else {
        depth--;
      }
      i++;
      continue;
    }
    if (ch === '"') {
      const start = line;
      i++;
      const value = readChars(true);
      if (text[i] === '"') {
        i++;
      } else {
        error(start, 'unterminated quoted string');
        broken = true;
      }
      addToken({ text: value, quoted: true, line: start });
      continue;
    }
    addToken({ text: readChars(false), quoted: false, line });
  }
  if (depth > 0) {
    error(parenLine, 'unterminated "(": no matching ")" before the end of the file');
    entry = undefined;
  }
  finishEntry();
  return { entries, problems };
}

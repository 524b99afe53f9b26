/**
 * A strict parser for RFC 8941 Structured Field Dictionaries, enough to validate
 * targeted cache-control fields (RFC 9213 2.1: a field that fails to parse as a
 * Dictionary is ignored entirely). Inner lists are rejected (no cache directive uses them).
 */

export type BareItem = { type: 'integer' | 'decimal'; value: number } | { type: 'string' | 'token' | 'bytes'; value: string } | { type: 'boolean'; value: boolean };

const KEY = /^[a-z*][a-z0-9_\-.*]*/;
const ITEM_PATTERNS: [RegExp, (match: string) => BareItem][] = [
  [/^-?\d{1,12}\.\d{1,3}(?![\d.])/, (m) => ({ type: 'decimal', value: Number(m) })],
  [/^-?\d{1,15}(?![\d.])/, (m) => ({ type: 'integer', value: Number(m) })],
  [/^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*"/, (m) => ({ type: 'string', value: m.slice(1, -1).replace(/\\(["\\])/g, '$1') })],
  [/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/, (m) => ({ type: 'token', value: m })],
  [/^:[A-Za-z0-9+/=]*:/, (m) => ({ type: 'bytes', value: m.slice(1, -1) })],
  [/^\?[01]/, (m) => ({ type: 'boolean', value: m === '?1' })],
];

function parseBareItem(input: string): { item: BareItem; rest: string } | undefined {
  for (const [pattern, build] of ITEM_PATTERNS) {
    const match = pattern.exec(input);
    if (match) return { item: build(match[0]), rest: input.slice(match[0].length) };
  }
  return undefined;
}

function parseParameters(input: string): string | undefined {
  let rest = input;
  while (rest.startsWith(';')) {
    rest = rest.slice(1).replace(/^ +/, '');
    const key = KEY.exec(rest);
    if (!key) return undefined;
    rest = rest.slice(key[0].length);
    if (rest.startsWith('=')) {
      const value = parseBareItem(rest.slice(1));
      if (!value) return undefined;
      rest = value.rest;
    }
  }
  return rest;
}

/** Dictionary member name → bare item (parameters are checked and dropped); undefined when malformed. */
export function parseSfDictionary(field: string): Map<string, BareItem> | undefined {
  const out = new Map<string, BareItem>();
  let rest = field.replace(/^[ \t]+|[ \t]+$/g, '');
  if (rest === '') return out;
  for (;;) {
    const key = KEY.exec(rest);
    if (!key) return undefined;
    rest = rest.slice(key[0].length);
    let item: BareItem = { type: 'boolean', value: true };
    if (rest.startsWith('=')) {
      const parsed = parseBareItem(rest.slice(1));
      if (!parsed) return undefined;
      item = parsed.item;
      rest = parsed.rest;
    }
    const afterParameters = parseParameters(rest);
    if (afterParameters === undefined) return undefined;
    rest = afterParameters;
    out.set(key[0], item);
    rest = rest.replace(/^[ \t]+/, '');
    if (rest === '') return out;
    if (!rest.startsWith(',')) return undefined;
    rest = rest.slice(1).replace(/^[ \t]+/, '');
    if (rest === '') return undefined;
  }
}

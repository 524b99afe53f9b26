import { ZoneSyntaxError } from './errors.js';

/**
 * Domain names in presentation form (RFC 1035 section 5.1) and on the wire (section 3.1).
 *
 * Canonical text, used everywhere in Meridian: lowercase, labels joined by ".", no
 * trailing dot, the root is "". A label byte that cannot stand as itself ("." inside
 * a label, a backslash, a control byte) keeps an escape (\. or \DDD), so the text
 * maps to exactly one wire name.
 */

const MAX_LABEL = 63; // RFC 1035 section 2.3.4
const MAX_NAME_WIRE = 255; // RFC 1035 section 2.3.4, counting length bytes and the root

/** Names made only of ordinary label characters skip the byte-level path. */
const PLAIN_NAME = /^[A-Za-z0-9_*-]+(\.[A-Za-z0-9_*-]+)*\.?$/;

/** Split presentation text into label bytes, honouring \X and \DDD escapes. */
function textToLabels(text: string): { labels: Buffer[]; absolute: boolean } {
  if (text === '.') return { labels: [], absolute: true };
  if (text === '') throw new ZoneSyntaxError('empty domain name');
  const labels: Buffer[] = [];
  let current: number[] = [];
  let absolute = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c /* \ */) {
      const next = text[i + 1];
      if (next === undefined) throw new ZoneSyntaxError(`bad escape at the end of name "${text}"`);
      if (next >= '0' && next <= '9') {
        const digits = text.slice(i + 1, i + 4);
        if (!/^\d{3}$/.test(digits) || Number(digits) > 255) {
          throw new ZoneSyntaxError(`bad escape "\\${digits}" in name "${text}" (\\DDD needs three digits, at most 255)`);
        }
        current.push(Number(digits));
        i += 3;
      } else {
        current.push(text.charCodeAt(i + 1));
        i += 1;
      }
    } else if (ch === 0x2e /* . */) {
      if (current.length === 0) throw new ZoneSyntaxError(`empty label in name "${text}"`);
      labels.push(Buffer.from(current));
      current = [];
      if (i === text.length - 1) absolute = true;
    } else {
      if (ch > 0xff) throw new ZoneSyntaxError(`non-ASCII character in name "${text}" (write it as punycode)`);
      current.push(ch);
    }
  }
  if (current.length > 0) labels.push(Buffer.from(current));
  return { labels, absolute };
}

function formatLabel(label: Buffer): string {
  let out = '';
  for (const byte of label) {
    if (byte >= 0x41 && byte <= 0x5a) out += String.fromCharCode(byte + 0x20);
    else if (byte <= 0x20 || byte >= 0x7f) out += `\\${String(byte).padStart(3, '0')}`;
    else if ('.\\"();@$'.includes(String.fromCharCode(byte))) out += `\\${String.fromCharCode(byte)}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

function checkLengths(labels: readonly Buffer[], text: string): void {
  let wire = 1;
  for (const label of labels) {
    if (label.length > MAX_LABEL) throw new ZoneSyntaxError(`label longer than ${MAX_LABEL} bytes in name "${text}"`);
    wire += label.length + 1;
  }
  if (wire > MAX_NAME_WIRE) throw new ZoneSyntaxError(`name "${text}" is longer than ${MAX_NAME_WIRE} bytes`);
}

/**
 * Canonical form of a name written in a zone file: "@" is the origin, a name ending in
 * "." is absolute, anything else is relative to `origin` (canonical itself).
 */
export function resolveName(text: string, origin: string): string {
  if (text === '@') return origin;
  if (PLAIN_NAME.test(text)) {
    const lower = text.toLowerCase();
    const name = lower.endsWith('.') ? lower.slice(0, -1) : origin === '' ? lower : `${lower}.${origin}`;
    checkLengths(name === '' ? [] : name.split('.').map((l) => Buffer.from(l, 'latin1')), text);
    return name;
  }
  const { labels, absolute } = textToLabels(text);
  const relative = labels.map(formatLabel).join('.');
  const name = absolute || origin === '' ? relative : relative === '' ? origin : `${relative}.${origin}`;
  checkLengths(nameToLabels(name), text);
  return name;
}

/** Canonical form of an absolute name given with or without its trailing dot. */
export function canonicalName(text: string): string {
  if (text === '' || text === '.') return '';
  return resolveName(text.endsWith('.') && !text.endsWith('\\.') ? text : `${text}.`, '');
}

/** Label bytes of a canonical name (the root has none). */
export function nameToLabels(name: string): Buffer[] {
  if (name === '') return [];
  if (!name.includes('\\')) return name.split('.').map((label) => Buffer.from(label, 'latin1'));
  return textToLabels(name).labels;
}

/**
 * Uncompressed wire form (RFC 1035 section 3.1) of a name, canonical or with a trailing
 * dot; letters are lowercased. Names without escapes take a one-pass path, because the
 * DNS server calls this per response.
 */
export function encodeName(name: string): Buffer {
  const text = name.endsWith('.') && !isEscapedDot(name, name.length - 1) ? name.slice(0, -1) : name;
  if (text === '') return Buffer.from([0]);
  if (text.includes('\\')) {
    const labels = nameToLabels(canonicalName(name));
    const out = Buffer.allocUnsafe(labels.reduce((n, l) => n + l.length + 1, 1));
    let offset = 0;
    for (const label of labels) {
      out[offset++] = label.length;
      offset += label.copy(out, offset);
    }
    out[offset] = 0;
    return out;
  }
  // One length byte per label replaces each dot, plus the first length byte and the root.
  const out = Buffer.allocUnsafe(text.length + 2);
  if (out.length > MAX_NAME_WIRE) throw new ZoneSyntaxError(`name "${name}" is longer than ${MAX_NAME_WIRE} bytes`);
  let lengthAt = 0;
  let at = 1;
  for (let i = 0; i < text.length; i++) {
    let ch = text.charCodeAt(i);
    if (ch === 0x2e) {
      const length = at - lengthAt - 1;
      if (length === 0) throw new ZoneSyntaxError(`empty label in name "${name}"`);
      if (length > MAX_LABEL) throw new ZoneSyntaxError(`label longer than ${MAX_LABEL} bytes in name "${name}"`);
      out[lengthAt] = length;
      lengthAt = at++;
      continue;
    }
    if (ch > 0xff) throw new ZoneSyntaxError(`non-ASCII character in name "${name}" (write it as punycode)`);
    if (ch >= 0x41 && ch <= 0x5a) ch += 0x20;
    out[at++] = ch;
  }
  const length = at - lengthAt - 1;
  if (length === 0) throw new ZoneSyntaxError(`empty label in name "${name}"`);
  if (length > MAX_LABEL) throw new ZoneSyntaxError(`label longer than ${MAX_LABEL} bytes in name "${name}"`);
  out[lengthAt] = length;
  out[at] = 0;
  return out;
}

/** Canonical text of each byte value inside a label (lowercase, escapes where needed). */
const BYTE_TEXT: readonly string[] = Array.from({ length: 256 }, (_, byte) => formatLabel(Buffer.from([byte])));
/** Bytes that stand for themselves in canonical text once lowercased: letters, digits, "-", "_", "*". */
const PLAIN_BYTE: readonly boolean[] = Array.from({ length: 256 }, (_, byte) => /^[A-Za-z0-9_*-]$/.test(String.fromCharCode(byte)));

/**
 * Read an uncompressed name at `offset` into canonical text. Zone data never holds
 * compression pointers; a pointer or a name running past the end throws ZoneSyntaxError.
 * The DNS server reads every query name with this, so a plain name costs one copy
 * and one string conversion.
 */
export function decodeName(buf: Buffer, offset: number): { name: string; end: number } {
  let at = offset;
  let plain = true;
  for (;;) {
    const length = buf[at];
    if (length === undefined) throw new ZoneSyntaxError('name runs past the end of the data');
    if (length === 0) break;
    if (length > MAX_LABEL) throw new ZoneSyntaxError('compressed or malformed name');
    const end = at + 1 + length;
    if (end > buf.length) throw new ZoneSyntaxError('name runs past the end of the data');
    for (let i = at + 1; plain && i < end; i++) plain = PLAIN_BYTE[buf[i] as number] as boolean;
    at = end;
    if (at - offset + 1 > MAX_NAME_WIRE) throw new ZoneSyntaxError(`name is longer than ${MAX_NAME_WIRE} bytes`);
  }
  if (at === offset) return { name: '', end: at + 1 };
  if (plain) {
    // Copy the labels, turn each length byte after the first into a dot, lowercase.
    const text = Buffer.allocUnsafe(at - offset - 1);
    buf.copy(text, 0, offset + 1, at);
    for (let i = buf[offset] as number; i < text.length; i += 1 + (buf[offset + 1 + i] as number)) text[i] = 0x2e;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as number;
      if (ch >= 0x41 && ch <= 0x5a) text[i] = ch + 0x20;
    }
    return { name: text.toString('latin1'), end: at + 1 };
  }
  let name = '';
  for (let label = offset; label < at; label += 1 + (buf[label] as number)) {
    if (label !== offset) name += '.';
    for (let i = label + 1; i <= label + (buf[label] as number); i++) name += BYTE_TEXT[buf[i] as number];
  }
  return { name, end: at + 1 };
}

/** Whether `name` is `ancestor` or below it (both canonical). */
export function isSubdomain(name: string, ancestor: string): boolean {
  if (ancestor === '') return true;
  return name === ancestor || (name.endsWith(ancestor) && name.charCodeAt(name.length - ancestor.length - 1) === 0x2e && !isEscapedDot(name, name.length - ancestor.length - 1));
}

function isEscapedDot(name: string, dot: number): boolean {
  let slashes = 0;
  for (let i = dot - 1; i >= 0 && name[i] === '\\'; i--) slashes++;
  return slashes % 2 === 1;
}

/** The name one label up, or undefined for the root. */
export function parentName(name: string): string | undefined {
  if (name === '') return undefined;
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '\\') {
      i++;
      continue;
    }
    if (name[i] === '.') return name.slice(i + 1);
  }
  return '';
}

/** Presentation form with the trailing dot, as in zone files and dig output. */
export function toFqdn(name: string): string {
  return `${name}.`;
}

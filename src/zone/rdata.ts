import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ZoneSyntaxError } from './errors.js';
import { decodeName, encodeName, resolveName, toFqdn } from './names.js';
import { RRType, parseTtl, typeCode, typeName } from './rr-types.js';
import { tokenize, type Token } from './tokenizer.js';

/** RDATA in the three forms the rest of Meridian needs. */
export interface EncodedRdata {
  /** Uncompressed wire form. */
  rdata: Buffer;
  /** Presentation form (names absolute with their trailing dot). */
  text: string;
  /** Canonical name the record points at (CNAME, DNAME, NS, MX, SRV, PTR targets). */
  target?: string;
}

/** The rdata fields of one record, consumed left to right. */
class Fields {
  #at = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly type: string,
  ) {}

  next(what: string): string {
    const token = this.tokens[this.#at++];
    if (!token) throw new ZoneSyntaxError(`${this.type} record is missing its ${what}`);
    if (token.quoted) throw new ZoneSyntaxError(`${this.type} ${what} must not be quoted`);
    return token.text;
  }

  nextString(what: string): Token {
    const token = this.tokens[this.#at++];
    if (!token) throw new ZoneSyntaxError(`${this.type} record is missing its ${what}`);
    return token;
  }

  get remaining(): number {
    return this.tokens.length - this.#at;
  }

  end(): void {
    const extra = this.tokens[this.#at];
    if (extra) throw new ZoneSyntaxError(`unexpected "${extra.text}" after the ${this.type} rdata`);
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipv4Bytes(text: string): Buffer {
  if (!IPV4.test(text)) throw new ZoneSyntaxError(`malformed IPv4 address "${text}"`);
  return Buffer.from(text.split('.').map(Number));
}

function ipv6Bytes(text: string): Buffer {
  if (!isIPv6(text) || text.includes('%')) throw new ZoneSyntaxError(`malformed IPv6 address "${text}"`);
  try {
    return Buffer.from(ipaddr.IPv6.parse(text).toByteArray());
  } catch (err) {
    throw new ZoneSyntaxError(`malformed IPv6 address "${text}"`, { cause: err });
  }
}

function unsigned(text: string, bits: 8 | 16 | 32, what: string): number {
  const max = 2 ** bits - 1;
  if (!/^\d+$/.test(text) || Number(text) > max) throw new ZoneSyntaxError(`${what} "${text}" must be a number from 0 to ${max}`);
  return Number(text);
}

function u16(value: number): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(value);
  return out;
}

function u32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value);
  return out;
}

/** Decode a <character-string> (RFC 1035 section 3.3) written with \X and \DDD escapes. */
export function characterString(raw: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    if (ch === 0x5c) {
      const next = raw[i + 1];
      if (next === undefined) throw new ZoneSyntaxError('bad escape: backslash at the end of a string');
      if (next >= '0' && next <= '9') {
        const digits = raw.slice(i + 1, i + 4);
        if (!/^\d{3}$/.test(digits) || Number(digits) > 255) throw new ZoneSyntaxError(`bad escape "\\${digits}"`);
        bytes.push(Number(digits));
        i += 3;
      } else {
        bytes.push(raw.charCodeAt(i + 1));
        i++;
      }
    } else if (ch > 0x7f) {
      bytes.push(...Buffer.from(raw[i] as string, 'utf8'));
    } else {
      bytes.push(ch);
    }
  }
  return Buffer.from(bytes);
}

function boundedString(raw: string, what: string): Buffer {
  const bytes = characterString(raw);
  if (bytes.length > 255) throw new ZoneSyntaxError(`${what} is ${bytes.length} bytes long; a character-string holds at most 255 (split it into several quoted strings)`);
  return bytes;
}

/** Presentation of bytes inside double quotes, escaping what must be escaped. */
export function quoteString(bytes: Buffer): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${String(byte).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/** Reads fields back out of wire rdata, for RFC 3597 input of known types. */
class WireReader {
  #at = 0;
  constructor(private readonly buf: Buffer) {}
  need(n: number): void {
    if (this.#at + n > this.buf.length) throw new ZoneSyntaxError('rdata is shorter than its type requires');
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.#at++);
  }
  u16(): number {
    this.need(2);
    const value = this.buf.readUInt16BE(this.#at);
    this.#at += 2;
    return value;
  }
  u32(): number {
    this.need(4);
    const value = this.buf.readUInt32BE(this.#at);
    this.#at += 4;
    return value;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }
  name(): string {
    const { name, end } = decodeName(this.buf, this.#at);
    this.#at = end;
    return name;
  }
  get done(): boolean {
    return this.#at >= this.buf.length;
  }
  end(): void {
    if (!this.done) throw new ZoneSyntaxError('rdata is longer than its type allows');
  }
}

interface TypeCodec {
  parse(fields: Fields, origin: string): EncodedRdata;
  /** Presentation (and target) of wire rdata; validates it. */
  decode(reader: WireReader): { text: string; target?: string };
}

const nameCodec: TypeCodec = {
  parse(fields, origin) {
    const target = resolveName(fields.next('target name'), origin);
    fields.end();
    return { rdata: encodeName(target), text: toFqdn(target), target };
  },
  decode(reader) {
    const target = reader.name();
    reader.end();
    return { text: toFqdn(target), target };
  },
};

const stringsCodec: TypeCodec = {
  parse(fields) {
    if (fields.remaining === 0) throw new ZoneSyntaxError('TXT record needs at least one string');
    const parts: Buffer[] = [];
    while (fields.remaining > 0) parts.push(boundedString(fields.nextString('string').text, 'string'));
    return { rdata: Buffer.concat(parts.flatMap((p) => [Buffer.from([p.length]), p])), text: parts.map(quoteString).join(' ') };
  },
  decode(reader) {
    const parts: Buffer[] = [];
    while (!reader.done) parts.push(reader.bytes(reader.u8()));
    if (parts.length === 0) throw new ZoneSyntaxError('TXT rdata needs at least one string');
    return { text: parts.map(quoteString).join(' ') };
  },
};

/** A target name of "." (the root) means "no such service" (RFC 2782, RFC 7505): no target. */
const targetOf = (name: string): { target?: string } => (name === '' ? {} : { target: name });

const codecs = new Map<number, TypeCodec>([
  [
    RRType.A,
    {
      parse(fields) {
        const rdata = ipv4Bytes(fields.next('address'));
        fields.end();
        return { rdata, text: [...rdata].join('.') };
      },
      decode(reader) {
        const bytes = reader.bytes(4);
        reader.end();
        return { text: [...bytes].join('.') };
      },
    },
  ],
  [
    RRType.AAAA,
    {
      parse(fields) {
        const rdata = ipv6Bytes(fields.next('address'));
        fields.end();
        return { rdata, text: ipaddr.fromByteArray([...rdata]).toString() };
      },
      decode(reader) {
        const bytes = reader.bytes(16);
        reader.end();
        return { text: ipaddr.fromByteArray([...bytes]).toString() };
      },
    },
  ],
  [RRType.NS, nameCodec],
  [RRType.CNAME, nameCodec],
  [RRType.DNAME, nameCodec],
  [RRType.PTR, nameCodec],
  [
    RRType.MX,
    {
      parse(fields, origin) {
        const preference = unsigned(fields.next('preference'), 16, 'MX preference');
        const exchange = resolveName(fields.next('exchange'), origin);
        fields.end();
        return { rdata: Buffer.concat([u16(preference), encodeName(exchange)]), text: `${preference} ${toFqdn(exchange)}`, ...targetOf(exchange) };
      },
      decode(reader) {
        const preference = reader.u16();
        const exchange = reader.name();
        reader.end();
        return { text: `${preference} ${toFqdn(exchange)}`, ...targetOf(exchange) };
      },
    },
  ],
  [
    RRType.SRV,
    {
      parse(fields, origin) {
        const priority = unsigned(fields.next('priority'), 16, 'SRV priority');
        const weight = unsigned(fields.next('weight'), 16, 'SRV weight');
        const port = unsigned(fields.next('port'), 16, 'SRV port');
        const target = resolveName(fields.next('target'), origin);
        fields.end();
        return {
          rdata: Buffer.concat([u16(priority), u16(weight), u16(port), encodeName(target)]),
          text: `${priority} ${weight} ${port} ${toFqdn(target)}`,
          ...targetOf(target),
        };
      },
      decode(reader) {
        const [priority, weight, port] = [reader.u16(), reader.u16(), reader.u16()];
        const target = reader.name();
        reader.end();
        return { text: `${priority} ${weight} ${port} ${toFqdn(target)}`, ...targetOf(target) };
      },
    },
  ],
  [
    RRType.SOA,
    {
      parse(fields, origin) {
        const mname = resolveName(fields.next('primary server name (MNAME)'), origin);
        const rname = resolveName(fields.next('mailbox (RNAME)'), origin);
        const serial = unsigned(fields.next('serial'), 32, 'SOA serial');
        // RFC 1035 calls these TTL-like intervals; BIND's unit forms ("1h") are common.
        const timers = ['refresh', 'retry', 'expire', 'minimum'].map((what) => parseTtl(fields.next(what)));
        fields.end();
        return {
          rdata: Buffer.concat([encodeName(mname), encodeName(rname), ...[serial, ...timers].map(u32)]),
          text: `${toFqdn(mname)} ${toFqdn(rname)} ${[serial, ...timers].join(' ')}`,
        };
      },
      decode(reader) {
        const mname = reader.name();
        const rname = reader.name();
        const numbers = [reader.u32(), reader.u32(), reader.u32(), reader.u32(), reader.u32()];
        reader.end();
        return { text: `${toFqdn(mname)} ${toFqdn(rname)} ${numbers.join(' ')}` };
      },
    },
  ],
  [RRType.TXT, stringsCodec],
  [RRType.SPF, stringsCodec],
  [
    RRType.HINFO,
    {
      parse(fields) {
        const cpu = boundedString(fields.nextString('CPU').text, 'HINFO CPU');
        const os = boundedString(fields.nextString('OS').text, 'HINFO OS');
        fields.end();
        return { rdata: Buffer.concat([Buffer.from([cpu.length]), cpu, Buffer.from([os.length]), os]), text: `${quoteString(cpu)} ${quoteString(os)}` };
      },
      decode(reader) {
        const cpu = reader.bytes(reader.u8());
        const os = reader.bytes(reader.u8());
        reader.end();
        return { text: `${quoteString(cpu)} ${quoteString(os)}` };
      },
    },
  ],
  [
    RRType.CAA,
    {
      parse(fields) {
        const flags = unsigned(fields.next('flags'), 8, 'CAA flags');
        const tag = fields.next('tag');
        // RFC 8659 section 4.1: the tag is 1-15 ASCII letters and digits.
        if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) throw new ZoneSyntaxError(`CAA tag "${tag}" must be 1-15 letters or digits`);
        const value = characterString(fields.nextString('value').text);
        fields.end();
        return {
          rdata: Buffer.concat([Buffer.from([flags, tag.length]), Buffer.from(tag, 'ascii'), value]),
          text: `${flags} ${tag} ${quoteString(value)}`,
        };
      },
      decode(reader) {
        const flags = reader.u8();
        const tag = reader.bytes(reader.u8()).toString('latin1');
        if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) throw new ZoneSyntaxError(`CAA tag "${tag}" must be 1-15 letters or digits`);
        const rest: Buffer[] = [];
        while (!reader.done) rest.push(reader.bytes(1));
        return { text: `${flags} ${tag} ${quoteString(Buffer.concat(rest))}` };
      },
    },
  ],
]);

const MAX_RDATA = 0xffff;

/** RFC 3597 section 5: "\# <length> <hex>..." for any type. */
function parseGeneric(tokens: readonly Token[], type: number): EncodedRdata {
  const lengthText = tokens[1]?.text;
  if (lengthText === undefined || !/^\d+$/.test(lengthText)) throw new ZoneSyntaxError('RFC 3597 rdata needs a decimal length after \\#');
  const length = Number(lengthText);
  if (length > MAX_RDATA) throw new ZoneSyntaxError(`RFC 3597 rdata length ${length} exceeds ${MAX_RDATA}`);
  const hex = tokens.slice(2).map((t) => t.text).join('');
  if (!/^([0-9A-Fa-f]{2})*$/.test(hex)) throw new ZoneSyntaxError('RFC 3597 rdata must be hexadecimal digits in pairs');
  if (hex.length !== length * 2) throw new ZoneSyntaxError(`RFC 3597 rdata says ${length} bytes but holds ${hex.length / 2}`);
  const rdata = Buffer.from(hex, 'hex');
  const codec = codecs.get(type);
  if (codec) {
    // A known type given in generic form must still be valid rdata for that type.
    const decoded = codec.decode(new WireReader(rdata));
    return { rdata, ...decoded };
  }
  return { rdata, text: `\\# ${length}${length > 0 ? ` ${rdata.toString('hex')}` : ''}` };
}

/** Whether the type has a presentation format here (others need RFC 3597 form). */
export function hasPresentationFormat(type: number): boolean {
  return codecs.has(type);
}

/** Encode rdata tokens of one record. Throws ZoneSyntaxError with a message fit for file:line. */
export function parseRdataTokens(type: number, tokens: readonly Token[], origin: string): EncodedRdata {
  let result: EncodedRdata;
  if (tokens[0] && !tokens[0].quoted && tokens[0].text === '\\#') {
    result = parseGeneric(tokens, type);
  } else {
    const codec = codecs.get(type);
    if (!codec) throw new ZoneSyntaxError(`type ${typeName(type)} has no presentation format here: write its rdata in RFC 3597 form (\\# length hex)`);
    result = codec.parse(new Fields(tokens, typeName(type)), origin);
  }
  if (result.rdata.length > MAX_RDATA) throw new ZoneSyntaxError(`rdata is ${result.rdata.length} bytes; at most ${MAX_RDATA} fit in a record`);
  return result;
}

/**
 * Encode presentation rdata ("192.0.2.1", "10 mail.example.com.", "\# 4 c0000201")
 * for a type given by name ("A", "TYPE65280"). Relative names resolve against `origin`.
 */
export function encodeRdata(type: string | number, text: string, origin = ''): EncodedRdata {
  const code = typeof type === 'number' ? type : typeCode(type);
  if (code === undefined) throw new ZoneSyntaxError(`unknown record type "${type}"`);
  const { entries, problems } = tokenize(` ${text.replace(/\n/g, ' ')}`, 'rdata');
  if (problems[0]) throw new ZoneSyntaxError(problems[0].message);
  return parseRdataTokens(code, entries[0]?.tokens ?? [], origin);
}

import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeError } from '../errors/index.js';
import { ZoneSyntaxError } from './errors.js';
import { resolveName } from './names.js';
import { parseRdataTokens } from './rdata.js';
import { RRClass, RRType, className, classCode, isMetaType, looksLikeTtl, parseTtl, typeCode, typeName } from './rr-types.js';
import { tokenize, type Entry, type Token } from './tokenizer.js';
import type { ResourceRecord, ZoneProblem } from './types.js';

/** What a master file says, before the zone is checked and indexed. */
export interface ParsedZone {
  /** Canonical apex: the origin in force when the first record was read. */
  origin: string;
  /** The main file. */
  file: string;
  records: ResourceRecord[];
  problems: ZoneProblem[];
  /** Files read through $INCLUDE (resolved paths), so a reload can follow them. */
  includes: string[];
}

export interface ParseOptions {
  /** Name of the file, for record sources and problems; $INCLUDE paths resolve from its folder. */
  file: string;
  /** Initial $ORIGIN (canonical or with a trailing dot). */
  origin: string;
  /** How $INCLUDE reads files; defaults to the file system. */
  readFile?: (path: string) => string;
}

/** Nested $INCLUDEs deeper than this are surely a mistake (loops are caught earlier). */
const MAX_INCLUDE_DEPTH = 16;

/** Parser state that carries across entries and, except the origin, across $INCLUDE. */
interface State {
  origin: string;
  /** $TTL (RFC 2308 section 4). */
  defaultTtl: number | undefined;
  /** Last explicit TTL, the RFC 1035 default when no $TTL is set. */
  lastTtl: number | undefined;
  lastOwner: string | undefined;
  apex: string | undefined;
}

class Parser {
  readonly records: ResourceRecord[] = [];
  readonly problems: ZoneProblem[] = [];
  readonly includes: string[] = [];

  constructor(private readonly readFile: (path: string) => string) {}

  problem(file: string, line: number, message: string, severity: ZoneProblem['severity'] = 'error'): void {
    this.problems.push({ file, line, message, severity });
  }

  parseText(text: string, file: string, state: State, includeChain: readonly string[]): void {
    const { entries, problems } = tokenize(text, file);
    this.problems.push(...problems);
    for (const entry of entries) {
      try {
        const first = entry.tokens[0] as Token;
        if (!entry.ownerOmitted && !first.quoted && first.text.startsWith('$')) this.directive(entry, file, state, includeChain);
        else this.record(entry, file, state);
      } catch (err) {
        // Anything else is a bug here, but a zone file must never take the server down.
        this.problem(file, entry.line, err instanceof ZoneSyntaxError ? err.message : `cannot read this record: ${describeError(err)}`);
      }
    }
  }

  directive(entry: Entry, file: string, state: State, includeChain: readonly string[]): void {
    const [keyword, ...args] = entry.tokens as [Token, ...Token[]];
    const name = keyword.text.toUpperCase();
    if (name === '$ORIGIN') {
      if (args.length !== 1) throw new ZoneSyntaxError('$ORIGIN takes exactly one domain name');
      state.origin = resolveName((args[0] as Token).text, state.origin);
    } else if (name === '$TTL') {
      if (args.length !== 1) throw new ZoneSyntaxError('$TTL takes exactly one TTL');
      state.defaultTtl = parseTtl((args[0] as Token).text);
    } else if (name === '$INCLUDE') {
      if (args.length < 1 || args.length > 2) throw new ZoneSyntaxError('$INCLUDE takes a file name and an optional origin');
      this.include(file, state, includeChain, args);
    } else {
      throw new ZoneSyntaxError(`unknown directive ${keyword.text} (supported: $ORIGIN, $TTL, $INCLUDE)`);
    }
  }

  include(file: string, state: State, includeChain: readonly string[], args: Token[]): void {
    const path = resolve(dirname(file), (args[0] as Token).text);
    const key = canonicalPath(path);
    if (includeChain.includes(key)) throw new ZoneSyntaxError(`$INCLUDE loop: ${path} is already being read`);
    if (includeChain.length >= MAX_INCLUDE_DEPTH) throw new ZoneSyntaxError(`$INCLUDE nested deeper than ${MAX_INCLUDE_DEPTH} files`);
    this.includes.push(path);
    let text: string;
    try {
      text = this.readFile(path);
    } catch (err) {
      throw new ZoneSyntaxError(`cannot read $INCLUDE file ${path}: ${describeError(err)}`);
    }
    // RFC 1035 section 5.1: an $INCLUDE never changes the origin of the including file.
    const outerOrigin = state.origin;
    if (args[1]) state.origin = resolveName(args[1].text, state.origin);
    this.parseText(text, path, state, [...includeChain, key]);
    state.origin = outerOrigin;
  }

  record(entry: Entry, file: string, state: State): void {
    const tokens = entry.tokens;
    let at = 0;
    let owner: string;
    if (entry.ownerOmitted) {
      if (state.lastOwner === undefined) throw new ZoneSyntaxError('the line starts with a blank, so it repeats the previous owner name, but there is none yet');
      owner = state.lastOwner;
    } else {
      const token = tokens[at++] as Token;
      if (token.quoted) throw new ZoneSyntaxError('an owner name must not be quoted');
      owner = resolveName(token.text, state.origin);
    }

    let ttl: number | undefined;
    let rrClass: number | undefined;
    // RFC 1035 section 5.1: TTL and class are both optional and may come in either order.
    for (let k = 0; k < 2; k++) {
      const token = tokens[at];
      if (!token || token.quoted) break;
      if (ttl === undefined && looksLikeTtl(token.text)) {
        ttl = parseTtl(token.text);
        at++;
      } else if (rrClass === undefined && classCode(token.text) !== undefined && typeCode(token.text) === undefined) {
        rrClass = classCode(token.text) as number;
        at++;
      } else {
        break;
      }
    }
    if (rrClass !== undefined && rrClass !== RRClass.IN) {
      throw new ZoneSyntaxError(`class ${className(rrClass)} is not supported: Meridian serves class IN only`);
    }

    const typeToken = tokens[at++];
    if (!typeToken) throw new ZoneSyntaxError(`record for ${owner || '.'} has no type`);
    const type = typeToken.quoted ? undefined : typeCode(typeToken.text);
    if (type === undefined) {
      throw new ZoneSyntaxError(`unknown record type "${typeToken.text}" (write unknown types as TYPEnnn with \\# rdata, RFC 3597)`);
    }
    if (isMetaType(type)) throw new ZoneSyntaxError(`${typeName(type)} is a query-only type and cannot appear in zone data`);

    state.apex ??= state.origin;
    state.lastOwner = owner;
    const encoded = parseRdataTokens(type, tokens.slice(at), state.origin);

    if (ttl !== undefined) {
      state.lastTtl = ttl;
    } else if (state.defaultTtl !== undefined) {
      ttl = state.defaultTtl;
    } else if (state.lastTtl !== undefined) {
      ttl = state.lastTtl;
    } else if (type === RRType.SOA) {
      // RFC 2308 section 4 asks for $TTL; older files relied on the SOA minimum instead.
      ttl = encoded.rdata.readUInt32BE(encoded.rdata.length - 4);
      this.problem(file, entry.line, `no TTL and no $TTL: using the SOA minimum (${ttl}) as the TTL; add a $TTL line`, 'warning');
      state.lastTtl = ttl;
    } else {
      throw new ZoneSyntaxError('no TTL: give this record a TTL or put a $TTL line before it');
    }

    const record: ResourceRecord = {
      name: owner,
      type,
      class: RRClass.IN,
      ttl,
      rdata: encoded.rdata,
      text: encoded.text,
      source: { file, line: entry.line },
    };
    if (encoded.target !== undefined) record.target = encoded.target;
    this.records.push(record);
  }
}

function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Parse master-file text. Never throws on bad input: everything wrong is in `problems`. */
export function parseZoneText(text: string, options: ParseOptions): ParsedZone {
  const parser = new Parser(options.readFile ?? ((path) => readFileSync(path, 'utf8')));
  const state: State = { origin: '', defaultTtl: undefined, lastTtl: undefined, lastOwner: undefined, apex: undefined };
  try {
    state.origin = resolveName(options.origin.endsWith('.') ? options.origin : `${options.origin}.`, '');
  } catch (err) {
    parser.problem(options.file, 1, `bad zone origin "${options.origin}": ${describeError(err)}`);
  }
  parser.parseText(text, options.file, state, [canonicalPath(options.file)]);
  return { origin: state.apex ?? state.origin, file: options.file, records: parser.records, problems: parser.problems, includes: parser.includes };
}

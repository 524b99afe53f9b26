/**
 * The hot-path query parser: header, the one question and the OPT record, read in
 * place from the packet into a reused `ParsedQuery` (no per-query objects beyond the
 * lookup key string). Anything malformed ends in FORMERR or a silent drop, never an
 * exception. Names are not decoded to text here: the lowercase wire form is the
 * template-cache key, and the canonical text is only built on a cache miss.
 */
import { decodeName } from '../zone/index.js';
import { EdnsOption, Flag, HEADER_LENGTH, MAX_LABEL_LENGTH, MAX_NAME_LENGTH, RRType, read16 } from './wire.js';

/** What the responder should do with a packet. */
export const ParseStatus = {
  OK: 0,
  /** Not worth an answer (too short to carry an ID, or a response: QR=1). */
  DROP: 1,
  FORMERR: 2,
  NOTIMP: 3,
} as const;
export type ParseStatus = (typeof ParseStatus)[keyof typeof ParseStatus];

/** Why a packet was dropped or refused as malformed; the metrics label. */
export type MalformedReason = 'short_header' | 'response_bit' | 'question_count' | 'bad_name' | 'truncated' | 'bad_opt' | 'bad_ecs' | 'opcode';

export class ParsedQuery {
  id = 0;
  flags = 0;
  opcode = 0;
  /** True when the question section was read cleanly and can be echoed. */
  hasQuestion = false;
  /** Offset just past the question name's root label (the name starts at 12). */
  qnameEnd = 0;
  qtype = 0;
  qclass = 0;
  /** Lowercase wire form of the question name as a latin1 string: the template key. */
  key = '';
  edns = false;
  ednsPayload = 0;
  ednsVersion = 0;
  ednsDo = false;
  ecs = false;
  ecsFamily = 0;
  ecsSourcePrefix = 0;
  ecsAddressStart = 0;
  ecsAddressLength = 0;
  nsid = false;
  cookie = false;
  /** Offset of the client cookie (8 bytes) in the query. */
  cookieStart = 0;
  reason: MalformedReason | undefined = undefined;

  private reset(): void {
    this.hasQuestion = false;
    this.qnameEnd = 0;
    this.qtype = 0;
    this.qclass = 0;
    this.key = '';
    this.edns = false;
    this.ednsPayload = 0;
    this.ednsVersion = 0;
    this.ednsDo = false;
    this.ecs = false;
    this.ecsFamily = 0;
    this.ecsSourcePrefix = 0;
    this.ecsAddressStart = 0;
    this.ecsAddressLength = 0;
    this.nsid = false;
    this.cookie = false;
    this.cookieStart = 0;
    this.reason = undefined;
  }

  /** Parse `buf` into this object. */
  parse(buf: Buffer): ParseStatus {
    this.reset();
    const len = buf.length;
    if (len < HEADER_LENGTH) return this.fail('short_header', ParseStatus.DROP);
    this.id = read16(buf, 0);
    const flags = read16(buf, 2);
    this.flags = flags;
    // RFC 1035 4.1.1: a message with QR=1 is a response; answering it invites loops.
    if ((flags & Flag.QR) !== 0) return this.fail('response_bit', ParseStatus.DROP);
    this.opcode = (flags >>> 11) & 0xf;
    const qdcount = read16(buf, 4);
    // RFC 1035 4.1.1: opcodes other than QUERY (0) are not implemented here, whatever they carry;
    // the question is echoed when it reads cleanly.
    if (this.opcode !== 0) {
      if (qdcount !== 1 || this.readQuestion(buf) < 0) this.hasQuestion = false;
      return this.fail('opcode', ParseStatus.NOTIMP);
    }
    if (qdcount !== 1) return this.fail('question_count', ParseStatus.FORMERR);
    const afterQuestion = this.readQuestion(buf);
    if (afterQuestion < 0) return ParseStatus.FORMERR;
    const ancount = read16(buf, 6);
    const nscount = read16(buf, 8);
    const arcount = read16(buf, 10);
    let off = afterQuestion;
    for (let i = 0; i < ancount + nscount; i++) {
      off = this.skipRecord(buf, off, false);
      if (off < 0) return ParseStatus.FORMERR;
    }
    for (let i = 0; i < arcount; i++) {
      off = this.skipRecord(buf, off, true);
      if (off < 0) return ParseStatus.FORMERR;
    }
    return ParseStatus.OK;
  }

  /** Canonical text of the question name (lowercase, no trailing dot). */
  canonicalName(buf: Buffer): string {
    return decodeName(buf, HEADER_LENGTH).name;
  }

  private fail(reason: MalformedReason, status: ParseStatus): ParseStatus {
    this.reason = reason;
    return status;
  }

  /** Reads the question; returns the offset after it or -1 (reason set). */
  private readQuestion(buf: Buffer): number {
    const len = buf.length;
    let off = HEADER_LENGTH;
    let high = false;
    for (;;) {
      if (off >= len) {
        this.reason = 'truncated';
        return -1;
      }
      const l = buf[off]!;
      if (l === 0) break;
      // RFC 1035 4.1.4: the first question has no earlier name to point at, so any
      // pointer (or reserved label type) here is malformed. This also rules out loops.
      if (l > MAX_LABEL_LENGTH) {
        this.reason = 'bad_name';
        return -1;
      }
      const end = off + 1 + l;
      if (end > len) {
        this.reason = 'truncated';
        return -1;
      }
      for (let i = off + 1; i < end; i++) if (buf[i]! >= 0x80) high = true;
      off = end;
    }
    off += 1;
    if (off - HEADER_LENGTH > MAX_NAME_LENGTH) {
      this.reason = 'bad_name';
      return -1;
    }
    if (off + 4 > len) {
      this.reason = 'truncated';
      return -1;
    }
    this.qnameEnd = off;
    this.qtype = read16(buf, off);
    this.qclass = read16(buf, off + 2);
    // toLowerCase would also fold Latin-1 letters above 0x7f; bytes >= 0x80 take the ASCII-only path.
    this.key = high ? asciiLowerLatin1(buf, HEADER_LENGTH, off) : buf.toString('latin1', HEADER_LENGTH, off).toLowerCase();
    this.hasQuestion = true;
    return off + 4;
  }

  /** Skips one resource record; reads it when it is an OPT in the additional section. */
  private skipRecord(buf: Buffer, start: number, additional: boolean): number {
    const len = buf.length;
    const afterName = skipName(buf, start);
    if (afterName < 0 || afterName + 10 > len) {
      this.reason = afterName < 0 ? 'bad_name' : 'truncated';
      return -1;
    }
    const type = read16(buf, afterName);
    const rdlength = read16(buf, afterName + 8);
    const rdata = afterName + 10;
    const end = rdata + rdlength;
    if (end > len) {
      this.reason = 'truncated';
      return -1;
    }
    if (type === RRType.OPT) {
      // RFC 6891 6.1.1: one OPT, in the additional section, owned by the root.
      if (!additional || this.edns || afterName !== start + 1 || buf[start] !== 0) {
        this.reason = 'bad_opt';
        return -1;
      }
      this.edns = true;
      this.ednsPayload = read16(buf, afterName + 2);
      this.ednsVersion = buf[afterName + 5]!;
      this.ednsDo = (read16(buf, afterName + 6) & 0x8000) !== 0;
      if (!this.readOptions(buf, rdata, end)) return -1;
    }
    return end;
  }

  private readOptions(buf: Buffer, start: number, end: number): boolean {
    let off = start;
    while (off < end) {
      if (off + 4 > end) {
        this.reason = 'bad_opt';
        return false;
      }
      const code = read16(buf, off);
      const optlen = read16(buf, off + 2);
      const data = off + 4;
      if (data + optlen > end) {
        this.reason = 'bad_opt';
        return false;
      }
      if (code === EdnsOption.ECS) {
        if (!this.readEcs(buf, data, optlen)) return false;
      } else if (code === EdnsOption.NSID) {
        this.nsid = true;
      } else if (code === EdnsOption.COOKIE) {
        // RFC 7873 5.2.2: a client cookie alone (8) or with a server cookie (16-40); anything else, or twice, is FORMERR.
        if (this.cookie || !(optlen === 8 || (optlen >= 16 && optlen <= 40))) {
          this.reason = 'bad_opt';
          return false;
        }
        this.cookie = true;
        this.cookieStart = data;
      }
      // RFC 6891 6.1.2: unknown options are ignored (and never echoed).
      off = data + optlen;
    }
    return true;
  }

  /** RFC 7871 6 and 7.1.1: a malformed or repeated ECS option is FORMERR. */
  private readEcs(buf: Buffer, data: number, optlen: number): boolean {
    if (this.ecs || optlen < 4) return this.badEcs();
    const family = read16(buf, data);
    const source = buf[data + 2]!;
    const maxPrefix = family === 1 ? 32 : family === 2 ? 128 : -1;
    if (maxPrefix < 0 || source > maxPrefix) return this.badEcs();
    const addressLength = optlen - 4;
    if (addressLength !== Math.ceil(source / 8)) return this.badEcs();
    // No bits may be set past the source prefix.
    if (source % 8 !== 0 && addressLength > 0) {
      const last = buf[data + 4 + addressLength - 1]!;
      if ((last & (0xff >>> (source % 8))) !== 0) return this.badEcs();
    }
    this.ecs = true;
    this.ecsFamily = family;
    this.ecsSourcePrefix = source;
    this.ecsAddressStart = data + 4;
    this.ecsAddressLength = addressLength;
    return true;
  }

  private badEcs(): boolean {
    this.reason = 'bad_ecs';
    return false;
  }
}

/**
 * Offset after a (possibly compressed) name, or -1. A pointer must point backwards,
 * inside the packet, so following it could never loop; we do not need its target.
 */
function skipName(buf: Buffer, start: number): number {
  const len = buf.length;
  let off = start;
  let total = 1;
  for (;;) {
    if (off >= len) return -1;
    const l = buf[off]!;
    if (l === 0) return off + 1;
    if ((l & 0xc0) === 0xc0) {
      if (off + 1 >= len) return -1;
      const target = ((l & 0x3f) << 8) | buf[off + 1]!;
      return target < start ? off + 2 : -1;
    }
    if (l > MAX_LABEL_LENGTH) return -1;
    total += l + 1;
    if (total > MAX_NAME_LENGTH) return -1;
    off += l + 1;
  }
}

/** DNS case-insensitivity is ASCII-only (RFC 4343): lowercase A-Z and nothing else. */
function asciiLowerLatin1(buf: Buffer, start: number, end: number): string {
  const copy = Buffer.from(buf.subarray(start, end));
  for (let i = 0; i < copy.length; i++) {
    const b = copy[i]!;
    if (b >= 0x41 && b <= 0x5a) copy[i] = b + 0x20;
  }
  return copy.toString('latin1');
}

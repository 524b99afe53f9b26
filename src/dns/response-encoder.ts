/**
 * Encodes an `Answer` into a wire-format response body (everything but the OPT
 * record), with RFC 1035 4.1.4 name compression. The question is copied from the
 * query and every record owned by the query name points at it (0xC00C), so the
 * client's 0x20 case survives wherever the name appears and a cached body can be
 * re-used for any casing of the same name by patching the question bytes.
 */
import type { Answer, AnswerRecord } from './answer.js';
import { encodeName, parentName } from '../zone/index.js';
import { Flag, HEADER_LENGTH } from './wire.js';

/** A prepared response body, the unit of the template cache. */
export interface ResponseBody {
  /** Header (ID 0, RD 0, counts without OPT) + question + sections. */
  bytes: Buffer;
  /** Length up to the end of the authority section: the body with the additional section dropped. */
  lengthWithoutAdditional: number;
  /** Offset where the question ends (header + name + type + class). */
  questionEnd: number;
  additionalRequired: boolean;
  rcode: number;
}

/** RFC 1035 4.1.4: compression pointers carry a 14-bit offset. */
const MAX_POINTER_OFFSET = 0x3fff;
/** RFC 7766 / 1035: a message can never exceed 65535 bytes (TCP length prefix). */
const MAX_MESSAGE = 65535;

class Writer {
  buf: Buffer;
  off = 0;
  readonly names = new Map<string, number>();

  constructor(size: number) {
    this.buf = Buffer.alloc(size);
  }

  ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.off);
    this.off += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.off);
    this.off += 4;
  }

  bytes(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.off);
    this.off += b.length;
  }

  /** Writes a canonical name, compressing against every name written so far. */
  name(name: string): void {
    const wire = encodeName(name);
    const start = this.off;
    let suffix = name;
    let at = 0;
    let pointer = -1;
    for (; wire[at] !== 0; at += 1 + wire[at]!) {
      pointer = this.names.get(suffix) ?? -1;
      if (pointer >= 0) break;
      if (start + at <= MAX_POINTER_OFFSET) this.names.set(suffix, start + at);
      suffix = parentName(suffix) ?? '';
    }
    if (pointer < 0) {
      this.bytes(wire);
      return;
    }
    this.bytes(wire.subarray(0, at));
    this.u16(0xc000 | pointer);
  }

  record(rr: AnswerRecord): void {
    this.name(rr.name);
    this.u16(rr.type);
    this.u16(1);
    this.u32(rr.ttl);
    this.u16(rr.rdata.length);
    this.bytes(rr.rdata);
  }
}

/** Every suffix of the question name becomes a compression target. */
function registerQuestion(w: Writer, qname: string): void {
  const wire = encodeName(qname);
  let suffix = qname;
  for (let at = 0; wire[at] !== 0; at += 1 + wire[at]!) {
    w.names.set(suffix, HEADER_LENGTH + at);
    suffix = parentName(suffix) ?? '';
  }
}

/**
 * Builds the response body for a query. `query` supplies the question bytes and
 * `qname` its canonical text.
 */
export function encodeBody(query: Buffer, questionEnd: number, qname: string, answer: Answer): ResponseBody {
  const w = new Writer(512);
  const rcodeLow = answer.rcode & 0xf;
  w.u16(0);
  w.u16(Flag.QR | (answer.authoritative ? Flag.AA : 0) | rcodeLow);
  w.u16(1);
  w.u16(answer.answer.length);
  w.u16(answer.authority.length);
  w.u16(answer.additional.length);
  w.bytes(query.subarray(HEADER_LENGTH, questionEnd));
  registerQuestion(w, qname);
  for (const rr of answer.answer) w.record(rr);
  for (const rr of answer.authority) w.record(rr);
  const lengthWithoutAdditional = w.off;
  for (const rr of answer.additional) w.record(rr);
  if (w.off > MAX_MESSAGE) return encodeBody(query, questionEnd, qname, { ...answer, additional: [], answer: [], authority: [], rcode: 2 });
  return {
    bytes: Buffer.from(w.buf.subarray(0, w.off)),
    lengthWithoutAdditional,
    questionEnd,
    additionalRequired: answer.additionalRequired,
    rcode: answer.rcode,
  };
}

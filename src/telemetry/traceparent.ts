import { randomBytes } from 'node:crypto';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) `traceparent`:
 * `version-traceid-parentid-flags`, lower-case hex. Each hop keeps the trace id, makes a
 * span id of its own, and sends that span id as the next hop's parent id, so one trace id
 * ties the edge, regional and origin log lines of a request together.
 */
export interface TraceContext {
  traceId: string;
  /** This hop's span id: the parent id in the header it sends upstream. */
  spanId: string;
  /** The parent id it received (undefined when it started the trace). */
  parentId: string | undefined;
  sampled: boolean;
  /** The header to send upstream. */
  traceparent: string;
}

// Section 3.2.2: version 00, 32-hex trace id, 16-hex parent id, 2-hex flags; all-zero ids are invalid.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export interface ParsedTraceparent {
  traceId: string;
  parentId: string;
  sampled: boolean;
}

/** The received header, or undefined when it is missing or malformed (section 3.2: then start a new trace). */
export function parseTraceparent(header: string | string[] | undefined): ParsedTraceparent | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is forbidden; version 00 has nothing after the flags.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/** This hop's context: continue the received trace, or start one. */
export function continueTrace(header: string | string[] | undefined): TraceContext {
  const parent = parseTraceparent(header);
  const traceId = parent?.traceId ?? randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const sampled = parent?.sampled ?? true;
  return { traceId, spanId, parentId: parent?.parentId, sampled, traceparent: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}` };
}

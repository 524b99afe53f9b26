import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { describeError } from '../errors/index.js';
import { SimulateError, SimulateErrorCode } from './errors.js';
import { TraceBuilder } from './trace-builder.js';
import type { Trace } from './types.js';

const MAX_REPORTED_PROBLEMS = 10;

/**
 * A CSV trace: `time,client,url,size` per line (a header line naming the columns is skipped,
 * blank lines and `#` comments too). time: seconds (epoch or from the start) or an ISO 8601
 * timestamp; client: an IP address; url: any text without a comma; size: response bytes.
 * Times must not go backwards: a trace is replayed in order.
 */
export function parseCsvTrace(text: string, file = 'trace'): Trace {
  const builder = new TraceBuilder();
  const problems: string[] = [];
  let previous = -Infinity;
  const lines = text.split(/\r?\n/);
  const headerLine = firstDataLine(lines);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(',').map((f) => f.trim());
    if (n === headerLine && fields[0]?.toLowerCase() === 'time') continue;
    const problem = (message: string) => problems.push(`${file}:${n + 1}: ${message}`);
    if (fields.length !== 4) {
      problem(`expected 4 fields (time,client,url,size), got ${fields.length}`);
      continue;
    }
    const [timeText, client, url, sizeText] = fields as [string, string, string, string];
    const time = parseTime(timeText);
    const size = Number(sizeText);
    if (time === undefined) problem(`time '${timeText}' is neither seconds nor an ISO 8601 timestamp`);
    else if (time < previous) problem(`time ${timeText} is earlier than the line before`);
    if (isIP(client) === 0) problem(`client '${client}' is not an IP address`);
    if (url === '') problem('url is empty');
    if (sizeText === '' || !Number.isInteger(size) || size < 0) problem(`size '${sizeText}' is not a whole number of bytes`);
    if (problems.length > MAX_REPORTED_PROBLEMS) break;
    if (time === undefined || time < previous || isIP(client) === 0 || url === '' || !(Number.isInteger(size) && size >= 0)) continue;
    previous = time;
    builder.add(time, client, url, size);
  }
  if (problems.length > 0) {
    throw new SimulateError(SimulateErrorCode.traceInvalid, `the trace has errors:\n${problems.slice(0, MAX_REPORTED_PROBLEMS).join('\n')}`, {
      hint: 'each line: time,client,url,size (e.g. 1700000000,81.2.3.4,/video/seg1.ts,524288)',
    });
  }
  const trace = builder.build();
  if (trace.length === 0) throw new SimulateError(SimulateErrorCode.traceInvalid, `${file}: the trace has no requests`, { hint: 'each line: time,client,url,size' });
  return trace;
}

export async function readCsvTrace(file: string): Promise<Trace> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SimulateError(SimulateErrorCode.unreadable, `cannot read the trace ${file}: ${describeError(err)}`, { cause: err, hint: 'check the --trace path' });
  }
  return parseCsvTrace(text, file);
}

/** The same layout, for exporting a generated trace. */
export function formatCsvTrace(trace: Trace): string {
  const out = ['time,client,url,size'];
  for (let i = 0; i < trace.length; i++) {
    out.push(`${trace.times[i]!.toFixed(3)},${trace.clients[trace.clientIndex[i]!]},${trace.urls[trace.objectIndex[i]!]},${trace.sizes[i]}`);
  }
  return `${out.join('\n')}\n`;
}

function firstDataLine(lines: readonly string[]): number {
  return lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

function parseTime(text: string): number | undefined {
  if (text === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNotModified, notModifiedHeaders } from './client-conditionals.js';
import { withoutHopByHop } from './http-headers.js';
import { rangeFor } from './range.js';
import type { StoredHeaders } from './types.js';

/**
 * Write a response whose full body is in hand (a stored object or a buffered fill),
 * answering the client's conditionals (304) and a single Range (206/416) from it.
 * `headers` is this response's own copy and is modified. Returns the body bytes sent.
 */
export function writeFullResponse(req: IncomingMessage, res: ServerResponse, status: number, headers: StoredHeaders, body: Buffer, cacheStatus: string): number {
  let out = headers;
  let payload: Buffer | undefined = body;
  let code = status;
  if (status === 200) {
    if ((req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined) && isNotModified(req.headers, headers)) {
      code = 304;
      out = notModifiedHeaders(headers);
      payload = undefined;
    } else if (req.headers.range !== undefined && req.method === 'GET') {
      const range = rangeFor(req.headers, headers, body.length);
      if (range.kind === 'partial') {
        code = 206;
        out['content-range'] = `bytes ${range.start}-${range.end}/${body.length}`;
        payload = body.subarray(range.start, range.end + 1);
      } else if (range.kind === 'unsatisfiable') {
        code = 416;
        out['content-range'] = `bytes */${body.length}`;
        payload = Buffer.alloc(0);
      }
    }
  }
  if (payload !== undefined && code !== 204) out['content-length'] = String(payload.length);
  out['cache-status'] = cacheStatus;
  res.writeHead(code, out);
  if (payload !== undefined && req.method !== 'HEAD') {
    res.end(payload);
    return payload.length;
  }
  res.end();
  return 0;
}

export type InterimSink = (status: number, headers: StoredHeaders) => void;

/**
 * Pass interim responses on (RFC 9110 15.2): 103 Early Hints and 102 Processing have
 * Node APIs; other 1xx codes are dropped. They are never stored (RFC 9111 3: final responses only).
 */
export function interimTo(res: ServerResponse): InterimSink {
  return (status, headers) => {
    if (res.headersSent) return;
    if (status === 103) {
      const hints = withoutHopByHop(headers);
      if (hints.link !== undefined) res.writeEarlyHints(hints as Record<string, string | string[]>);
    } else if (status === 102) {
      res.writeProcessing();
    }
  };
}

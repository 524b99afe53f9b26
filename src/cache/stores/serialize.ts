import type { StoreEntry } from '../types.js';

/**
 * Wire format shared by the disk and Redis stores:
 * 4-byte big-endian length of a JSON header, the header, then the body bytes.
 * The header is the entry without its body (and without runtime fields).
 */
export function encodeEntry(entry: StoreEntry): Buffer {
  const header = entry.kind === 'object' ? { kind: 'object', meta: entry.object.meta } : { kind: 'vary', marker: entry.marker };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(json.length, 0);
  return entry.kind === 'object' ? Buffer.concat([length, json, entry.object.body]) : Buffer.concat([length, json]);
}

/** Undefined for anything that is not a well-formed entry (a torn file, a foreign key). */
export function decodeEntry(data: Buffer): StoreEntry | undefined {
  if (data.length < 4) return undefined;
  const length = data.readUInt32BE(0);
  if (4 + length > data.length) return undefined;
  let header: { kind?: string; meta?: unknown; marker?: unknown };
  try {
    header = JSON.parse(data.subarray(4, 4 + length).toString('utf8'));
  } catch {
    return undefined;
  }
  if (header.kind === 'object' && header.meta && typeof header.meta === 'object') {
    return { kind: 'object', object: { meta: header.meta as never, body: data.subarray(4 + length) } };
  }
  if (header.kind === 'vary' && header.marker && typeof header.marker === 'object') {
    return { kind: 'vary', marker: header.marker as never };
  }
  return undefined;
}

export function entryExpiresAt(entry: StoreEntry): number {
  return entry.kind === 'object' ? entry.object.meta.expiresAt : entry.marker.expiresAt;
}

/** Approximate bytes an entry costs (body + a fixed allowance for headers and bookkeeping). */
export function entrySize(entry: StoreEntry): number {
  return entry.kind === 'object' ? entry.object.body.length + 1024 : 256;
}

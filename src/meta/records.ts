import type { NodeStatus, PurgeAck } from './types.js';

/*
 * Records read back from the store are untrusted (another version, a hand edit): a record
 * that does not parse is treated as absent — a node that cannot be read is not live, an
 * ack that cannot be read is not an ack — which is the safe side for both readers.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function parseNodeStatus(raw: string): NodeStatus | undefined {
  const value = parse(raw);
  if (!isObject(value)) return undefined;
  if (typeof value.id !== 'string' || typeof value.region !== 'string' || (value.tier !== 'edge' && value.tier !== 'regional')) return undefined;
  if (!Array.isArray(value.addresses) || !isObject(value.location) || !isObject(value.capacity) || !isObject(value.load)) return undefined;
  if (typeof value.updatedAt !== 'number' || typeof value.expiresAt !== 'number') return undefined;
  // A malformed admin URL only costs the node its warm-up role, not its place in the registry.
  if (value.adminUrl !== undefined && typeof value.adminUrl !== 'string') delete value.adminUrl;
  return value as unknown as NodeStatus;
}

export function parseAck(raw: string): PurgeAck | undefined {
  const value = parse(raw);
  if (!isObject(value)) return undefined;
  if (typeof value.nodeId !== 'string' || typeof value.sequence !== 'number' || typeof value.streamId !== 'string' || typeof value.at !== 'number') return undefined;
  return value as unknown as PurgeAck;
}

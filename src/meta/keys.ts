/**
 * The Redis key layout (see README.md, "Key layout"). Everything the purge script touches
 * atomically carries the hash tag `{inv}` and everything of the registry `{reg}`, so
 * each group sits in one Cluster slot and a Lua script or MGET may span it.
 */
export interface MetaKeys {
  sequence: string;
  epoch: string;
  stream: string;
  lastId: string;
  versionsHard: string;
  versionsSoft: string;
  floors: string;
  acks: string;
  nodes: string;
  node(id: string): string;
}

export function metaKeys(prefix: string): MetaKeys {
  const inv = `${prefix}{inv}:`;
  const reg = `${prefix}{reg}:`;
  return {
    sequence: `${inv}seq`,
    epoch: `${inv}epoch`,
    stream: `${inv}stream`,
    lastId: `${inv}last-id`,
    versionsHard: `${inv}versions:hard`,
    versionsSoft: `${inv}versions:soft`,
    floors: `${inv}floors`,
    acks: `${inv}acks`,
    nodes: `${reg}nodes`,
    node: (id) => `${reg}node:${id}`,
  };
}
